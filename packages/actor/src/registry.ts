import { type Component, ComponentRegistry } from "@hjepa/contracts";
import { InputError } from "@hjepa/errors";
import { parsePlannerOptions } from "./plannerOptions.ts";
import type { Planner } from "./types.ts";

/**
 * The planners a config can name (`agent.planner`), each with the zod schema of its options
 * (`agent.plannerOptions`). `fullExperimentSchema` of @hjepa/configurator validates a config against it.
 */
export const plannerRegistry = new ComponentRegistry<Record<string, unknown>, Planner>("planner");

/**
 * Registers a planner under `name` with the zod schema of its options and what builds it from the parsed
 * options; registering a taken name is an error (pick a new name).
 */
export function registerPlanner<O extends Record<string, unknown>>(
  name: string,
  component: Component<O, Planner>,
): void {
  plannerRegistry.register(name, component);
}

/**
 * Builds the planner registered under `name` with `options`, parsed by its schema (see that planner's file for
 * defaults). An unknown name is an `InputError` listing the registered planners; an invalid option a
 * `PlannerOptionError`.
 */
export function makePlanner(name: string, options: Record<string, unknown> = {}): Planner {
  if (!plannerRegistry.has(name)) {
    throw new InputError(
      `no planner named "${name}"; expected one of ${plannerNames().join(", ") || "(none registered)"}`,
    );
  }
  const planner = plannerRegistry.component(name);
  return planner.create(parsePlannerOptions(name, planner.schema, options));
}

export function plannerNames(): string[] {
  return plannerRegistry.names();
}
