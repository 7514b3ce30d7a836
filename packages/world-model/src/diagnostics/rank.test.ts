import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { effectiveRank, effectiveRankOfEigenvalues } from "./rank.ts";

describe("effectiveRankOfEigenvalues", () => {
  it("counts equal eigenvalues and ignores zeros and rounding negatives", () => {
    expect(effectiveRankOfEigenvalues([2, 2, 2, 2])).toBeCloseTo(4, 12);
    expect(effectiveRankOfEigenvalues([1, 1, 0, -1e-17])).toBeCloseTo(2, 12);
    expect(effectiveRankOfEigenvalues([5, 0, 0])).toBe(1);
    expect(effectiveRankOfEigenvalues([0, 0])).toBe(0);
    // p = (3/4, 1/4): exp(-(0.75 ln 0.75 + 0.25 ln 0.25)).
    expect(effectiveRankOfEigenvalues([3, 1])).toBeCloseTo(
      Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))),
      12,
    );
  });
});

describe("effectiveRank", () => {
  const rng = new Rng(9);
  const n = 5000;
  const d = 16;

  it("is ~d for isotropic data", () => {
    const z = Float32Array.from({ length: n * d }, () => rng.normal());
    const r = effectiveRank(z, n, d);
    expect(r).toBeGreaterThan(15.9);
    expect(r).toBeLessThanOrEqual(16);
  });

  it("is ~1 for rank-one data plus tiny noise, and ~k for data in a k-dim subspace", () => {
    const dir = Array.from({ length: d }, () => rng.normal());
    const line = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const s = rng.normal();
      for (let j = 0; j < d; j++) line[i * d + j] = s * dir[j] + 1e-4 * rng.normal();
    }
    expect(effectiveRank(line, n, d)).toBeLessThan(1.01);
    // 4 independent unit-variance coordinates, the other 12 constant.
    const sub = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < 4; j++) sub[i * d + j] = rng.normal();
    const r = effectiveRank(sub, n, d);
    expect(r).toBeGreaterThan(3.98);
    expect(r).toBeLessThanOrEqual(4.0000001);
  });

  it("is 0 for constant data", () => {
    expect(effectiveRank(new Float32Array(30).fill(2), 10, 3)).toBe(0);
  });
});
