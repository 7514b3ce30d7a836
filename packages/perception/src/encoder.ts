import { InputError } from "@hjepa/errors";
import type { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { ActivationName } from "./layers.ts";
import type { ParamStore } from "./params.ts";

/**
 * Perception: observation batch -> representation batch. `encode` maps `[B, ...inputShape]` (raw observations
 * as the env gives them, e.g. uint8 pixels) to `[B, dim]`; `project` is the optional projector head used only
 * by the training losses (identity when absent). Input normalisation statistics are part of the encoder's
 * parameters (non-trainable), so a checkpoint carries them.
 */
export interface Encoder {
  readonly type: string;
  readonly inputShape: readonly number[];
  readonly dim: number;
  /** Size of `project`'s output (= dim without a projector). */
  readonly projectedDim: number;
  readonly params: ParamStore;
  encode(obs: tf.Tensor): tf.Tensor2D;
  project(z: tf.Tensor2D): tf.Tensor2D;
  /** Sets the input normalisation (per feature for vectors, per channel for images) from data statistics. */
  setNormalization(mean: ArrayLike<number>, std: ArrayLike<number>): void;
}

export interface ProjectorConfig {
  hidden: number[];
  dim: number;
}

export interface MlpEncoderConfig {
  type: "mlp";
  hidden: number[];
  dim: number;
  activation?: ActivationName;
  layerNorm?: boolean;
  projector?: ProjectorConfig | null;
}

export interface CnnEncoderConfig {
  type: "cnn";
  /** Output channels of each conv layer (each halves the spatial size: stride 2). */
  channels: number[];
  kernel?: number;
  dim: number;
  activation?: ActivationName;
  projector?: ProjectorConfig | null;
}

export type EncoderConfig =
  | MlpEncoderConfig
  | CnnEncoderConfig
  | ({ type: string } & Record<string, unknown>);

export type EncoderFactory = (
  config: EncoderConfig,
  inputShape: readonly number[],
  params: ParamStore,
  rng: Rng,
) => Encoder;

const factories = new Map<string, EncoderFactory>();

/** Registers an encoder type so configs can name it (a new encoder is one new file). */
export function registerEncoder(type: string, factory: EncoderFactory): void {
  factories.set(type, factory);
}

/** Builds the encoder a config names, for observations of `inputShape`. */
export function makeEncoder(
  config: EncoderConfig,
  inputShape: readonly number[],
  params: ParamStore,
  rng: Rng,
): Encoder {
  const factory = factories.get(config.type);
  if (!factory) {
    throw new InputError(
      `unknown encoder type "${config.type}" (expected one of ${[...factories.keys()].join(", ")})`,
    );
  }
  return factory(config, inputShape, params, rng);
}
