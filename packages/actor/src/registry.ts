import { InputError } from "@hjepa/errors";
import type { Planner, PlannerFactory } from "./types.ts";

const factories = new Map<string, PlannerFactory>();

/** Registers a planner under `name`; registering a taken name is an error (pick a new name). */
export function registerPlanner(name: string, factory: PlannerFactory): void {
  if (typeof name !== "string" || name === "")
    throw new Error("registerPlanner: name must be a non-empty string");
  if (factories.has(name)) {
    throw new Error(
      `registerPlanner: a planner named "${name}" is already registered (${plannerNames().join(", ")})`,
    );
  }
  factories.set(name, factory);
}

/**
 * Builds the planner registered under `name` with `options` (see that planner's file for defaults). An unknown
 * name is an `InputError` listing the registered planners; an invalid option a `PlannerOptionError`.
 */
export function makePlanner(name: string, options: Record<string, unknown> = {}): Planner {
  const factory = factories.get(name);
  if (factory === undefined) {
    throw new InputError(
      `no planner named "${name}"; expected one of ${plannerNames().join(", ") || "(none registered)"}`,
    );
  }
  return factory(options);
}

export function plannerNames(): string[] {
  return [...factories.keys()].sort();
}
