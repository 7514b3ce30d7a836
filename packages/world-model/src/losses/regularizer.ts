/**
 * Representation regularisers that research packages add to level 1's objective by name, next to the built-in
 * VICReg and SIGReg terms: a config lists them in `world.levels[0].loss.regularizers` as
 * `{ type, weight, ...options }`, and each becomes one loss term reported under its type.
 */
import { type Component, ComponentRegistry } from "@hjepa/contracts";
import type { tf } from "@hjepa/tensor";
import type { LossContext, LossTerm } from "./term.ts";

/**
 * A regulariser: one unweighted scalar per batch from the level's loss context (`ctx.regularized()` is what
 * VICReg and SIGReg see, `[N, e]`; `ctx.rng` is the step's randomness). Called inside `tf.tidy`; built anew
 * for every step, so it keeps no state between steps.
 */
export interface Regularizer {
  compute(ctx: LossContext): tf.Scalar;
}

/** A regulariser as a config names it; `weight` (default 1) multiplies it in the total. */
export type RegularizerConfig = { type: string; weight?: number } & Record<string, unknown>;

/**
 * The regularisers a config can name (`loss.regularizers[].type`), each with the zod schema of its whole
 * `{ type, weight, ...options }` object. `fullExperimentSchema` of @hjepa/configurator validates a config
 * against it.
 */
export const regularizerRegistry = new ComponentRegistry<RegularizerConfig, Regularizer>("regularizer");

/** Registers a regulariser type so configs can name it; a taken name is an error (pick a new name). */
export function registerRegularizer<O extends RegularizerConfig>(
  type: string,
  component: Component<O, Regularizer>,
): void {
  regularizerRegistry.register(type, component);
}

/**
 * The loss terms of the configured regularisers, in config order, each named by its type (its value is
 * reported under that key, so a type listed twice is an error of `evaluateLoss`).
 */
export function regularizerTerms(configs: readonly RegularizerConfig[] | undefined): LossTerm[] {
  return (configs ?? []).map((config, i) => {
    const at = ["loss", "regularizers", i];
    const parsed = regularizerRegistry.parse(config.type, config, { name: [...at, "type"], options: at });
    const regularizer = regularizerRegistry.component(config.type).create(parsed);
    return { name: config.type, weight: parsed.weight ?? 1, compute: (ctx) => regularizer.compute(ctx) };
  });
}
