import { wilsonInterval } from "./stats.ts";

/**
 * Two success rates measured on the same units (the same task and training seed for two arms): the 2x2 table
 * of their outcomes.
 */
export interface PairedCounts {
  /** Both succeeded. */
  both: number;
  /** Only the first succeeded. */
  onlyFirst: number;
  /** Only the second succeeded. */
  onlySecond: number;
  /** Neither succeeded. */
  neither: number;
}

export interface PairedDifference extends PairedCounts {
  pairs: number;
  /** First's success rate minus second's, in [-1, 1]. */
  difference: number;
  /** 95% interval of the difference (Newcombe's method 10); [-1, 1] without pairs. */
  ci95: [number, number];
}

/** The 2x2 table of paired outcomes (`[first succeeded, second succeeded]` per unit). */
export function pairedCounts(pairs: readonly (readonly [boolean, boolean])[]): PairedCounts {
  const c: PairedCounts = { both: 0, onlyFirst: 0, onlySecond: 0, neither: 0 };
  for (const [a, b] of pairs) {
    if (a && b) c.both += 1;
    else if (a) c.onlyFirst += 1;
    else if (b) c.onlySecond += 1;
    else c.neither += 1;
  }
  return c;
}

/**
 * The difference between two paired success rates with its confidence interval by Newcombe's method 10
 * (Newcombe 1998, "Improved confidence intervals for the difference between binomial proportions based on
 * paired data", Stat. Med. 17:2635-2650; worked example in Altman et al. 2000, "Statistics with Confidence",
 * ch. 6): the Wilson score intervals of the two marginal rates, combined with their estimated correlation
 * (phi, continuity-corrected as published). Unlike a normal interval on the paired differences it stays inside
 * [-1, 1] and does not collapse to a point when no pair disagrees (both arms at 100%, say).
 */
export function pairedDifference(counts: PairedCounts, z = 1.96): PairedDifference {
  const { both: a, onlyFirst: b, onlySecond: c, neither: d } = counts;
  for (const [k, v] of Object.entries(counts)) {
    if (!(Number.isInteger(v) && v >= 0))
      throw new RangeError(`pairedDifference: ${k} must be an integer >= 0 (got ${v})`);
  }
  const n = a + b + c + d;
  if (n === 0) return { ...counts, pairs: 0, difference: Number.NaN, ci95: [-1, 1] };
  const p1 = (a + b) / n;
  const p2 = (a + c) / n;
  const [l1, u1] = wilsonInterval(a + b, n, z);
  const [l2, u2] = wilsonInterval(a + c, n, z);
  const margins = (a + b) * (c + d) * (a + c) * (b + d);
  // Newcombe's continuity-corrected numerator: ad - bc less n/2 when positive, as is when negative.
  const cross = a * d - b * c;
  const corrected = cross > n / 2 ? cross - n / 2 : Math.min(cross, 0);
  const phi = margins > 0 ? corrected / Math.sqrt(margins) : 0;
  const diff = p1 - p2;
  const below = Math.sqrt(Math.max(0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2));
  const above = Math.sqrt(Math.max(0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2));
  return {
    ...counts,
    pairs: n,
    difference: diff,
    ci95: [Math.max(-1, diff - below), Math.min(1, diff + above)],
  };
}
