import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import { REDUCES, type Reduce } from "./energy.ts";
import type { CostTerm, LatentTrajectory } from "./types.ts";

/**
 * A temporal distance between representations: `s [N, d]` and `goal [1, d]` (or `[N, d]`) -> env steps `[N]`
 * (for example `TemporalDistanceCritic.distance`, bound to its critic).
 */
export type TemporalDistance = (s: tf.Tensor2D, goal: tf.Tensor2D) => tf.Tensor1D;

export interface CriticTermOptions {
  /** `last` (default): the terminal cost, the critic at the last imagined state; `sum`, `discounted`: each step. */
  reduce?: Reduce;
  /** Discount for `reduce: "discounted"` (default 0.99), t counted from 0 at the first predicted state. */
  gamma?: number;
  name?: string;
  weight?: number;
  /**
   * Weight of the jump check (default 0: off): each imagined move the critic measures above one step, from the
   * start through every predicted state, adds its excess times this weight. A world model that imagines the
   * agent through a wall predicts a move no data step ever made; the critic, which holds every observed step
   * within one, sees it.
   */
  jumpPenalty?: number;
}

/**
 * The critic's temporal distance from the imagined trajectory to the goal, as a cost term: unlike the distance
 * in representation space, it counts the steps around a wall, so a plan that ends beside the goal with a wall
 * in between costs what the detour costs. Units: env steps of the data. Defaults: reduce "last", name "critic".
 */
export function criticTerm(critic: TemporalDistance, options: CriticTermOptions = {}): CostTerm {
  const { reduce = "last", gamma = 0.99, name = "critic", weight = 1, jumpPenalty = 0 } = options;
  if (!(jumpPenalty >= 0))
    throw new InputError(`criticTerm(${name}): jumpPenalty must be >= 0 (got ${jumpPenalty})`);
  if (!(REDUCES as readonly string[]).includes(reduce)) {
    throw new InputError(
      `criticTerm(${name}): unknown reduce "${reduce}"; expected one of ${REDUCES.join(", ")}`,
    );
  }
  if (reduce === "discounted" && !(gamma > 0 && gamma <= 1)) {
    throw new InputError(`criticTerm(${name}): gamma must be in (0, 1] (got ${gamma})`);
  }
  const toGoalCost = (traj: LatentTrajectory, goal: tf.Tensor2D): tf.Tensor1D => {
    const [c, h, d] = traj.states.shape;
    if (reduce === "last") {
      const last = tf.reshape(tf.slice(traj.states, [0, h - 1, 0], [c, 1, d]), [c, d]) as tf.Tensor2D;
      return critic(last, goal);
    }
    const perStep = tf.reshape(critic(tf.reshape(traj.states, [c * h, d]) as tf.Tensor2D, goal), [c, h]);
    if (reduce === "sum") return tf.sum(perStep, 1) as tf.Tensor1D;
    const discounts = tf.tensor1d(Float32Array.from({ length: h }, (_, t) => gamma ** t));
    return tf.sum(tf.mul(perStep, discounts), 1) as tf.Tensor1D;
  };
  return {
    name,
    weight,
    evaluate(traj: LatentTrajectory, goal: tf.Tensor2D): tf.Tensor1D {
      return tf.tidy(() => {
        const toGoal = toGoalCost(traj, goal);
        if (jumpPenalty === 0) return toGoal;
        const [c, h, d] = traj.states.shape;
        const before = tf.concat([tf.tile(tf.reshape(traj.start, [1, 1, d]), [c, 1, 1]), traj.states], 1);
        const from = tf.reshape(tf.slice(before, [0, 0, 0], [c, h, d]), [c * h, d]) as tf.Tensor2D;
        const moves = critic(from, tf.reshape(traj.states, [c * h, d]) as tf.Tensor2D);
        const jumps = tf.sum(tf.reshape(tf.relu(tf.sub(moves, 1)), [c, h]), 1);
        return tf.add(toGoal, tf.mul(jumpPenalty, jumps)) as tf.Tensor1D;
      });
    },
  };
}
