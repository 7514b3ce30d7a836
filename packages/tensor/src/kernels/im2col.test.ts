import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { type ConvGeometry, col2imAdd, im2colTransposed, imagesPerChunk } from "./im2col.ts";

function geometry(over: Partial<ConvGeometry>): ConvGeometry {
  return {
    inHeight: 3,
    inWidth: 3,
    inChannels: 1,
    outHeight: 2,
    outWidth: 2,
    filterHeight: 2,
    filterWidth: 2,
    strideHeight: 1,
    strideWidth: 1,
    padTop: 0,
    padLeft: 0,
    ...over,
  };
}

describe("im2colTransposed", () => {
  it("lays 2x2 patches of a 3x3 image out as columns", () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const cols = new Float32Array(4 * 4).fill(Number.NaN);
    im2colTransposed(x, geometry({}), 0, 1, cols);
    // Rows are filter taps (0,0) (0,1) (1,0) (1,1); columns are output positions.
    expect(Array.from(cols)).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
  });

  it("writes zeros for taps in the padding", () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    const g = geometry({
      inHeight: 2,
      inWidth: 2,
      outHeight: 1,
      outWidth: 1,
      filterHeight: 3,
      filterWidth: 3,
    });
    const cols = new Float32Array(9).fill(Number.NaN);
    im2colTransposed(x, { ...g, padTop: 1, padLeft: 1 }, 0, 1, cols);
    expect(Array.from(cols)).toEqual([0, 0, 0, 0, 1, 2, 0, 3, 4]);
  });
});

describe("col2imAdd", () => {
  it("is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)> for strided, padded, multi-image geometry", () => {
    const g = geometry({
      inHeight: 7,
      inWidth: 6,
      inChannels: 3,
      outHeight: 4,
      outWidth: 3,
      filterHeight: 3,
      filterWidth: 2,
      strideHeight: 2,
      strideWidth: 2,
      padTop: 1,
      padLeft: 0,
    });
    const batch = 2;
    const rows = 3 * 2 * 3;
    const patches = batch * 4 * 3;
    const rng = new Rng(0);
    const x = Float32Array.from({ length: batch * 7 * 6 * 3 }, () => rng.normal());
    const c = Float32Array.from({ length: patches * rows }, () => rng.normal());
    const colsT = new Float32Array(rows * patches);
    im2colTransposed(x, g, 0, batch, colsT);
    let lhs = 0;
    for (let r = 0; r < rows; r++)
      for (let p = 0; p < patches; p++) lhs += colsT[r * patches + p] * c[p * rows + r];
    const dx = new Float32Array(x.length);
    col2imAdd(c, g, 0, batch, dx);
    let rhs = 0;
    for (let i = 0; i < x.length; i++) rhs += x[i] * dx[i];
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.abs(lhs));
  });
});

describe("imagesPerChunk", () => {
  it("fits whole images under the budget, at least one", () => {
    const g = geometry({ outHeight: 10, outWidth: 10, filterHeight: 3, filterWidth: 3, inChannels: 4 });
    expect(imagesPerChunk(g, 64, 3600 * 5)).toBe(5);
    expect(imagesPerChunk(g, 64, 10)).toBe(1);
    expect(imagesPerChunk(g, 3, 1e9)).toBe(3);
  });
});
