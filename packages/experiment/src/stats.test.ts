import { describe, expect, it } from "vitest";
import { spl, wilsonInterval } from "./stats.ts";

describe("evaluation statistics", () => {
  it("gives Wilson intervals that match known values", () => {
    const [lo, hi] = wilsonInterval(95, 100);
    expect(lo).toBeCloseTo(0.8883, 3);
    expect(hi).toBeCloseTo(0.9785, 3);
    expect(wilsonInterval(0, 10)[0]).toBe(0);
    expect(wilsonInterval(10, 10)[1]).toBeCloseTo(1, 12);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
    expect(() => wilsonInterval(3, 2)).toThrow(/0 <= successes <= n/);
  });

  it("weights success by path length", () => {
    expect(spl(true, 10, 10)).toBe(1);
    expect(spl(true, 10, 20)).toBe(0.5);
    expect(spl(false, 10, 10)).toBe(0);
    expect(spl(true, 10, 5)).toBe(1);
  });
});
