import { describe, expect, it } from "vitest";
import { EpisodeMemory } from "./episodeMemory.ts";

describe("EpisodeMemory", () => {
  it("measures surprise against the plan in force", () => {
    const m = new EpisodeMemory(2);
    expect(m.observe(0, [0, 0])).toBe(0);
    m.recordPlan({
      step: 0,
      horizon: 3,
      predicted: Float32Array.of(1, 0, 2, 0, 3, 0),
      actions: new Float32Array(6),
    });
    expect(m.observe(1, [1, 0])).toBe(0);
    expect(m.observe(2, [2, 1])).toBe(1);
    expect(m.predictedFor(3)).toEqual(Float32Array.of(3, 0));
    m.recordPlan({ step: 2, horizon: 1, predicted: Float32Array.of(5, 5), actions: new Float32Array(2) });
    expect(m.observe(3, [5, 3])).toBe(4);
    expect(m.observe(4, [0, 0])).toBe(0); // beyond the last plan's horizon
    expect(m.allSurprises()).toEqual([0, 0, 1, 4, 0]);
    expect(m.planAt(1)?.step).toBe(0);
  });

  it("rejects out-of-order steps and wrong sizes", () => {
    const m = new EpisodeMemory(2);
    expect(() => m.observe(1, [0, 0])).toThrow(/expected step 0 \(got 1\)/);
    expect(() => m.observe(0, [0])).toThrow(/1 numbers, expected 2/);
  });
});
