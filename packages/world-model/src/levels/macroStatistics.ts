import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { WorldModelData } from "../data.ts";
import type { UpperLevelModel } from "./upperLevel.ts";

/**
 * Statistics of a level's macro-action latents over the training data, for planners: per-dimension 2nd and
 * 98th percentiles (search bounds, as HWM clamps its latents), mean and covariance (a Gaussian prior).
 */

/** Percentiles kept as bounds (HWM's 2nd-98th). */
export const MACRO_LOW_PERCENTILE = 2;
export const MACRO_HIGH_PERCENTILE = 98;

export interface MacroActionStatistics {
  dim: number;
  /** Number of latents the statistics were computed from. */
  count: number;
  /** Per-dimension 2nd percentile. */
  low: Float32Array;
  /** Per-dimension 98th percentile. */
  high: Float32Array;
  mean: Float32Array;
  /** `[dim, dim]` row-major, unbiased (n - 1). */
  covariance: Float32Array;
}

/**
 * The statistics of `n` latents of `dim` (row-major `[n, dim]`), computed in double precision and stored as
 * float32 (so that saving and reloading them is exact). Percentiles interpolate linearly between order
 * statistics (numpy's default).
 */
export function computeMacroStatistics(
  latents: ArrayLike<number>,
  n: number,
  dim: number,
): MacroActionStatistics {
  if (!(Number.isInteger(n) && n >= 2 && Number.isInteger(dim) && dim >= 1 && latents.length === n * dim)) {
    throw new Error(
      `computeMacroStatistics: need n >= 2 latents of dim >= 1 in ${n} * ${dim} values (got ${latents.length})`,
    );
  }
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += latents[i * dim + j] as number;
  for (let j = 0; j < dim; j++) mean[j] /= n;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) centred[j] = (latents[i * dim + j] as number) - (mean[j] as number);
    for (let a = 0; a < dim; a++) {
      const ca = centred[a] as number;
      for (let b = a; b < dim; b++) cov[a * dim + b] += ca * (centred[b] as number);
    }
  }
  const covariance = new Float32Array(dim * dim);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = (cov[a * dim + b] as number) / (n - 1);
      covariance[a * dim + b] = v;
      covariance[b * dim + a] = v;
    }
  }
  const low = new Float32Array(dim);
  const high = new Float32Array(dim);
  const column = new Float64Array(n);
  for (let j = 0; j < dim; j++) {
    for (let i = 0; i < n; i++) column[i] = latents[i * dim + j] as number;
    column.sort();
    low[j] = percentile(column, MACRO_LOW_PERCENTILE);
    high[j] = percentile(column, MACRO_HIGH_PERCENTILE);
  }
  return { dim, count: n, low, high, mean: Float32Array.from(mean), covariance };
}

/** The `q`-th percentile of ascending `sorted`, interpolating linearly between neighbours. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  const a = sorted[i] as number;
  return frac === 0 ? a : a + frac * ((sorted[i + 1] as number) - a);
}

/** How many training macro-steps the statistics are computed from, by default. */
export const MACRO_STATISTICS_SAMPLES = 4096;

/**
 * The statistics of `model`'s macro-action latents (the mean of a stochastic encoder) over `samples` chunks of
 * `stride` primitive actions drawn uniformly, with `rng`, from the training episodes of `data`. Only actions
 * are read (no observation is rendered), `chunk` windows per encoder call.
 */
export function collectMacroStatistics(
  model: UpperLevelModel,
  data: WorldModelData,
  rng: Rng,
  samples = MACRO_STATISTICS_SAMPLES,
  chunk = 1024,
): MacroActionStatistics {
  const k = model.stride;
  const m = model.macroDim;
  const a = data.dataset.actionDim;
  const latents = new Float32Array(samples * m);
  // Windows are drawn chunk by chunk (the same windows as one call) so stored observations stay small.
  for (let b0 = 0; b0 < samples; b0 += chunk) {
    const n = Math.min(samples, b0 + chunk) - b0;
    const w = data.dataset.sampleSubTrajectories(n, k + 1, rng, { episodes: data.trainEpisodes });
    const z = tf.tidy(() => model.encodeMacro(tf.tensor3d(w.actions, [n, k, a])));
    latents.set(z.dataSync(), b0 * m);
    z.dispose();
  }
  return computeMacroStatistics(latents, samples, m);
}
