/**
 * A sweep's statistic: the mean of a metric over training seeds with a 95% confidence interval from Student's t
 * distribution (mean ± t(0.975, n-1) · sd / √n). Seeds are the independent units: each seed's value is one
 * observation, so the interval says how far another set of seeds could move the mean. One seed gives no
 * interval (null).
 */

/** t(0.975, df) for df = 1..30 (two-sided 95%), from the standard tables. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
const Z975 = 1.959964;

/** The 97.5% quantile of Student's t with `df` degrees of freedom (df > 30: its Cornish-Fisher expansion). */
export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1)
    throw new RangeError(`t975: df must be a positive integer (got ${df})`);
  const tabled = T975[df - 1];
  if (tabled !== undefined) return tabled;
  const z = Z975;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
  );
}

export interface MeanInterval {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); 0 for one value. */
  sd: number;
  /** 95% interval of the mean; null with fewer than two values. */
  ci95: [number, number] | null;
}

export function meanInterval(values: readonly number[]): MeanInterval {
  const n = values.length;
  if (n === 0) throw new RangeError("meanInterval: no values");
  if (values.some((v) => !Number.isFinite(v)))
    throw new RangeError(`meanInterval: a value is not finite (${values.join(", ")})`);
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, sd: 0, ci95: null };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = (t975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, ci95: [mean - half, mean + half] };
}
