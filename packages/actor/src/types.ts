import type { WorldModelLevel } from "@hjepa/contracts";
import type { Cost } from "@hjepa/cost";
import type { tf } from "@hjepa/tensor";
import type { Box, Discrete, Rng } from "gymnasium-js";

/**
 * What planners drive: one level of a world model (`WorldModelLevel` of `@hjepa/contracts`), so that one planner
 * can plan at any level. Planners call its batched `predict` (`s [N, d]`, actions `[N, k]` -> `[N, d]`), one call
 * per horizon step, and never pass the latent `z`. The level's description (stride, actions, cost per call,
 * rollout) is optional here: bare dynamics (test problems, benchmarks) are planned as a level-1 predictor.
 */
export type PlannerModel = Pick<WorldModelLevel, "predict"> & Partial<WorldModelLevel>;

/**
 * Representations of real states (for example, `@hjepa/memory`'s `Landmarks`): graph planners snap imagined
 * states to the nearest one, which stops drift over long imagined paths and merges revisits of a state.
 */
export interface LandmarkSet {
  readonly dim: number;
  readonly size: number;
  nearest(rep: ArrayLike<number>): { index: number; distance: number };
  at(i: number): Float32Array;
  /** The typical distance between neighbouring landmarks. */
  spacing(): number;
}

export interface PlanRequest {
  /** The current representation `[1, d]`. */
  state: tf.Tensor2D;
  /** The goal (or subgoal) representation `[1, d]`. */
  goal: tf.Tensor2D;
  model: PlannerModel;
  cost: Cost;
  /** Continuous (`Box`, k = its size) or discrete (`Discrete`, k = 1, the model sees the action values). */
  actionSpace: Box | Discrete;
  horizon: number;
  /** Predictor calls allowed, in candidate-steps: rolling C candidates out over H steps costs C * H. */
  budget: number;
  rng: Rng;
  /** The previous decision's plan: shifted by one step, it seeds this search. */
  warmStart?: PlanResult | null;
  /** Real states to snap imagined ones to (used by `graph`; other planners ignore it). */
  landmarks?: LandmarkSet | null;
}

export interface PlanStats {
  /** Candidate-steps used (<= budget; gradient planners count a backward pass like its forward pass). */
  predictorCalls: number;
  iterations: number;
  /** Wall-clock milliseconds of `plan`. */
  ms: number;
  /** False when every candidate the planner evaluated violated a hard constraint. */
  feasible: boolean;
}

export interface PlanResult {
  /** `[H, k]` row-major; discrete plans hold the action values (start + index), k = 1. */
  actions: Float32Array;
  /** The plan's imagined states `[H, d]` (after each action). */
  predicted: Float32Array;
  /** The plan's total cost (`Cost` rule: violators rank after non-violators). */
  cost: number;
  horizon: number;
  /** Action size k. */
  actionDim: number;
  /** Representation size d. */
  dim: number;
  stats: PlanStats;
}

export interface Planner {
  readonly name: string;
  plan(request: PlanRequest): PlanResult;
}
