import { describe, expect, it } from "vitest";
import { Discrete } from "./discrete.ts";

describe("Discrete", () => {
  it("samples every value in {start, ..., start + n - 1} and contains them", () => {
    const d = new Discrete(4, { start: -1, seed: 0 });
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const v = d.sample();
      expect(d.contains(v)).toBe(true);
      seen.add(v);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-1, 0, 1, 2]);
  });

  it("is reproducible from a seed", () => {
    const a = Array.from(
      { length: 20 },
      (
        (d) => () =>
          d.sample()
      )(new Discrete(10, { seed: 5 })),
    );
    const b = Array.from(
      { length: 20 },
      (
        (d) => () =>
          d.sample()
      )(new Discrete(10, { seed: 5 })),
    );
    expect(a).toEqual(b);
  });

  it("samples only allowed values under a mask, and start under an all-zero mask", () => {
    const d = new Discrete(5, { start: 10, seed: 1 });
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(d.sample(Uint8Array.of(0, 1, 0, 1, 0)));
    expect([...seen].sort()).toEqual([11, 13]);
    expect(d.sample(new Uint8Array(5))).toBe(10);
    expect(() => d.sample(new Uint8Array(4))).toThrow(/mask has 4 entries, expected n = 5/);
    expect(() => d.sample(Uint8Array.of(0, 2, 0, 0, 0))).toThrow(/0 or 1 \(got 2\)/);
  });

  it("rejects non-integers, out-of-range values and other types", () => {
    const d = new Discrete(3);
    expect([0, 1, 2].map((v) => d.contains(v))).toEqual([true, true, true]);
    expect([-1, 3, 1.5, Number.NaN].map((v) => d.contains(v))).toEqual([false, false, false, false]);
    expect(d.contains("1")).toBe(false);
    expect(d.contains(Int32Array.of(1))).toBe(false);
    expect(() => new Discrete(0)).toThrow(/positive integer \(got 0\)/);
    expect(() => new Discrete(2, { start: 0.5 })).toThrow(/start must be an integer/);
  });

  it("compares and prints like Gymnasium", () => {
    expect(new Discrete(3).equals(new Discrete(3))).toBe(true);
    expect(new Discrete(3).equals(new Discrete(3, { start: 1 }))).toBe(false);
    expect(new Discrete(3).equals(new Discrete(4))).toBe(false);
    expect(new Discrete(3).toString()).toBe("Discrete(3)");
    expect(new Discrete(3, { start: -1 }).toString()).toBe("Discrete(3, start=-1)");
    expect(new Discrete(3).shape).toEqual([]);
  });
});
