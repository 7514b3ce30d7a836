import type { ActionDescription, WorldModelLevel } from "@hjepa/contracts";
import type { Cost } from "@hjepa/cost";
import type { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { LatentPlanning } from "./latentFutures.ts";

/**
 * What planners drive: one level of a world model (`WorldModelLevel` of `@hjepa/contracts`), so that one planner
 * can plan at any level. Planners call its batched `predict` (`s [N, d]`, actions `[N, k]` -> `[N, d]`), one call
 * per horizon step, and never pass the latent `z`, and charge each call at the level's `costPerCall`. The rest
 * of the level's description (stride, cost per call, rollout) is optional here: bare dynamics (test problems,
 * benchmarks) are planned as a level-1 predictor (cost 1 per call).
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
  /** How many observed transitions between landmarks are recorded (0: landmarks without an experience graph). */
  readonly transitions: number;
  /** The observed moves out of landmark `i`: one env step each, to landmark `to`, by primitive `action`. */
  transitionsFrom(i: number): readonly { to: number; action: Float32Array }[];
}

export interface PlanRequest {
  /** The current representation `[1, d]`. */
  state: tf.Tensor2D;
  /** The goal (or subgoal) representation `[1, d]`. */
  goal: tf.Tensor2D;
  model: PlannerModel;
  cost: Cost;
  /**
   * What the planner chooses, as the level describes it (`WorldModelLevel.actions`): a box of primitive actions,
   * a set of discrete values (k = 1, the model sees the values), or a macro-action latent (a box whose bounds are
   * the saved 2nd/98th percentiles, centred on their mean). Use `describePrimitiveActions` of
   * `@hjepa/contracts` for a gymnasium space.
   */
  actions: ActionDescription;
  horizon: number;
  /**
   * Compute allowed for this call, in cost units: one predictor call on one candidate at level 1 costs 1, at a
   * level whose `costPerCall` is c it costs c; rolling C candidates out over H steps costs C * H * c.
   */
  budget: number;
  rng: Rng;
  /** The previous decision's plan: shifted by one step, it seeds this search. */
  warmStart?: PlanResult | null;
  /** Real states to snap imagined ones to (used by `graph`; other planners ignore it). */
  landmarks?: LandmarkSet | null;
  /**
   * How the level's latent variable is planned with (`latentFutures.ts`): its most likely value (absent or
   * "mean"), the average over `samples` sampled futures per candidate, the worst of them, or an adversary's
   * choice of z at every step ("adversarial").
   */
  latent?: LatentPlanning | null;
}

export interface PlanStats {
  /** The level planned at (1 for bare dynamics). */
  level: number;
  /**
   * Predictor calls on one candidate-step used: candidate-steps x latent futures per candidate (gradient planners
   * count a backward pass like its forward pass).
   */
  predictorCalls: number;
  /** `predictorCalls` x the level's cost per call (<= budget). */
  costUnits: number;
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
  /**
   * Where the plan comes closest to its goal, when the planner knows it exactly (a search over real states, whose
   * path ends at the reachable state of lowest cost): the index of the first predicted state at the path's end,
   * or -1 when the path goes on past the plan's horizon. Absent when the planner does not know (a sampling
   * planner's predicted states only approach the goal); the near-goal rule `reached` then judges by distances.
   */
  closestAt?: number;
  /**
   * For a plan made across levels (the hierarchical agent): the subgoals each level above handed down at this
   * decision, top first, and what each level spent. Absent for a plan of one planner at one level.
   */
  hierarchy?: HierarchyStats;
}

/** A subgoal one level hands the level below it. */
export interface Subgoal {
  /** The level whose plan (or the oracle, or the goal itself) gave it. */
  from: number;
  /** The level that plans toward it. */
  to: number;
  /** Where it came from: a predicted state of the level above, the env's exact shortest path, or the goal. */
  source: "model" | "oracle" | "goal";
  /** The subgoal, in the representation of level `from` (`[dim]`). */
  representation: Float32Array;
}

/** What one level spent at one decision (zeros when it kept its previous plan). */
export interface LevelPlanStats {
  level: number;
  replanned: boolean;
  predictorCalls: number;
  costUnits: number;
  iterations: number;
  ms: number;
}

export interface HierarchyStats {
  subgoals: Subgoal[];
  levels: LevelPlanStats[];
}

export interface Planner {
  readonly name: string;
  plan(request: PlanRequest): PlanResult;
}
