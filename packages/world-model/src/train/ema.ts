/**
 * Exponential moving average of weights, for an EMA target encoder (BYOL, I-JEPA, V-JEPA): the target
 * follows the online encoder slowly, with a momentum tau that rises toward 1 over training.
 */
import { tf } from "@hjepa/tensor";

/**
 * In place: target_i = tau * target_i + (1 - tau) * online_i for each pair, tau in [0, 1]. Shapes must match
 * pairwise. Leaves no new tensors behind.
 */
export function emaUpdate(target: readonly tf.Variable[], online: readonly tf.Tensor[], tau: number): void {
  if (!(Number.isFinite(tau) && tau >= 0 && tau <= 1)) {
    throw new Error(`emaUpdate: tau must be a number in [0, 1] (got ${tau})`);
  }
  if (target.length !== online.length) {
    throw new Error(
      `emaUpdate: target has ${target.length} variable(s) but online has ${online.length}; expected the same list`,
    );
  }
  for (let i = 0; i < target.length; i++) {
    const a = target[i].shape.join(",");
    const b = online[i].shape.join(",");
    if (a !== b) {
      throw new Error(
        `emaUpdate: target[${i}] (${target[i].name}) has shape [${a}] but online[${i}] has shape [${b}]; ` +
          "expected equal shapes",
      );
    }
  }
  tf.tidy(() => {
    for (let i = 0; i < target.length; i++) {
      target[i].assign(tf.add(tf.mul(target[i], tau), tf.mul(online[i], 1 - tau)));
    }
  });
}

export interface EmaTauOptions {
  /** Momentum at step 0 (default 0.99). */
  start?: number;
  /** Momentum at step totalSteps and after (default 1.0: the target freezes at the end). */
  end?: number;
  /** Steps over which tau moves from start to end (required, integer > 0). */
  totalSteps: number;
}

/** The EMA momentum at `step` (0-based): a half cosine from start to end (as BYOL), constant after totalSteps. */
export function emaTau(step: number, options: EmaTauOptions): number {
  const { start = 0.99, end = 1.0, totalSteps } = options;
  if (!(Number.isFinite(step) && step >= 0))
    throw new Error(`emaTau: step must be a number >= 0 (got ${step})`);
  if (!(Number.isInteger(totalSteps) && totalSteps > 0)) {
    throw new Error(`emaTau: totalSteps must be an integer > 0 (got ${totalSteps})`);
  }
  for (const [name, value] of [
    ["start", start],
    ["end", end],
  ] as const) {
    if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
      throw new Error(`emaTau: ${name} must be a number in [0, 1] (got ${value})`);
    }
  }
  const progress = Math.min(1, step / totalSteps);
  return end - (end - start) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
