import type { ActionDescription, MacroActionDescription, PrimitiveActionDescription } from "@hjepa/contracts";
import type { ActionSpec } from "../actionFeatures.ts";
import type { MacroActionStatistics } from "./macroStatistics.ts";

/**
 * Level 1's action description from a model's action spec alone, for when no environment is at hand: discrete
 * values from 0 (what the model one-hot encodes); a continuous box with unknown, so infinite, bounds.
 */
export function describeActionSpec(spec: ActionSpec): PrimitiveActionDescription {
  if (spec.kind === "discrete") return { kind: "discrete", size: 1, n: spec.n, start: 0 };
  return {
    kind: "box",
    size: spec.dim,
    low: new Float32Array(spec.dim).fill(Number.NEGATIVE_INFINITY),
    high: new Float32Array(spec.dim).fill(Number.POSITIVE_INFINITY),
  };
}

/** A level's macro-action box from its saved statistics (copies, so the description cannot change them). */
export function describeMacroActions(stats: MacroActionStatistics): MacroActionDescription {
  return {
    kind: "macro",
    size: stats.dim,
    low: Float32Array.from(stats.low),
    high: Float32Array.from(stats.high),
    mean: Float32Array.from(stats.mean),
    covariance: Float32Array.from(stats.covariance),
    count: stats.count,
  };
}

/** "a box of 2", "4 discrete values from 0", "a macro-action of 3": for messages. */
export function actionsText(a: ActionDescription): string {
  if (a.kind === "discrete") return `${a.n} discrete values from ${a.start}`;
  return a.kind === "box" ? `a box of ${a.size}` : `a macro-action of ${a.size}`;
}

/**
 * Whether primitive actions `b` can be given to a model described by `a`: the same kind and size, and for
 * discrete actions the same values. Bounds may differ (a model may not know its environment's bounds).
 */
export function primitiveActionsFit(a: PrimitiveActionDescription, b: PrimitiveActionDescription): boolean {
  if (a.kind !== b.kind || a.size !== b.size) return false;
  return a.kind === "box" || (b.kind === "discrete" && a.n === b.n && a.start === b.start);
}

/** Whether a model with action spec `spec` takes primitive actions described by `a`. */
export function specFits(spec: ActionSpec, a: PrimitiveActionDescription): boolean {
  return spec.kind === "discrete"
    ? a.kind === "discrete" && a.n === spec.n && a.start === 0
    : a.kind === "box" && a.size === spec.dim;
}

export { describePrimitiveActions } from "@hjepa/contracts";
