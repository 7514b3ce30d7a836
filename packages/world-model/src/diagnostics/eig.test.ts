import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { symmetricEigenvalues } from "./eig.ts";

/** A random orthogonal d x d matrix: Gram-Schmidt on Gaussian columns. */
function randomOrthogonal(d: number, rng: Rng): Float64Array {
  const q = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += v[i] * q[i * d + k];
      for (let i = 0; i < d; i++) v[i] -= dot * q[i * d + k];
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < d; i++) q[i * d + j] = v[i] / norm;
  }
  return q;
}

/** Q diag(lambda) Q^T. */
function withSpectrum(lambda: number[], rng: Rng): Float64Array {
  const d = lambda.length;
  const q = randomOrthogonal(d, rng);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += q[i * d + k] * lambda[k] * q[j * d + k];
      a[i * d + j] = s;
    }
  }
  // Exact symmetry (rounding may differ between the two triangles).
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[i * d + j] = a[j * d + i];
  return a;
}

describe("symmetricEigenvalues", () => {
  it("returns a diagonal matrix's entries in descending order", () => {
    expect(Array.from(symmetricEigenvalues([3, 0, 0, 0, -1, 0, 0, 0, 7], 3))).toEqual([7, 3, -1]);
  });

  it("solves known small matrices", () => {
    const two = symmetricEigenvalues([2, 1, 1, 2], 2);
    expect(two[0]).toBeCloseTo(3, 14);
    expect(two[1]).toBeCloseTo(1, 14);
    // The 1-D discrete Laplacian: 2 - 2 cos(k pi / 4), k = 1..3.
    const lap = symmetricEigenvalues([2, -1, 0, -1, 2, -1, 0, -1, 2], 3);
    expect(lap[0]).toBeCloseTo(2 + Math.SQRT2, 13);
    expect(lap[1]).toBeCloseTo(2, 13);
    expect(lap[2]).toBeCloseTo(2 - Math.SQRT2, 13);
    // All-ones 4 x 4: rank one, eigenvalues 4, 0, 0, 0.
    const ones = symmetricEigenvalues(new Array(16).fill(1), 4);
    expect(ones[0]).toBeCloseTo(4, 13);
    for (let i = 1; i < 4; i++) expect(Math.abs(ones[i])).toBeLessThan(1e-13);
  });

  it("recovers a planted spectrum of a rotated 40 x 40 matrix, including repeated and tiny eigenvalues", () => {
    const rng = new Rng(5);
    const lambda = Array.from({ length: 40 }, (_, i) => (i < 5 ? 1 : i < 10 ? 1e-6 * i : 10 - 0.2 * i));
    const got = symmetricEigenvalues(withSpectrum(lambda, rng), 40);
    const want = [...lambda].sort((a, b) => b - a);
    for (let i = 0; i < 40; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-12);
  });

  it("keeps the trace and the Frobenius norm of a random symmetric 64 x 64 matrix", () => {
    const rng = new Rng(6);
    const d = 64;
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) a[i * d + j] = a[j * d + i] = rng.normal();
    const eig = symmetricEigenvalues(a, d);
    let trace = 0;
    let frob = 0;
    for (let i = 0; i < d; i++) trace += a[i * d + i];
    for (let i = 0; i < d * d; i++) frob += a[i] * a[i];
    expect(eig.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 9);
    expect(eig.reduce((s, v) => s + v * v, 0)).toBeCloseTo(frob, 8);
  });

  it("rejects non-symmetric, non-finite and wrongly sized input", () => {
    expect(() => symmetricEigenvalues([1, 2, 3, 4], 2)).toThrow(
      /not symmetric: \(0, 1\) = 2 but \(1, 0\) = 3/,
    );
    expect(() => symmetricEigenvalues([1, Number.NaN, Number.NaN, 1], 2)).toThrow(/entry \(0, 1\) is NaN/);
    expect(() => symmetricEigenvalues([1, 2, 3], 2)).toThrow(/matrix has 3 values; expected d \* d = 4/);
  });
});
