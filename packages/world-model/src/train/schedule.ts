/**
 * Learning-rate schedule: linear warmup, then constant or cosine decay to a floor (the LeJEPA/PLDM recipe).
 * Steps count from 0; the value is for the optimizer step with that index.
 */

export type LrScheduleKind = "constant" | "cosine";
export const LR_SCHEDULE_KINDS: readonly LrScheduleKind[] = ["constant", "cosine"];

export interface LearningRateOptions {
  /** Peak learning rate, reached at step `warmupSteps` (required, > 0). */
  lr: number;
  /** Steps of linear warmup: step s < warmupSteps gets lr * (s + 1) / warmupSteps (default 0, no warmup). */
  warmupSteps?: number;
  /** Total training steps; the cosine reaches lr * minLrFactor at this step and stays there (required for "cosine"). */
  totalSteps?: number;
  /** After warmup: hold lr ("constant") or decay it along a half cosine ("cosine", default). */
  schedule?: LrScheduleKind;
  /** The cosine's floor as a fraction of lr (default 0.05). */
  minLrFactor?: number;
}

/** The learning rate for optimizer step `step` (0-based). */
export function learningRate(step: number, options: LearningRateOptions): number {
  const { lr, warmupSteps = 0, totalSteps, schedule = "cosine", minLrFactor = 0.05 } = options;
  if (!(Number.isFinite(step) && step >= 0))
    throw new Error(`learningRate: step must be a number >= 0 (got ${step})`);
  if (!(Number.isFinite(lr) && lr > 0))
    throw new Error(`learningRate: lr must be a finite number > 0 (got ${lr})`);
  if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0)) {
    throw new Error(`learningRate: warmupSteps must be an integer >= 0 (got ${warmupSteps})`);
  }
  if (!LR_SCHEDULE_KINDS.includes(schedule)) {
    throw new Error(
      `learningRate: unknown schedule '${schedule}'; expected one of ${LR_SCHEDULE_KINDS.join(", ")}`,
    );
  }
  if (step < warmupSteps) return (lr * (Math.floor(step) + 1)) / warmupSteps;
  if (schedule === "constant") return lr;
  if (totalSteps === undefined || !(Number.isInteger(totalSteps) && totalSteps > warmupSteps)) {
    throw new Error(
      `learningRate: cosine schedule needs an integer totalSteps > warmupSteps (${warmupSteps}) (got ${totalSteps})`,
    );
  }
  if (!(Number.isFinite(minLrFactor) && minLrFactor >= 0 && minLrFactor <= 1)) {
    throw new Error(`learningRate: minLrFactor must be in [0, 1] (got ${minLrFactor})`);
  }
  const progress = Math.min(1, (step - warmupSteps) / (totalSteps - warmupSteps));
  const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
  return lr * (minLrFactor + (1 - minLrFactor) * cosine);
}
