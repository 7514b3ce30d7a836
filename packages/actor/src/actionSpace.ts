import type { ActionDescription } from "@hjepa/contracts";
import type { PlanResult } from "./types.ts";

/** A continuous action box flattened to k dimensions, with the numbers planners sample with. */
export interface ContinuousActions {
  kind: "continuous";
  k: number;
  low: Float32Array;
  high: Float32Array;
  /** Where sampling is centred when nothing better is known: the box's middle (0 on unbounded sides). */
  center: Float32Array;
  /** Half-width of each dimension (1 where unbounded): the unit of planner noise. */
  scale: Float32Array;
}

/** A discrete action set {start, ..., start + n - 1}; planners search indices, the model sees values. */
export interface DiscreteActions {
  kind: "discrete";
  k: 1;
  n: number;
  start: number;
}

export type PlannerActions = ContinuousActions | DiscreteActions;

/** How a warm start fills the step that falls off the end when shifting: repeat the last action or zero. */
export type WarmStartFill = "repeat" | "zero";

/**
 * The numbers a planner samples with from a level's action description: a box of primitive actions (centred in
 * the box, 0 on unbounded sides), a discrete set, or a macro-action latent (the box of its saved 2nd/98th
 * percentiles, centred on the saved mean).
 */
export function describeActions(actions: ActionDescription, where: string): PlannerActions {
  if (actions?.kind === "discrete") return { kind: "discrete", k: 1, n: actions.n, start: actions.start };
  if (actions?.kind !== "box" && actions?.kind !== "macro") {
    throw new Error(
      `${where}: actions must be an action description (box, discrete or macro; got ${String(actions)})`,
    );
  }
  const k = actions.size;
  const low = Float32Array.from(actions.low);
  const high = Float32Array.from(actions.high);
  const center = new Float32Array(k);
  const scale = new Float32Array(k).fill(1);
  for (let j = 0; j < k; j++) {
    const lo = low[j] as number;
    const hi = high[j] as number;
    const bounded = Number.isFinite(lo) && Number.isFinite(hi);
    if (bounded) scale[j] = (hi - lo) / 2 || 1;
    const middle = actions.kind === "macro" ? (actions.mean[j] as number) : bounded ? (lo + hi) / 2 : 0;
    center[j] = Math.min(Math.max(middle, lo), hi);
  }
  return { kind: "continuous", k, low, high, center, scale };
}

/** The box's center repeated over `horizon` steps, `[H * k]`: where a search starts without a warm start. */
export function tiledCenter(space: ContinuousActions, horizon: number): Float32Array {
  return Float32Array.from({ length: horizon * space.k }, (_, i) => space.center[i % space.k] as number);
}

/** Clips `[C * H * k]` actions into the box in place. */
export function clipInto(actions: Float32Array, space: ContinuousActions): Float32Array {
  const { k, low, high } = space;
  for (let i = 0; i < actions.length; i++) {
    const j = i % k;
    const v = actions[i] as number;
    if (v < (low[j] as number)) actions[i] = low[j] as number;
    else if (v > (high[j] as number)) actions[i] = high[j] as number;
  }
  return actions;
}

/**
 * The previous plan shifted by one step, `[H * k]` (discrete: indices), or null without a usable warm start.
 * Steps past the previous plan's end repeat its last action (`repeat`) or are zero (`zero`: 0 clipped into
 * the box; index 0 for discrete actions).
 */
export function shiftedWarmStart(
  warm: PlanResult | null | undefined,
  space: PlannerActions,
  horizon: number,
  fill: WarmStartFill,
  where: string,
): Float32Array | null {
  if (warm === null || warm === undefined) return null;
  const k = space.k;
  const prevH = warm.actions.length / k;
  if (!Number.isInteger(prevH) || prevH < 1) {
    throw new Error(
      `${where}: warmStart.actions has ${warm.actions.length} values, not a multiple of the action size ${k}`,
    );
  }
  const out = new Float32Array(horizon * k);
  for (let t = 0; t < horizon; t++) {
    const src = t + 1;
    for (let j = 0; j < k; j++) {
      let v: number;
      if (src < prevH) v = warm.actions[src * k + j] as number;
      else if (fill === "repeat") v = warm.actions[(prevH - 1) * k + j] as number;
      else v = space.kind === "discrete" ? space.start : 0;
      out[t * k + j] = v;
    }
  }
  if (space.kind === "discrete") {
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.min(Math.max(Math.round((out[i] as number) - space.start), 0), space.n - 1);
    }
    return out;
  }
  return clipInto(out, space);
}
