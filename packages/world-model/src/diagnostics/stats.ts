/**
 * Collapse diagnostics on a batch of representations z (row-major [n, d]): per-dimension spread, which
 * dimensions have collapsed, and the covariance matrix (for the effective rank). Float64 accumulation.
 */
import { checkMatrix, columnMeans, type RowMajor } from "./matrix.ts";

/** Unbiased (n - 1) standard deviation of each of the d dimensions; needs n >= 2. */
export function perDimStd(z: RowMajor, n: number, d: number): Float64Array {
  checkMatrix(z, n, d, "perDimStd");
  if (n < 2) throw new Error(`perDimStd: needs n >= 2 samples for an unbiased std (got ${n})`);
  const mean = columnMeans(z, n, d);
  const ss = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const c = z[row + j] - mean[j];
      ss[j] += c * c;
    }
  }
  for (let j = 0; j < d; j++) ss[j] = Math.sqrt(ss[j] / (n - 1));
  return ss;
}

export interface CollapsedDimsOptions {
  /** A dimension is collapsed when its std is below this fraction of the median std (default 0.01). */
  relative?: number;
  /**
   * ... or below this absolute std (default 1e-4), which catches a fully collapsed representation, where the
   * median itself is near zero. Representations trained with VICReg or SIGReg have std near 1.
   */
  absolute?: number;
}

/**
 * Indices (ascending) of the collapsed dimensions: std_j < max(relative * median(std), absolute). Non-finite
 * stds count as collapsed (the dimension carries no usable information).
 */
export function collapsedDims(std: ArrayLike<number>, options: CollapsedDimsOptions = {}): number[] {
  const { relative = 0.01, absolute = 1e-4 } = options;
  if (!(Number.isFinite(relative) && relative >= 0)) {
    throw new Error(`collapsedDims: relative must be a finite number >= 0 (got ${relative})`);
  }
  if (!(Number.isFinite(absolute) && absolute >= 0)) {
    throw new Error(`collapsedDims: absolute must be a finite number >= 0 (got ${absolute})`);
  }
  if (std.length === 0) return [];
  const finite = Array.from(std)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const threshold = Math.max(relative * median(finite), absolute);
  const out: number[] = [];
  for (let j = 0; j < std.length; j++) if (!(std[j] >= threshold)) out.push(j);
  return out;
}

/** The d x d unbiased covariance matrix (row-major Float64Array) of z; needs n >= 2. Cost n * d^2 / 2. */
export function covarianceMatrix(z: RowMajor, n: number, d: number): Float64Array {
  checkMatrix(z, n, d, "covarianceMatrix");
  if (n < 2) throw new Error(`covarianceMatrix: needs n >= 2 samples for an unbiased covariance (got ${n})`);
  const mean = columnMeans(z, n, d);
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) c[j] = z[row + j] - mean[j];
    // Upper triangle only; mirrored below.
    for (let a = 0; a < d; a++) {
      const ca = c[a];
      if (ca === 0) continue;
      const base = a * d;
      for (let b = a; b < d; b++) cov[base + b] += ca * c[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b] / (n - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return cov;
}

/** Median of an ascending-sorted array (0 when empty). */
function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}
