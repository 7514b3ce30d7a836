import type { tf } from "@hjepa/tensor";

/**
 * A batch of imagined futures: `C` candidate action sequences of `H` steps rolled out from one start.
 * `states[c, t]` is the predicted representation after action `t` (the start is not repeated in it).
 */
export interface LatentTrajectory {
  /** Predicted representations `[C, H, d]`, one per action taken. */
  states: tf.Tensor3D;
  /** The candidate action sequences `[C, H, k]` (raw actions, as the predictor received them). */
  actions: tf.Tensor3D;
  /** The representation the rollouts start from, `[1, d]`. */
  start: tf.Tensor2D;
}

/** A named task cost: one number per candidate (lower is better). Its weight is set through `Cost`. */
export interface CostTerm {
  readonly name: string;
  /** The weight the `Cost` starts with (change it later with `Cost.setWeight`). */
  weight: number;
  /** Unweighted cost per candidate `[C]`; `goal` is `[1, d]`. Differentiable when planners need gradients. */
  evaluate(traj: LatentTrajectory, goal: tf.Tensor2D): tf.Tensor1D;
}

/**
 * - `penalty`: a violating candidate ranks after every non-violating one (see `Cost`), among violators by
 *   `penalty * violation`.
 * - `constraint` (hard): the same ranking, and the candidate is marked infeasible; planners never select an
 *   infeasible candidate when a feasible one was evaluated.
 */
export type GuardrailMode = "penalty" | "constraint";

/**
 * A guardrail: a cost the task terms cannot outweigh. Guardrails are frozen (`Object.freeze`) once built and
 * their weights (`penalty`) cannot be changed afterwards.
 */
export interface Guardrail {
  readonly name: string;
  readonly mode: GuardrailMode;
  /** Multiplier of the violation in the total (> 0); orders violating candidates among themselves. */
  readonly penalty: number;
  /** How much each candidate violates the guardrail `[C]`: >= 0, exactly 0 when it is satisfied. */
  violation(traj: LatentTrajectory): tf.Tensor1D;
}

/** A state classifier: representations `[N, d]` -> probabilities `[N]` of a bad event (e.g. a hazard). */
export type StateClassifier = (s: tf.Tensor2D) => tf.Tensor1D;
