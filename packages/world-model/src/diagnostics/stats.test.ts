import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { collapsedDims, covarianceMatrix, perDimStd } from "./stats.ts";

describe("perDimStd", () => {
  it("is the unbiased std of each column", () => {
    // Columns [1, 2, 3, 4] (variance 5/3), [0, 0, 0, 0], [2, -2, 2, -2] (variance 16/3).
    const z = Float32Array.from([1, 0, 2, 2, 0, -2, 3, 0, 2, 4, 0, -2]);
    const std = perDimStd(z, 4, 3);
    expect(std[0]).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(std[1]).toBe(0);
    expect(std[2]).toBeCloseTo(Math.sqrt(16 / 3), 12);
  });

  it("rejects a length that is not n * d, and n < 2", () => {
    expect(() => perDimStd(new Float32Array(5), 2, 3)).toThrow(
      /perDimStd: z has 5 values; expected n \* d = 2 \* 3 = 6/,
    );
    expect(() => perDimStd(new Float32Array(3), 1, 3)).toThrow(/needs n >= 2 samples/);
  });
});

describe("collapsedDims", () => {
  it("flags dims below 1% of the median std", () => {
    expect(collapsedDims([1, 0.9, 0.005, 1.2, 0.02])).toEqual([2]);
    expect(collapsedDims([1, 0.9, 0.005, 1.2, 0.02], { relative: 0.05 })).toEqual([2, 4]);
  });

  it("flags every dim of a fully collapsed representation through the absolute floor", () => {
    expect(collapsedDims([1e-6, 2e-6, 1.5e-6])).toEqual([0, 1, 2]);
    expect(collapsedDims([1e-6, 2e-6, 1.5e-6], { absolute: 0 })).toEqual([]);
  });

  it("counts non-finite stds as collapsed and handles empty input", () => {
    expect(collapsedDims([1, Number.NaN, 1])).toEqual([1]);
    expect(collapsedDims([])).toEqual([]);
  });
});

describe("covarianceMatrix", () => {
  it("matches a hand computation and is symmetric", () => {
    // Columns [1, 2, 3] and [2, 4, 6] (var 1 and 4, cov 2), [1, 1, 1] (constant).
    const z = [1, 2, 1, 2, 4, 1, 3, 6, 1];
    expect(Array.from(covarianceMatrix(z, 3, 3))).toEqual([1, 2, 0, 2, 4, 0, 0, 0, 0]);
  });

  it("approaches the identity for a large isotropic Gaussian sample", () => {
    const rng = new Rng(1);
    const n = 20000;
    const d = 4;
    const z = Float64Array.from({ length: n * d }, () => rng.normal());
    const cov = covarianceMatrix(z, n, d);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) expect(Math.abs(cov[a * d + b] - (a === b ? 1 : 0))).toBeLessThan(0.04);
    }
  });
});
