/**
 * SIGReg, Sketched Isotropic Gaussian Regularisation (LeJEPA, Balestriero & LeCun 2025; used by LeWM): pushes
 * the distribution of representations toward an isotropic standard Gaussian N(0, I). The d-dimensional test is
 * sketched by projecting onto M random unit directions; each projected 1-D sample is compared with N(0, 1)
 * by the Epps-Pulley statistic
 *
 *   T = N * integral over t of |ecf(t) - exp(-t^2/2)|^2 * w(t) dt,   w(t) = exp(-t^2/2),
 *
 * where ecf(t) = mean_n exp(i t x_n) is the empirical characteristic function. Since |ecf - phi|^2 is even in
 * t, the integral over [-tMax, tMax] is twice the one over [0, tMax], computed with the trapezoid rule on
 * `knots` evenly spaced points (LeJEPA's "trapezoid" integration). The loss is T averaged over directions.
 * For a true N(0, I) sample E[T] is about 1.06 whatever N; a collapsed sample gives T of order 0.4 N.
 */
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { asSampleMatrix } from "./batch.ts";

export interface SigregOptions {
  /** [d, M] projection directions, unit-norm columns (see `randomDirections`); draw a new set every step. */
  directions: tf.Tensor;
  /** Quadrature points on [0, tMax], including both ends (default 17, as LeJEPA). */
  knots?: number;
  /** Upper end of the integration range (default 3, as LeJEPA). */
  tMax?: number;
}

/** The quadrature of the Epps-Pulley integral: points t, N(0,1)'s characteristic function there, weights. */
export interface SigregQuadrature {
  t: Float32Array;
  /** exp(-t^2/2): the characteristic function of N(0, 1), also the integration window. */
  phi: Float32Array;
  /** Trapezoid weights over [0, tMax], doubled for the mirrored half [-tMax, 0], times the window phi. */
  weights: Float32Array;
}

/** Builds the quadrature for `knots` points on [0, tMax]. */
export function sigregQuadrature(knots = 17, tMax = 3): SigregQuadrature {
  if (!(Number.isInteger(knots) && knots >= 2)) {
    throw new Error(`sigregLoss: knots must be an integer >= 2 (got ${knots})`);
  }
  if (!(Number.isFinite(tMax) && tMax > 0))
    throw new Error(`sigregLoss: tMax must be a finite number > 0 (got ${tMax})`);
  const dt = tMax / (knots - 1);
  const t = new Float32Array(knots);
  const phi = new Float32Array(knots);
  const weights = new Float32Array(knots);
  for (let k = 0; k < knots; k++) {
    t[k] = k * dt;
    phi[k] = Math.exp(-0.5 * t[k] * t[k]);
    const trapezoid = k === 0 || k === knots - 1 ? dt / 2 : dt;
    weights[k] = 2 * trapezoid * phi[k];
  }
  return { t, phi, weights };
}

/**
 * The SIGReg loss of `z` ([N, d], or [N, T, d] with the leading axes flattened into samples): the Epps-Pulley
 * statistic of each projection z @ directions against N(0, 1), scaled by N, averaged over the M directions.
 * Returns a scalar. Memory is N * M * knots floats.
 */
export function sigregLoss(z: tf.Tensor, options: SigregOptions): tf.Scalar {
  const { directions, knots = 17, tMax = 3 } = options;
  const { t, phi, weights } = sigregQuadrature(knots, tMax);
  return tf.tidy(() => {
    const x = asSampleMatrix(z, "sigregLoss", 1);
    const [n, d] = x.shape;
    if (directions.rank !== 2 || directions.shape[0] !== d) {
      throw new Error(
        `sigregLoss: directions must have shape [d, M] = [${d}, M] to match z's ${d} features ` +
          `(got shape [${directions.shape.join(", ")}])`,
      );
    }
    const dirs = directions as tf.Tensor2D;
    const m = dirs.shape[1];
    const projected = tf.matMul(x, dirs); // [N, M]
    const xt = tf.mul(tf.reshape(projected, [n, m, 1]), tf.tensor1d(t)); // [N, M, K]
    const cosMean = tf.mean(tf.cos(xt), 0); // [M, K]: real part of the ecf
    const sinMean = tf.mean(tf.sin(xt), 0); // imaginary part (N(0,1)'s cf is real)
    const err = tf.add(tf.square(tf.sub(cosMean, tf.tensor1d(phi))), tf.square(sinMean));
    const perDirection = tf.mul(tf.matMul(err, tf.tensor2d(weights, [knots, 1])), n); // [M, 1]
    return tf.mean(perDirection) as tf.Scalar;
  });
}

/** M random unit directions in R^d as a row-major [d, M] Float32Array: normalised Gaussian columns. */
export function randomDirectionValues(d: number, m: number, rng: Rng): Float32Array {
  if (!(Number.isInteger(d) && d >= 1))
    throw new Error(`randomDirections: d must be an integer >= 1 (got ${d})`);
  if (!(Number.isInteger(m) && m >= 1))
    throw new Error(`randomDirections: M must be an integer >= 1 (got ${m})`);
  const values = new Float32Array(d * m);
  const column = new Float64Array(d);
  for (let j = 0; j < m; j++) {
    let norm = 0;
    // A zero column has probability zero, but redraw rather than divide by zero.
    while (norm === 0) {
      norm = 0;
      for (let i = 0; i < d; i++) {
        column[i] = rng.normal();
        norm += column[i] * column[i];
      }
      norm = Math.sqrt(norm);
    }
    for (let i = 0; i < d; i++) values[i * m + j] = column[i] / norm;
  }
  return values;
}

/**
 * M seeded random unit directions in R^d as a [d, M] tensor (the caller disposes it). Draws d * M normals
 * from `rng`, column by column, so the same Rng state gives the same directions on every backend.
 */
export function randomDirections(d: number, m: number, rng: Rng): tf.Tensor2D {
  return tf.tensor2d(randomDirectionValues(d, m, rng), [d, m]);
}
