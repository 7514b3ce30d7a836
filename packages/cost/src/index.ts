/**
 * @hjepa/cost: costs over imagined futures. Task terms (energies between predicted and goal
 * representations, control effort, the trainable critic's temporal distance) are weighted and summed;
 * guardrails (action bounds, learned hazard classifiers) are immutable and cannot be outweighed by the task
 * (see `Cost`).
 */
export { Cost, type CostEvaluation, type CostOptions } from "./cost.ts";
export { type CriticOptions, embeddingDistance, TemporalDistanceCritic } from "./critic.ts";
export {
  CRITIC_FIT_DEFAULTS,
  type CriticFitOptions,
  type CriticFitRecord,
  type CriticFitResult,
  type CriticWindows,
  fitCritic,
} from "./criticFit.ts";
export { type CriticTermOptions, criticTerm, type TemporalDistance } from "./criticTerm.ts";
export { effortTerm } from "./effort.ts";
export {
  DISTANCES,
  type Distance,
  type EnergyTermOptions,
  energy,
  energyTerm,
  REDUCES,
  type Reduce,
} from "./energy.ts";
export { actionBoundGuardrail, classifierGuardrail, type GuardrailOptions } from "./guardrails.ts";
export {
  HazardClassifier,
  type HazardClassifierOptions,
  type HazardFitOptions,
  type HazardFitResult,
} from "./hazardClassifier.ts";
export * from "./registry.ts";
export { stopGradient } from "./stopGradient.ts";
export type { CostTerm, Guardrail, GuardrailMode, LatentTrajectory, StateClassifier } from "./types.ts";
