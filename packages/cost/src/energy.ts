import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import type { CostTerm, LatentTrajectory } from "./types.ts";

/**
 * Distances between a representation and the goal's:
 * - `l2`: Euclidean norm, sqrt(sum (s - g)^2 + 1e-12) (the epsilon keeps the gradient finite at the goal);
 * - `l2sq`: squared Euclidean distance (quadratic costs, closed-form optima);
 * - `l1`: sum |s - g| (V-JEPA 2-AC's energy);
 * - `cosine`: 1 - cos(s, g), in [0, 2].
 */
export type Distance = "l2" | "l2sq" | "l1" | "cosine";
export const DISTANCES: readonly Distance[] = ["l2", "l2sq", "l1", "cosine"];

/** How a term turns per-step energies `[C, H]` into one number per candidate. */
export type Reduce = "last" | "sum" | "discounted";
export const REDUCES: readonly Reduce[] = ["last", "sum", "discounted"];

const NORM_EPS = 1e-12;

function checkDistance(distance: string, where: string): asserts distance is Distance {
  if (!(DISTANCES as readonly string[]).includes(distance)) {
    throw new InputError(`${where}: unknown distance "${distance}"; expected one of ${DISTANCES.join(", ")}`);
  }
}

/** Energy E(s, goal) per row: `s [N, d]`, `goal [1, d]` -> `[N]`. */
export function energy(s: tf.Tensor2D, goal: tf.Tensor2D, distance: Distance = "l2"): tf.Tensor1D {
  checkDistance(distance, "energy");
  if (goal.rank !== 2 || goal.shape[0] !== 1 || goal.shape[1] !== s.shape[1]) {
    throw new Error(
      `energy: goal must be [1, ${s.shape[1]}] to match states [${s.shape}] (got [${goal.shape}])`,
    );
  }
  return tf.tidy(() => {
    if (distance === "cosine") {
      const dot = tf.sum(tf.mul(s, goal), 1);
      const norms = tf.mul(tf.sqrt(tf.add(tf.sum(tf.square(s), 1), NORM_EPS)), tf.norm(goal));
      return tf.sub(1, tf.div(dot, tf.add(norms, NORM_EPS))) as tf.Tensor1D;
    }
    const diff = tf.sub(s, goal);
    if (distance === "l1") return tf.sum(tf.abs(diff), 1) as tf.Tensor1D;
    const sq = tf.sum(tf.square(diff), 1);
    return (distance === "l2sq" ? sq : tf.sqrt(tf.add(sq, NORM_EPS))) as tf.Tensor1D;
  });
}

export interface EnergyTermOptions {
  distance?: Distance;
  /** `last`: energy of the final state; `sum`: over every step; `discounted`: sum of gamma^t E_t. */
  reduce?: Reduce;
  /** Discount for `reduce: "discounted"` (default 0.99), t counted from 0 at the first predicted state. */
  gamma?: number;
  name?: string;
  weight?: number;
}

/**
 * The task energy between imagined states and the goal's representation, as a cost term.
 * Defaults: distance "l2", reduce "last", gamma 0.99, name "energy", weight 1.
 */
export function energyTerm(options: EnergyTermOptions = {}): CostTerm {
  const { distance = "l2", reduce = "last", gamma = 0.99, name = "energy", weight = 1 } = options;
  checkDistance(distance, `energyTerm(${name})`);
  if (!(REDUCES as readonly string[]).includes(reduce)) {
    throw new InputError(
      `energyTerm(${name}): unknown reduce "${reduce}"; expected one of ${REDUCES.join(", ")}`,
    );
  }
  if (reduce === "discounted" && !(gamma > 0 && gamma <= 1)) {
    throw new InputError(`energyTerm(${name}): gamma must be in (0, 1] (got ${gamma})`);
  }
  return {
    name,
    weight,
    evaluate(traj: LatentTrajectory, goal: tf.Tensor2D): tf.Tensor1D {
      return tf.tidy(() => {
        const [c, h, d] = traj.states.shape;
        if (reduce === "last") {
          const last = tf.reshape(tf.slice(traj.states, [0, h - 1, 0], [c, 1, d]), [c, d]) as tf.Tensor2D;
          return energy(last, goal, distance);
        }
        const perStep = tf.reshape(energy(tf.reshape(traj.states, [c * h, d]), goal, distance), [c, h]);
        if (reduce === "sum") return tf.sum(perStep, 1) as tf.Tensor1D;
        const discounts = tf.tensor1d(Float32Array.from({ length: h }, (_, t) => gamma ** t));
        return tf.sum(tf.mul(perStep, discounts), 1) as tf.Tensor1D;
      });
    },
  };
}
