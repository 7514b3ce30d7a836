import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import type { Guardrail, GuardrailMode, LatentTrajectory, StateClassifier } from "./types.ts";

export interface GuardrailOptions {
  /** Default "constraint" (hard): violating candidates are infeasible. */
  mode?: GuardrailMode;
  /** Multiplier of the violation in the total (default 100). */
  penalty?: number;
}

function bounds(value: number | ArrayLike<number>, k: number, what: string, where: string): Float32Array {
  if (typeof value === "number") return new Float32Array(k).fill(value);
  if (value.length !== k) {
    throw new Error(`${where}: ${what} has ${value.length} entries; the actions have k = ${k}`);
  }
  return Float32Array.from(value);
}

/**
 * Violation = sum over steps and action dimensions of how far each action lies outside [low, high]
 * (0 when every action is inside). `low`/`high`: one number for every dimension or one per dimension.
 */
export function actionBoundGuardrail(
  low: number | ArrayLike<number>,
  high: number | ArrayLike<number>,
  { mode = "constraint", penalty = 100, name = "actionBound" }: GuardrailOptions & { name?: string } = {},
): Guardrail {
  const where = `actionBoundGuardrail(${name})`;
  const lo = typeof low === "number" ? [low] : Array.from(low);
  const hi = typeof high === "number" ? [high] : Array.from(high);
  if (lo.length === hi.length && lo.some((l, i) => !(l <= (hi[i] as number)))) {
    throw new Error(`${where}: needs low <= high in every dimension (got low [${lo}], high [${hi}])`);
  }
  return Object.freeze({
    name,
    mode,
    penalty,
    violation(traj: LatentTrajectory): tf.Tensor1D {
      const k = traj.actions.shape[2];
      const l = bounds(low, k, "low", where);
      const h = bounds(high, k, "high", where);
      return tf.tidy(() => {
        const a = traj.actions;
        const above = tf.relu(tf.sub(a, tf.tensor1d(h)));
        const below = tf.relu(tf.sub(tf.tensor1d(l), a));
        return tf.sum(tf.add(above, below), [1, 2]) as tf.Tensor1D;
      });
    },
  });
}

/**
 * A learned (or hand-written) guardrail on every imagined state: `classifier` gives the probability of a
 * bad event per representation. A candidate violates it when any step's probability exceeds `threshold`;
 * violation = the sum of the probabilities of those steps (so the worse and the longer, the larger).
 */
export function classifierGuardrail(
  name: string,
  classifier: StateClassifier | { predict: StateClassifier },
  { threshold = 0.5, mode = "constraint", penalty = 100 }: GuardrailOptions & { threshold?: number } = {},
): Guardrail {
  if (!(threshold >= 0 && threshold < 1)) {
    throw new InputError(`classifierGuardrail(${name}): threshold must be in [0, 1) (got ${threshold})`);
  }
  const predict: StateClassifier =
    typeof classifier === "function" ? classifier : (s) => classifier.predict(s);
  return Object.freeze({
    name,
    mode,
    penalty,
    violation(traj: LatentTrajectory): tf.Tensor1D {
      return tf.tidy(() => {
        const [c, h, d] = traj.states.shape;
        const p = predict(tf.reshape(traj.states, [c * h, d]) as tf.Tensor2D);
        if (p.size !== c * h) {
          throw new Error(
            `classifierGuardrail(${name}): the classifier returned [${p.shape}] for ${c * h} states; ` +
              `expected [${c * h}] probabilities`,
          );
        }
        const probs = tf.reshape(p, [c, h]);
        return tf.sum(tf.mul(probs, tf.step(tf.sub(probs, threshold))), 1) as tf.Tensor1D;
      });
    },
  });
}
