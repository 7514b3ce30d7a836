import { InputError } from "@hjepa/errors";
import { Rng } from "gymnasium-js";
import {
  EASY_TASK_RANGES,
  mediumTaskRanges,
  PLDM_IMG_SIZE,
  pldmGeometry,
  samplePLDMTask,
} from "./pldmGeometry.ts";

/**
 * PLDM's evaluation protocol on Two-Rooms (configs `pldm/configs/wall/icml/*.yaml`, `pldm/planning`), as
 * named constants for the eval harness and the planner.
 */
export const PLDM_EVAL = {
  /** "medium", the level PLDM reports: 100 episodes of 200 steps, run in chunks of 20 envs. */
  episodes: 100,
  steps: 200,
  chunkSize: 20,
  /** "easy" (only in the wc0 config): 50 steps, start and goal near the door (`EASY_TASK_RANGES`). */
  easySteps: 50,
  /** Success at any step when the mean over (x, y) of the squared error is < 1 px^2 ... */
  successMse: 1,
  /** ... i.e. the distance to the goal is < sqrt(2) px. */
  successRadius: Math.SQRT2,
  /** `avg_termination_step` counts a failed episode as steps + 1. */
  failedTerminationStep: 201,
  /** PLDM never stops an episode early: the harness should ignore `terminated`. */
  stopOnSuccess: false,
} as const;

/**
 * PLDM's MPPI planner settings for Two-Rooms (for the planner issue). Units: "normalised" actions are
 * z-scored with the dataset's action statistics.
 */
export const PLDM_MPPI = {
  /** Candidate action sequences per planning step. */
  samples: 2000,
  /** Sampling noise covariance: noiseVar * I, in normalised action units. */
  noiseVar: 12,
  /** Temperature: weights proportional to exp(-(cost - min cost) / lambda); also weights the control cost. */
  lambda: 0.005,
  /** Horizon min(maxHorizon, steps left). */
  maxHorizon: 96,
  /** Replan every step and execute the first action of the plan. */
  replanEvery: 1,
  /** One MPPI update per environment step. */
  updatesPerStep: 1,
  /** Sampled actions and the final plan are norm-clipped to [0, 2.45] (normalised units), then un-normalised. */
  actionNormClip: [0, 2.45] as const,
  /** Initial plan: this many steps of N(0, noiseVar * I), then zeros. */
  initialNoiseSteps: 15,
  /**
   * The plan is not shifted while the horizon stays at maxHorizon; once the horizon shrinks it is shifted by
   * one step per environment step.
   */
  shiftOnlyWhenHorizonShrinks: true,
  /** Cost: sum_t mean_d (pred_t - enc(goal))^2 + lambda * sum_t U_t Sigma^-1 eps_t. */
  cost: "sum_t mean_d (pred_t - enc(goal))^2 + lambda * sum_t U_t Sigma^-1 eps_t",
} as const;

export type PLDMEvalLevel = "medium" | "easy";

/**
 * The `n` evaluation tasks (start and goal in opposite rooms) drawn from `seed` with PLDM's sampler. The same
 * seed gives the same tasks; PLDM's own pairs come from Python's unseeded global `random` and cannot be
 * reproduced.
 */
export function pldmEvalTasks(
  seed: number,
  opts: { n?: number; level?: PLDMEvalLevel; imgSize?: number } = {},
): { start: number[]; goal: number[] }[] {
  const n = opts.n ?? PLDM_EVAL.episodes;
  if (!Number.isInteger(n) || n < 0)
    throw new InputError(`pldmEvalTasks: n must be an integer >= 0 (got ${n})`);
  const level = opts.level ?? "medium";
  if (level !== "medium" && level !== "easy") {
    throw new InputError(`pldmEvalTasks: level must be "medium" or "easy" (got ${String(level)})`);
  }
  const ranges =
    level === "easy" ? EASY_TASK_RANGES : mediumTaskRanges(pldmGeometry(opts.imgSize ?? PLDM_IMG_SIZE));
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => samplePLDMTask(rng, ranges));
}
