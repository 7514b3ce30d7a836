/**
 * Gradient clipping by global norm (as TensorFlow's clip_by_global_norm): all gradients are scaled by one
 * factor so that their joint L2 norm is at most maxNorm, which keeps the update's direction.
 */
import { tf } from "@hjepa/tensor";

export interface ClippedGradients {
  /** New tensors, one per input name (the caller disposes them and, separately, the inputs). */
  grads: Record<string, tf.Tensor>;
  /** Global L2 norm of the input gradients, before clipping (NaN or Infinity when a gradient is not finite). */
  norm: number;
}

/**
 * Scales `grads` by maxNorm / norm when their global norm exceeds `maxNorm`. maxNorm <= 0 or Infinity means
 * no clipping (the norm is still measured). A non-finite norm leaves the gradients unscaled, so the trainer can
 * see it and skip the step. Always returns new tensors; the inputs are not disposed. Reads one number from
 * the backend (a sync).
 */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): ClippedGradients {
  if (Number.isNaN(maxNorm)) throw new Error("clipByGlobalNorm: maxNorm must be a number (got NaN)");
  const names = Object.keys(grads);
  const norm =
    names.length === 0
      ? 0
      : tf.tidy(() => {
          const squares = names.map((name) => tf.sum(tf.square(tf.cast(grads[name], "float32"))));
          return Math.sqrt(tf.addN(squares).dataSync()[0]);
        });
  const clip = maxNorm > 0 && maxNorm !== Number.POSITIVE_INFINITY && Number.isFinite(norm) && norm > maxNorm;
  const scale = clip ? maxNorm / norm : 1;
  const out: Record<string, tf.Tensor> = {};
  for (const name of names)
    out[name] = clip ? tf.tidy(() => tf.mul(grads[name], scale)) : tf.clone(grads[name]);
  return { grads: out, norm };
}
