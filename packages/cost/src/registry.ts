import { type Component, ComponentRegistry } from "@hjepa/contracts";
import { z } from "zod";
import { effortTerm } from "./effort.ts";
import { energyTerm } from "./energy.ts";
import type { CostTerm } from "./types.ts";

/**
 * The task cost terms a config can name (`agent.costTerms[]`: `{ type, ...options }`), each with the zod schema
 * of its options. A research package adds a term by registering it (`registerCostTerm`), without touching the
 * shared schema; `fullExperimentSchema` of @hjepa/configurator validates a config's terms against it.
 * Guardrails are not registered here: they are immutable parts of the agent built from `agent.guardrails`.
 */
export const costTermRegistry = new ComponentRegistry<Record<string, unknown>, CostTerm>("cost term");

export function registerCostTerm<O extends Record<string, unknown>>(
  name: string,
  component: Component<O, CostTerm>,
): void {
  costTermRegistry.register(name, component);
}

const weight = z.number({ error: "must be a finite number" }).default(1);

/** `energy`: distance to the goal representation over the imagined trajectory (see `energyTerm`). */
export const energyTermOptionsSchema = z
  .object({
    type: z.literal("energy").default("energy"),
    name: z.string().min(1).default("energy"),
    weight,
    distance: z.enum(["l2", "l2sq", "l1", "cosine"]).default("l2"),
    reduce: z.enum(["last", "sum", "discounted"]).default("sum"),
    gamma: z.number().min(0).max(1).default(0.95),
  })
  .strict();

/** `effort`: the sum of squared actions (control effort; see `effortTerm`). */
export const effortTermOptionsSchema = z
  .object({
    type: z.literal("effort").default("effort"),
    name: z.string().min(1).default("effort"),
    weight,
  })
  .strict();

registerCostTerm("energy", {
  schema: energyTermOptionsSchema,
  create: ({ name, weight, distance, reduce, gamma }) =>
    energyTerm({ name, weight, distance, reduce, gamma }),
});
registerCostTerm("effort", {
  schema: effortTermOptionsSchema,
  create: ({ name, weight }) => effortTerm({ name, weight }),
});

/** Builds the cost term a config names (`{ type, ...options }`), its options parsed by the term's schema. */
export function makeCostTerm(options: { type: string } & Record<string, unknown>): CostTerm {
  const component = costTermRegistry.component(options.type);
  return component.create(component.schema.parse(options) as Record<string, unknown>);
}
