import { describe, expect, it } from "vitest";
import { dataEquivalence, deepEqual } from "./dataEquivalence.ts";

describe("dataEquivalence / deepEqual", () => {
  it("compares typed arrays by class, length and values (exactly or within tolerance)", () => {
    expect(deepEqual(Float32Array.of(1, 2), Float32Array.of(1, 2))).toBe(true);
    expect(deepEqual(Float32Array.of(1, 2), Float64Array.of(1, 2))).toBe(false);
    expect(deepEqual(Float32Array.of(1, 2), Float32Array.of(1, 2, 3))).toBe(false);
    expect(deepEqual(Float64Array.of(1, Number.NaN), Float64Array.of(1, Number.NaN))).toBe(true);
    expect(deepEqual(Float64Array.of(1), Float64Array.of(1 + 1e-9))).toBe(false);
    expect(dataEquivalence(Float64Array.of(1), Float64Array.of(1 + 1e-9))).toBe(true);
    expect(dataEquivalence(Float64Array.of(1), Float64Array.of(1.001))).toBe(false);
    expect(dataEquivalence(Float64Array.of(1), Float64Array.of(1 + 1e-9), { exact: true })).toBe(false);
  });

  it("compares objects, arrays and primitives structurally", () => {
    const a = { obs: [Int32Array.of(1), { t: 2 }], done: false, name: "x" };
    expect(deepEqual(a, { obs: [Int32Array.of(1), { t: 2 }], done: false, name: "x" })).toBe(true);
    expect(deepEqual(a, { obs: [Int32Array.of(1), { t: 3 }], done: false, name: "x" })).toBe(false);
    expect(deepEqual(a, { obs: [Int32Array.of(1), { t: 2 }], done: false })).toBe(false);
    expect(deepEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(deepEqual(1, "1")).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual(null, null)).toBe(true);
    expect(deepEqual(new Map([["a", 1]]), new Map([["a", 1]]))).toBe(true);
  });
});
