import { InputError } from "@hjepa/errors";
import type { MacroActionConfig } from "@hjepa/experiment";
import type { ParamStore } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { LearnedMacroAction } from "./learnedMacroAction.ts";

/**
 * A macro-action encoder: the action features of the K primitive actions of one macro-step, flattened to
 * `[B, K * size]` (see ActionFeatures), -> the latent `[B, dim]` that a level's predictor is conditioned on.
 */
export interface MacroActionEncoder {
  readonly type: string;
  /** Size of the flattened input, K * (action feature size). */
  readonly inputSize: number;
  /** Size of the latent. */
  readonly dim: number;
  readonly stochastic: boolean;
  /** The latent used for prediction and planning (the mean of a stochastic encoder). */
  encode(features: tf.Tensor2D): tf.Tensor2D;
  /**
   * The latent used in training and its KL divergence to N(0, I) (summed over dimensions, averaged over the
   * batch): a reparameterised sample with noise drawn from `rng` when stochastic, else `encode` and 0.
   */
  sample(features: tf.Tensor2D, rng: Rng): { latent: tf.Tensor2D; kl: tf.Scalar };
}

export type MacroActionFactory = (
  config: { type: string } & Record<string, unknown>,
  inputSize: number,
  params: ParamStore,
  rng: Rng,
) => MacroActionEncoder;

/** The baseline: the K primitive actions' features themselves, concatenated (latent size K * size). */
export class ConcatMacroAction implements MacroActionEncoder {
  readonly type = "concat";
  readonly stochastic = false;
  readonly dim: number;

  constructor(readonly inputSize: number) {
    this.dim = inputSize;
  }

  encode(features: tf.Tensor2D): tf.Tensor2D {
    return tf.clone(features);
  }

  sample(features: tf.Tensor2D): { latent: tf.Tensor2D; kl: tf.Scalar } {
    return { latent: tf.clone(features), kl: tf.scalar(0) };
  }
}

const factories = new Map<string, MacroActionFactory>([
  [
    "learned",
    (config, inputSize, params, rng) =>
      new LearnedMacroAction(
        config as Extract<MacroActionConfig, { type: "learned" }>,
        inputSize,
        params,
        rng,
      ),
  ],
  ["concat", (_config, inputSize) => new ConcatMacroAction(inputSize)],
]);

/** Registers a macro-action encoder type so configs can name it (a new one is one new file). */
export function registerMacroActionEncoder(type: string, factory: MacroActionFactory): void {
  factories.set(type, factory);
}

/** Builds the macro-action encoder a config names, over `inputSize` flattened action features. */
export function makeMacroActionEncoder(
  config: MacroActionConfig | ({ type: string } & Record<string, unknown>),
  inputSize: number,
  params: ParamStore,
  rng: Rng,
): MacroActionEncoder {
  const factory = factories.get(config.type);
  if (!factory) {
    throw new InputError(
      `unknown macroAction type "${config.type}" (expected one of ${[...factories.keys()].join(", ")})`,
    );
  }
  return factory(config as { type: string } & Record<string, unknown>, inputSize, params, rng);
}
