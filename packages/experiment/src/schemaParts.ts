import { z } from "zod";

/** Pieces the experiment config's schemas share. */
export const posInt = z.number().int().positive();
export const nonNeg = z.number().min(0);
export const activation = z.enum(["relu", "elu", "tanh", "silu", "linear"]);

/**
 * A registered component named by `type`, its options beside it: `{ "type": "mlp", "dim": 16 }`. This package
 * does not know the components (encoders in @hjepa/perception, predictors and macro-action encoders in
 * @hjepa/world-model): `fullExperimentSchema` of @hjepa/configurator validates the options against the
 * schema the component registered and writes them back with defaults filled.
 */
export const componentSchema = z.looseObject({ type: z.string().min(1) });
/** A component reference whose `type` has a default (the object may then be empty). */
export function componentWithDefault(type: string) {
  return z.looseObject({ type: z.string().min(1).default(type) }).default({ type });
}
export type ComponentConfig = z.output<typeof componentSchema>;
