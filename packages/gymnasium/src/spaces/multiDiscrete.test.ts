import { describe, expect, it } from "vitest";
import { MultiDiscrete } from "./multiDiscrete.ts";

describe("MultiDiscrete", () => {
  it("samples Int32Arrays within [start, start + nvec) that it contains", () => {
    const md = new MultiDiscrete([2, 3, 4], { start: [0, -1, 5], seed: 3 });
    const maxSeen = [-Infinity, -Infinity, -Infinity];
    const minSeen = [Infinity, Infinity, Infinity];
    for (let i = 0; i < 300; i++) {
      const x = md.sample();
      expect(x).toBeInstanceOf(Int32Array);
      expect(md.contains(x)).toBe(true);
      x.forEach((v, j) => {
        maxSeen[j] = Math.max(maxSeen[j] as number, v);
        minSeen[j] = Math.min(minSeen[j] as number, v);
      });
    }
    expect(minSeen).toEqual([0, -1, 5]);
    expect(maxSeen).toEqual([1, 1, 8]);
    expect(md.shape).toEqual([3]);
  });

  it("is reproducible from a seed and honours per-dimension masks", () => {
    const a = new MultiDiscrete([5, 5], { seed: 9 });
    const b = new MultiDiscrete([5, 5], { seed: 9 });
    expect(Array.from(a.sample())).toEqual(Array.from(b.sample()));
    for (let i = 0; i < 50; i++) {
      const x = a.sample([Uint8Array.of(0, 0, 1, 0, 0), undefined]);
      expect(x[0]).toBe(2);
    }
    expect(a.sample([new Uint8Array(5), new Uint8Array(5)])).toEqual(Int32Array.of(0, 0));
    expect(() => a.sample([new Uint8Array(4), undefined])).toThrow(/mask\[0\] has 4 entries, expected 5/);
    expect(() => a.sample([Uint8Array.of(3, 0, 0, 0, 0), undefined])).toThrow(/0 or 1 \(got 3\)/);
  });

  it("rejects the wrong type, length and out-of-range values", () => {
    const md = new MultiDiscrete([2, 3]);
    expect(md.contains(Int32Array.of(1, 2))).toBe(true);
    expect(md.contains(Int32Array.of(2, 0))).toBe(false);
    expect(md.contains(Int32Array.of(0, -1))).toBe(false);
    expect(md.contains(Int32Array.of(0))).toBe(false);
    expect(md.contains(Float32Array.of(0, 0))).toBe(false);
    expect(md.contains([0, 0])).toBe(false);
    expect(() => new MultiDiscrete([2, 0])).toThrow(/positive integers/);
    expect(() => new MultiDiscrete([2, 2], { start: [0] })).toThrow(/lengths differ/);
  });

  it("compares and prints like Gymnasium", () => {
    expect(new MultiDiscrete([2, 3]).equals(new MultiDiscrete([2, 3]))).toBe(true);
    expect(new MultiDiscrete([2, 3]).equals(new MultiDiscrete([3, 2]))).toBe(false);
    expect(new MultiDiscrete([2, 3]).equals(new MultiDiscrete([2, 3], { start: [1, 0] }))).toBe(false);
    expect(new MultiDiscrete([2, 3]).toString()).toBe("MultiDiscrete([2 3])");
    expect(new MultiDiscrete([2, 3], { start: [1, 0] }).toString()).toBe("MultiDiscrete([2 3], start=[1 0])");
  });
});
