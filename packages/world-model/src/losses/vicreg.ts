/**
 * VICReg's anti-collapse terms (Bardes, Ponce & LeCun 2022), as used by PLDM on the world model's
 * representations: a hinge that keeps each dimension's standard deviation above `gamma` (variance) and a
 * penalty on off-diagonal covariance that decorrelates dimensions (covariance). Without both, PLDM's planning
 * success falls from 98% to 13-29%.
 */
import { tf } from "@hjepa/tensor";
import { asSampleMatrix } from "./batch.ts";

export interface VarianceLossOptions {
  /** Target standard deviation of every dimension (default 1). */
  gamma?: number;
  /** Added to the variance before the square root, so the gradient stays finite at zero variance (default 1e-4). */
  eps?: number;
}

/**
 * mean_j relu(gamma - sqrt(Var_j + eps)) over the d dimensions of `z` ([N, d] or [N, T, d], the leading axes
 * flattened into samples), with the unbiased (N - 1) variance as in VICReg. Returns a scalar; needs N >= 2.
 */
export function varianceLoss(z: tf.Tensor, options: VarianceLossOptions = {}): tf.Scalar {
  const { gamma = 1, eps = 1e-4 } = options;
  if (!Number.isFinite(gamma)) throw new Error(`varianceLoss: gamma must be a finite number (got ${gamma})`);
  if (!(Number.isFinite(eps) && eps >= 0)) {
    throw new Error(`varianceLoss: eps must be a finite number >= 0 (got ${eps})`);
  }
  return tf.tidy(() => {
    const x = asSampleMatrix(z, "varianceLoss", 2);
    const variance = unbiasedVariance(x);
    const std = tf.sqrt(tf.add(variance, eps));
    return tf.mean(tf.relu(tf.sub(gamma, std))) as tf.Scalar;
  });
}

/**
 * Sum of the squared off-diagonal entries of the unbiased covariance matrix of `z` ([N, d] or [N, T, d]),
 * divided by d. Returns a scalar; needs N >= 2.
 */
export function covarianceLoss(z: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const x = asSampleMatrix(z, "covarianceLoss", 2);
    const [n, d] = x.shape;
    const centred = tf.sub(x, tf.mean(x, 0, true));
    const cov = tf.div(tf.matMul(centred, centred, true, false), n - 1);
    // Off-diagonal sum = all squares minus the squared diagonal (the variances): no mask tensor needed.
    const diag = tf.div(tf.sum(tf.square(centred), 0), n - 1);
    const offDiagonal = tf.sub(tf.sum(tf.square(cov)), tf.sum(tf.square(diag)));
    return tf.div(offDiagonal, d) as tf.Scalar;
  });
}

/** Per-dimension unbiased variance of a [N, d] matrix, shape [d]. */
function unbiasedVariance(x: tf.Tensor2D): tf.Tensor1D {
  const n = x.shape[0];
  const centred = tf.sub(x, tf.mean(x, 0, true));
  return tf.div(tf.sum(tf.square(centred), 0), n - 1) as tf.Tensor1D;
}
