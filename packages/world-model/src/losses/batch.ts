/**
 * Shape handling shared by the representation losses: a batch of representations is [N, d] or [N, T, d]
 * (sub-trajectories); the losses treat every leading position as one sample.
 */
import { tf } from "@hjepa/tensor";

/**
 * `z` as a [samples, d] matrix: rank 2 is returned as is (same tensor), rank 3 [N, T, d] is reshaped to
 * [N*T, d]. Throws, naming `where`, for other ranks or fewer than `minSamples` samples.
 */
export function asSampleMatrix(z: tf.Tensor, where: string, minSamples = 1): tf.Tensor2D {
  if (z.rank !== 2 && z.rank !== 3) {
    throw new Error(`${where}: z must have shape [N, d] or [N, T, d] (got shape [${z.shape.join(", ")}])`);
  }
  const d = z.shape[z.rank - 1];
  const n = z.size / Math.max(d, 1);
  if (d < 1)
    throw new Error(`${where}: z must have at least one feature (got shape [${z.shape.join(", ")}])`);
  if (n < minSamples) {
    throw new Error(
      `${where}: z needs at least ${minSamples} sample(s) along its leading axes (got shape [${z.shape.join(", ")}])`,
    );
  }
  return z.rank === 2 ? (z as tf.Tensor2D) : tf.reshape(z, [n, d]);
}
