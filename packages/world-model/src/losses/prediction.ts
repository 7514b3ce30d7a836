/**
 * The world model's prediction error in representation space: predicted vs target representations (the
 * target usually comes from the encoder with a stop-gradient or an EMA copy; that choice is the trainer's).
 */
import { tf } from "@hjepa/tensor";

export type PredictionLossKind = "mse" | "l1" | "smoothL1";
export const PREDICTION_LOSS_KINDS: readonly PredictionLossKind[] = ["mse", "l1", "smoothL1"];

export interface PredictionLossOptions {
  /** Elementwise error: squared ("mse", default), absolute ("l1") or Huber-like ("smoothL1"). */
  kind?: PredictionLossKind;
  /** smoothL1 only: the |error| below which the loss is quadratic, 0.5 e^2 / beta (default 1, as PyTorch). */
  beta?: number;
}

/**
 * Mean over all elements of the elementwise error between `pred` and `target`, which must have the same
 * shape (no broadcasting: a shape mismatch is a bug upstream). Returns a scalar.
 */
export function predictionLoss(
  pred: tf.Tensor,
  target: tf.Tensor,
  options: PredictionLossOptions = {},
): tf.Scalar {
  const { kind = "mse", beta = 1 } = options;
  if (!PREDICTION_LOSS_KINDS.includes(kind)) {
    throw new Error(
      `predictionLoss: unknown kind '${kind}'; expected one of ${PREDICTION_LOSS_KINDS.join(", ")}`,
    );
  }
  if (pred.shape.join(",") !== target.shape.join(",")) {
    throw new Error(
      `predictionLoss: pred shape [${pred.shape.join(", ")}] differs from target shape [${target.shape.join(", ")}]; ` +
        "expected equal shapes",
    );
  }
  if (kind === "smoothL1" && !(Number.isFinite(beta) && beta > 0)) {
    throw new Error(`predictionLoss: smoothL1 beta must be a finite number > 0 (got ${beta})`);
  }
  return tf.tidy(() => {
    const err = tf.sub(pred, target);
    if (kind === "mse") return tf.mean(tf.square(err)) as tf.Scalar;
    const abs = tf.abs(err);
    if (kind === "l1") return tf.mean(abs) as tf.Scalar;
    // Huber with differentiable ops only (tf.where's condition has no gradient): with q = min(|e|, beta),
    // 0.5 q^2 / beta + (|e| - q) is 0.5 e^2 / beta below beta and |e| - 0.5 beta above it.
    const q = tf.minimum(abs, beta);
    return tf.mean(tf.add(tf.div(tf.mul(0.5, tf.square(q)), beta), tf.sub(abs, q))) as tf.Scalar;
  });
}
