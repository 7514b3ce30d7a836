import { tf } from "@hjepa/tensor";
import type { CostTerm, LatentTrajectory } from "./types.ts";

/**
 * Control effort: sum over steps of ||a_t||^2 per candidate. With an `l2sq` energy it makes the planning
 * problem a regularised least-squares one (a unique optimum, closed form for linear dynamics).
 * Defaults: name "effort", weight 1.
 */
export function effortTerm({ name = "effort", weight = 1 } = {}): CostTerm {
  return {
    name,
    weight,
    evaluate(traj: LatentTrajectory): tf.Tensor1D {
      return tf.tidy(() => tf.sum(tf.square(traj.actions), [1, 2]) as tf.Tensor1D);
    },
  };
}
