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
    const quadratic = tf.div(tf.mul(0.5, tf.square(err)), beta);
    const linear = tf.sub(abs, 0.5 * beta);
    return tf.mean(tf.where(tf.less(abs, beta), quadratic, linear)) as tf.Scalar;
  });
}
