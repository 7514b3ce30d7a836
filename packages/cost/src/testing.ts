import { tf } from "@hjepa/tensor";
import type { LatentTrajectory } from "./types.ts";

/** A trajectory from nested arrays: `states[c][t]` (length d) and `actions[c][t]` (length k). */
export function trajectoryOf(
  states: number[][][],
  actions: number[][][],
  start?: number[],
): LatentTrajectory {
  const d = states[0]?.[0]?.length ?? 0;
  return {
    states: tf.tensor3d(states),
    actions: tf.tensor3d(actions),
    start: tf.tensor2d([start ?? new Array(d).fill(0)]),
  };
}
