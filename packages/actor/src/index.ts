/**
 * @hjepa/actor: action inference by optimisation over imagined futures. Planners roll candidate action
 * sequences out through a world model's predictor (batched over candidates), score them with a `Cost`, and
 * return the best plan within a budget of predictor calls. Registered planners: cem, mppi, gradient,
 * categorical-cem, beam, graph, landmark-graph.
 */
import "./cem.ts";
import "./mppi.ts";
import "./gradient.ts";
import "./categoricalCem.ts";
import "./beam.ts";
import "./graph.ts";
import "./landmarkGraph.ts";

export {
  type ContinuousActions,
  clipInto,
  type DiscreteActions,
  describeActions,
  type PlannerActions,
  shiftedWarmStart,
  tiledCenter,
  type WarmStartFill,
} from "./actionSpace.ts";
export { type BeamOptions, beamCalls, beamOptionsSchema, beamPlanner } from "./beam.ts";
export { type BenchPlannerOptions, benchPlanner, residualMlpModel } from "./bench.ts";
export {
  type CategoricalCemOptions,
  categoricalCemOptionsSchema,
  categoricalCemPlanner,
} from "./categoricalCem.ts";
export { type CemOptions, cemOptionsSchema, cemPlanner } from "./cem.ts";
export { type GradientOptions, gradientOptionsSchema, gradientPlanner } from "./gradient.ts";
export { type GraphOptions, graphOptionsSchema, graphPlanner } from "./graph.ts";
export { landmarkGraphOptionsSchema, landmarkGraphPlanner } from "./landmarkGraph.ts";
export {
  aggregateFutures,
  drawScenarios,
  futuresOf,
  type LatentMode,
  type LatentPlanning,
  sampledRollout,
} from "./latentFutures.ts";
export { type MppiOptions, mppiOptionsSchema, mppiPlanner } from "./mppi.ts";
export {
  cemOptionShape,
  fraction,
  nonNegativeNumber,
  PlannerOptionError,
  parsePlannerOptions,
  positiveInt,
  positiveNumber,
  sampleCount,
  warmStartFillOption,
} from "./plannerOptions.ts";
export { makePlanner, plannerNames, plannerRegistry, registerPlanner } from "./registry.ts";
export { eliteCount, rankCandidates, rollout, type Scored, Search, scoreOf, splitBudget } from "./search.ts";
export type {
  HierarchyStats,
  LandmarkSet,
  LevelPlanStats,
  Planner,
  PlannerModel,
  PlanRequest,
  PlanResult,
  PlanStats,
  Subgoal,
} from "./types.ts";
