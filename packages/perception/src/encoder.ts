import { ComponentRegistry } from "@hjepa/contracts";
import type { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { z } from "zod";
import { ACTIVATIONS, type ActivationName, Mlp } from "./layers.ts";
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
  /** Standardise each feature by the data's mean and std (absent: true); false for one-hot observations. */
  standardize?: boolean;
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

/** Builds an encoder from its parsed options, for observations of `inputShape`. */
export type EncoderBuilder = (inputShape: readonly number[], params: ParamStore, rng: Rng) => Encoder;

/**
 * The encoders a config can name (`model.encoder.type`), each with the zod schema of its options (the whole
 * `{ type, ...options }` object, defaults filled). `fullExperimentSchema` of @hjepa/configurator validates a
 * config against it; `makeEncoder` parses with it too, so a partial config (tests, benches) gets the defaults.
 */
export const encoderRegistry = new ComponentRegistry<EncoderConfig, EncoderBuilder>("encoder");

/**
 * Registers an encoder type so configs can name it (a new encoder is one new file): `schema` parses the whole
 * `{ type: name, ...options }` object, `create` builds from the parsed options. A taken name is an error.
 */
export function registerEncoder<O extends EncoderConfig>(
  type: string,
  component: { schema: z.ZodType<O>; create: (config: O) => EncoderBuilder },
): void {
  encoderRegistry.register(type, component);
}

/** Builds the encoder a config names, for observations of `inputShape`; its options are parsed by its schema. */
export function makeEncoder(
  config: EncoderConfig,
  inputShape: readonly number[],
  params: ParamStore,
  rng: Rng,
): Encoder {
  const where = { name: ["encoder", "type"], options: ["encoder"] };
  return encoderRegistry.create(config.type, config, where)(inputShape, params, rng);
}

/** An activation by name, as configs give it (see `ACTIVATIONS`). */
export const activationSchema = z.enum(Object.keys(ACTIVATIONS) as [ActivationName, ...ActivationName[]]);

/** The optional projector head of an encoder (used by the training losses only). */
export const projectorSchema = z
  .object({ hidden: z.array(z.number().int().positive()).default([]), dim: z.number().int().positive() })
  .strict();

/**
 * An encoder's optional projector head (`projectorSchema`): an MLP from the representation's `dim` through
 * `config.hidden` to `config.dim` under `params.scope("projector")`, or the identity without a config.
 */
export class ProjectorHead {
  /** Size of the head's output (= the representation's without a head). */
  readonly dim: number;
  private readonly mlp: Mlp | null;

  constructor(
    params: ParamStore,
    dim: number,
    config: ProjectorConfig | null | undefined,
    rng: Rng,
    act?: ActivationName,
  ) {
    this.mlp = config
      ? new Mlp(
          params.scope("projector"),
          { sizes: [dim, ...config.hidden, config.dim], activation: act },
          rng,
        )
      : null;
    this.dim = config ? config.dim : dim;
  }

  apply(z: tf.Tensor2D): tf.Tensor2D {
    return this.mlp ? this.mlp.apply(z) : z;
  }
}
