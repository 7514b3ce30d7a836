import { ComponentRegistry } from "@hjepa/contracts";
import { activationSchema, type ParamStore } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { z } from "zod";
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
  /** Weight of the KL term of `sample` in the level's loss (absent: 0, for encoders without one). */
  readonly klWeight?: number;
  /** The latent used for prediction and planning (the mean of a stochastic encoder). */
  encode(features: tf.Tensor2D): tf.Tensor2D;
  /**
   * The latent used in training and its KL divergence to N(0, I) (summed over dimensions, averaged over the
   * batch): a reparameterised sample with noise drawn from `rng` when stochastic, else `encode` and 0.
   */
  sample(features: tf.Tensor2D, rng: Rng): { latent: tf.Tensor2D; kl: tf.Scalar };
}

/** A macro-action config: `{ type, ...options }`. */
export type MacroActionConfig = { type: string } & Record<string, unknown>;

/** Builds a macro-action encoder from its parsed options, over `inputSize` flattened action features. */
export type MacroActionBuilder = (inputSize: number, params: ParamStore, rng: Rng) => MacroActionEncoder;

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

/**
 * The macro-action encoders a config can name (a level's `macroAction.type`), each with the zod schema of its
 * `{ type, ...options }` object. `fullExperimentSchema` of @hjepa/configurator validates a config against it;
 * `makeMacroActionEncoder` parses with it too.
 */
export const macroActionRegistry = new ComponentRegistry<MacroActionConfig, MacroActionBuilder>(
  "macroAction",
);

/**
 * Registers a macro-action encoder type so configs can name it (a new one is one new file); `schema` parses
 * the whole `{ type, ...options }` object. A taken name is an error.
 */
export function registerMacroActionEncoder<O extends MacroActionConfig>(
  type: string,
  component: { schema: z.ZodType<O>; create: (config: O) => MacroActionBuilder },
): void {
  macroActionRegistry.register(type, component);
}

/**
 * `learned`: an MLP action encoder to a `dim`-d latent (deterministic, as HWM, or `stochastic` with a KL term
 * of weight `kl` to N(0, I)).
 */
export const learnedMacroActionSchema = z
  .object({
    type: z.literal("learned"),
    dim: z.number().int().positive().default(8),
    hidden: z.array(z.number().int().positive()).default([64, 64]),
    activation: activationSchema.default("relu"),
    stochastic: z.boolean().default(false),
    kl: z.number().min(0).default(0.001),
  })
  .strict();

/** `concat`: the primitive actions themselves, concatenated (the baseline). */
export const concatMacroActionSchema = z.object({ type: z.literal("concat") }).strict();

registerMacroActionEncoder("learned", {
  schema: learnedMacroActionSchema,
  create: (config) => (inputSize, params, rng) => new LearnedMacroAction(config, inputSize, params, rng),
});
registerMacroActionEncoder("concat", {
  schema: concatMacroActionSchema,
  create: () => (inputSize) => new ConcatMacroAction(inputSize),
});

/** Builds the macro-action encoder a config names, over `inputSize` flattened action features. */
export function makeMacroActionEncoder(
  config: MacroActionConfig,
  inputSize: number,
  params: ParamStore,
  rng: Rng,
): MacroActionEncoder {
  const where = { name: ["macroAction", "type"], options: ["macroAction"] };
  return macroActionRegistry.create(config.type, config, where)(inputSize, params, rng);
}
