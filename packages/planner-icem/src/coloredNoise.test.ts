import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { coloredNoiseBasis, sampleColoredNoise } from "./coloredNoise.ts";

/** Covariance of the steps of one sequence, B B^T (`[h, h]`). */
function covariance(basis: Float64Array, h: number): number[][] {
  return Array.from({ length: h }, (_, t) =>
    Array.from({ length: h }, (_, u) => {
      let s = 0;
      for (let c = 0; c < h; c++) s += (basis[t * h + c] as number) * (basis[u * h + c] as number);
      return s;
    }),
  );
}

describe("coloredNoiseBasis", () => {
  it("gives every step variance 1, for any exponent and horizon", () => {
    for (const h of [1, 2, 5, 8, 16]) {
      for (const beta of [0, 1, 2, 3]) {
        const cov = covariance(coloredNoiseBasis(h, beta), h);
        for (let t = 0; t < h; t++) expect(cov[t]?.[t]).toBeCloseTo(1, 10);
      }
    }
  });

  it("is white noise at beta 0 (independent steps) and correlates neighbours more as beta grows", () => {
    const h = 16;
    const white = covariance(coloredNoiseBasis(h, 0), h);
    for (let t = 0; t < h; t++)
      for (let u = 0; u < h; u++) if (t !== u) expect(white[t]?.[u]).toBeCloseTo(0, 10);
    const lag1 = (beta: number) => covariance(coloredNoiseBasis(h, beta), h)[0]?.[1] as number;
    expect(lag1(1)).toBeGreaterThan(0.3);
    expect(lag1(2)).toBeGreaterThan(lag1(1));
    expect(lag1(2)).toBeGreaterThan(0.7);
  });

  it("refuses a bad horizon or exponent", () => {
    expect(() => coloredNoiseBasis(0, 2)).toThrow(/horizon must be a positive integer/);
    expect(() => coloredNoiseBasis(4, -1)).toThrow(/beta must be a number >= 0/);
  });
});

describe("sampleColoredNoise", () => {
  it("draws the same sequences for the same seed, with the basis's statistics", () => {
    const h = 8;
    const basis = coloredNoiseBasis(h, 2);
    const n = 4000;
    const a = sampleColoredNoise(new Float32Array(n * h), n, h, basis, new Rng(3));
    const b = sampleColoredNoise(new Float32Array(n * h), n, h, basis, new Rng(3));
    expect(Array.from(b)).toEqual(Array.from(a));
    let sq = 0;
    let lag = 0;
    for (let i = 0; i < n; i++) {
      sq += (a[i * h] as number) ** 2;
      lag += (a[i * h] as number) * (a[i * h + 1] as number);
    }
    expect(sq / n).toBeCloseTo(1, 1);
    expect(lag / n).toBeCloseTo(covariance(basis, h)[0]?.[1] as number, 1);
  });
});
