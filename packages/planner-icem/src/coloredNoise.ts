/**
 * Colored (power-law) noise along a plan's time axis, as iCEM samples its action sequences: Gaussian noise
 * whose power spectral density falls as 1/f^beta. beta = 0 is white noise (steps independent, as CEM
 * samples); beta = 2 ("brown" noise) makes neighbouring steps strongly correlated, so that a sampled sequence
 * keeps pushing in one direction instead of jittering, which is what reaching a far goal needs.
 */
import type { Rng } from "gymnasium-js";

/**
 * The linear map from `horizon` standard normal deviates to one colored-noise sequence of `horizon` steps:
 * `[horizon x horizon]` row-major, row t = step t. Its columns are the cosine and sine waves of the real
 * discrete Fourier basis (frequency 0, 1/H, ..., 1/2), each weighted by sqrt(m_f * f^-beta) (the lowest
 * frequency 1/H also standing for f = 0, m_f = 2 for the frequencies that stand for a +-f pair, else 1), and
 * normalised so that every step has variance exactly 1 whatever beta and the horizon. At beta = 0 it is an
 * orthogonal matrix: the steps are independent.
 */
export function coloredNoiseBasis(horizon: number, beta: number): Float64Array {
  if (!(Number.isSafeInteger(horizon) && horizon > 0)) {
    throw new Error(`coloredNoiseBasis: horizon must be a positive integer (got ${horizon})`);
  }
  if (!(Number.isFinite(beta) && beta >= 0)) {
    throw new Error(`coloredNoiseBasis: beta must be a number >= 0 (got ${beta})`);
  }
  const h = horizon;
  // Columns: (frequency index, cosine or sine, weight before normalisation).
  const columns: { f: number; sine: boolean; weight: number }[] = [];
  let total = 0;
  for (let f = 0; f <= Math.floor(h / 2); f++) {
    const power = Math.max(f / h, 1 / h) ** -beta;
    const pair = f > 0 && 2 * f < h;
    const weight = Math.sqrt((pair ? 2 : 1) * power);
    total += (pair ? 2 : 1) * power;
    columns.push({ f, sine: false, weight });
    if (pair) columns.push({ f, sine: true, weight });
  }
  const norm = Math.sqrt(total);
  const basis = new Float64Array(h * h);
  columns.forEach(({ f, sine, weight }, c) => {
    for (let t = 0; t < h; t++) {
      const angle = (2 * Math.PI * f * t) / h;
      basis[t * h + c] = ((sine ? Math.sin(angle) : Math.cos(angle)) * weight) / norm;
    }
  });
  return basis;
}

/**
 * Writes `count` colored-noise sequences of `horizon` steps into `out` (`[count, horizon]` row-major), drawing
 * `horizon` standard normal deviates from `rng` per sequence. `basis` is `coloredNoiseBasis(horizon, beta)`.
 */
export function sampleColoredNoise(
  out: Float32Array,
  count: number,
  horizon: number,
  basis: Float64Array,
  rng: Rng,
): Float32Array {
  const h = horizon;
  if (out.length < count * h || basis.length !== h * h) {
    throw new Error(`sampleColoredNoise: expected ${count} x ${h} values and a ${h} x ${h} basis`);
  }
  const z = new Float64Array(h);
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < h; c++) z[c] = rng.normal();
    for (let t = 0; t < h; t++) {
      let v = 0;
      for (let c = 0; c < h; c++) v += (basis[t * h + c] as number) * (z[c] as number);
      out[n * h + t] = v;
    }
  }
  return out;
}
