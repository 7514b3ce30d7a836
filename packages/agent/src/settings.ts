import type { LandmarkSet, LatentPlanning, Planner } from "@hjepa/actor";
import type { WorldModel } from "@hjepa/contracts";
import type { Cost, TemporalDistance } from "@hjepa/cost";
import type { EpisodeMemory } from "@hjepa/memory";
import type { tf } from "@hjepa/tensor";

/** How one level plans at a decision (what the configurator decides for a task and step). */
export interface LevelSettings {
  /** 1 plans primitive actions; k >= 2 plans macro-actions of the world model's level k. */
  level: number;
  /** Steps of this level planned ahead (macro-steps above level 1). */
  horizon: number;
  /** Compute per decision at this level, in cost units (a level-1 predictor call on one candidate costs 1). */
  budget: number;
  /** Env steps a plan of this level is kept before this level plans again. */
  replanEvery: number;
  /** Replan this level at once when its surprise (squared distance observed vs predicted) exceeds this. */
  surpriseThreshold: number | null;
  /**
   * Above level 1: which of the plan's predicted states (1-based, counted from the macro-step in progress) is
   * the subgoal of the level below.
   */
  subgoalStep: number;
  /** How this level's latent variable is planned with (absent: its most likely value). */
  latent?: LatentPlanning | null;
  /**
   * Task cost term weights (by term name) this level plans with, set on its `Cost` for the plan and restored
   * after (absent: the cost's own weights). Guardrails have no weight to change.
   */
  weights?: Readonly<Record<string, number>>;
}

/**
 * The configurator's near-goal rule, applied after each plan of a level above 1:
 * - `first-step`: when the level's best plan comes closest to its goal within its first macro-step (its first
 *   predicted state is within `1 + tolerance` of the closest of all), the goal is less than a macro-step away
 *   through the model's own dynamics (walls included), so the level below plans toward the goal itself.
 * - `reached`: as `first-step`, but judged by where the plan's path ends when the planner reports it
 *   (`PlanResult.closestAt`, e.g. `landmark-graph`): the rule fires when the path ends within the macro-step in
 *   progress, and never when it goes on past the plan's horizon. (`first-step`'s distance test can fire there:
 *   when the goal lies beyond the horizon, a path that first turns away from it may never again come as close,
 *   in representation distance, as its first state.) For a planner that does not report it, `first-step`.
 * - `never`: the level below always gets the plan's predicted state.
 * - `critic`: when the critic (`AgentParts.critic`) puts the level's goal within `within` env steps of the
 *   current state (null: the level's stride times its `subgoalStep`, the reach of the subgoal it would hand
 *   down), the level below plans toward the goal itself.
 */
export interface NearGoalRule {
  rule: "first-step" | "reached" | "never" | "critic";
  tolerance: number;
  within?: number | null;
}

export interface PlanSettings {
  /** The levels planned with at this step, top first, ending with level 1 (one entry: a flat agent). */
  levels: LevelSettings[];
  nearGoal: NearGoalRule;
  /** The name of the strategy these settings are (an adaptive configurator's stage); absent for a fixed one. */
  stage?: string;
}

/** What the configurator sees when it chooses the settings of a step. */
export interface ConfigureContext {
  /** The env step about to be planned (0 at the start of an episode). */
  step: number;
  /** The episode so far: observed representations, plans and surprise per level. */
  episode: EpisodeMemory;
  /** The goal's level-1 representation. */
  goal: Float32Array;
}

/** What a level needs besides its settings: its planner and its cost (the task energy and its guardrails). */
export interface LevelParts {
  level: number;
  planner: Planner;
  cost: Cost;
}

/**
 * Subgoals for level 1 from the environment's exact shortest path instead of the level above (the oracle-subgoal
 * arm): the level-1 representation of the point `lookahead` oracle-distance units along the shortest path from
 * the current true state to the goal. It tells a representation failure from a planner failure.
 */
export interface SubgoalOracle {
  /** The level-1 representation `[1, d]` of the subgoal for the agent at `state` heading for `goal`. */
  subgoal(state: readonly number[], goal: readonly number[]): tf.Tensor2D;
}

export interface AgentParts {
  /** The world model (every level); the agent encodes with it. */
  model: WorldModel;
  /** Every level the agent may plan at, level 1 first (`levels[k - 1]` is level k). */
  levels: LevelParts[];
  /** Representations of real states that graph planners snap imagined states to (level 1; optional). */
  landmarks?: LandmarkSet | null;
  /**
   * Chooses plan settings per episode and step. It is called at every step of an episode in order, from step 0;
   * a new episode starts with a new `EpisodeMemory`.
   */
  configure: (ctx: ConfigureContext) => PlanSettings;
  /** Set for the oracle-subgoal arm: level 1's subgoals come from it (levels above are not planned). */
  subgoalOracle?: SubgoalOracle | null;
  /** The critic on level-1 representations (env steps to a goal), for the `critic` near-goal rule. */
  critic?: TemporalDistance | null;
}
