/**
 * Statistics for evaluation tables: success rates with Wilson score intervals, success weighted by path length.
 */

/** Wilson score interval for `successes` out of `n` at confidence z (1.96 = 95%). [0, 1] when n = 0. */
export function wilsonInterval(successes: number, n: number, z = 1.96): [number, number] {
  if (!(Number.isInteger(successes) && Number.isInteger(n) && 0 <= successes && successes <= n)) {
    throw new RangeError(`wilsonInterval: need integers 0 <= successes <= n (got ${successes}, ${n})`);
  }
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Success weighted by path length (Anderson et al., 2018) of one episode: success * optimal / max(taken,
 * optimal); 0 on failure. `optimal` is the oracle's shortest-path length, `taken` the agent's path length.
 */
export function spl(success: boolean, optimal: number, taken: number): number {
  if (!success) return 0;
  if (!(optimal >= 0) || !(taken >= 0))
    throw new RangeError(`spl: lengths must be >= 0 (got ${optimal}, ${taken})`);
  const denom = Math.max(taken, optimal);
  return denom === 0 ? 1 : optimal / denom;
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : sum(values) / values.length;
}
