import { describe, expect, it } from "vitest";
import { computeMacroStatistics, percentile } from "./macroStatistics.ts";

describe("macro-action statistics", () => {
  it("percentiles interpolate linearly between order statistics (numpy's default)", () => {
    const sorted = [0, 1, 2, 3, 4];
    expect(percentile(sorted, 0)).toBe(0);
    expect(percentile(sorted, 100)).toBe(4);
    expect(percentile(sorted, 50)).toBe(2);
    expect(percentile(sorted, 2)).toBeCloseTo(0.08, 12);
    expect(percentile(sorted, 98)).toBeCloseTo(3.92, 12);
  });

  it("computes per-dimension 2nd/98th percentiles, the mean and the unbiased covariance", () => {
    // Dimension 0 is 0..100, dimension 1 is twice it, reversed: perfectly anti-correlated.
    const n = 101;
    const latents = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      latents[2 * i] = i;
      latents[2 * i + 1] = 2 * (100 - i);
    }
    const s = computeMacroStatistics(latents, n, 2);
    expect(s.dim).toBe(2);
    expect(s.count).toBe(n);
    expect(Array.from(s.low)).toEqual([2, 4]);
    expect(Array.from(s.high)).toEqual([98, 196]);
    expect(Array.from(s.mean)).toEqual([50, 100]);
    // Var of 0..100 (unbiased) = n (n + 1) / 12 with n = 101 values: 101 * 102 / 12 = 858.5.
    expect(Array.from(s.covariance)).toEqual([858.5, -1717, -1717, 3434]);
  });

  it("refuses fewer than two latents or a size mismatch", () => {
    expect(() => computeMacroStatistics(new Float32Array(2), 1, 2)).toThrow(/need n >= 2 latents/);
    expect(() => computeMacroStatistics(new Float32Array(5), 2, 2)).toThrow(/in 2 \* 2 values \(got 5\)/);
  });
});
