import { describe, expect, it } from "vitest";
import { learningRate } from "./schedule.ts";

describe("learningRate", () => {
  const cosine = { lr: 1e-3, warmupSteps: 10, totalSteps: 110, minLrFactor: 0.05 } as const;

  it("warms up linearly to lr at the end of warmup", () => {
    expect(learningRate(0, cosine)).toBeCloseTo(1e-4, 12);
    expect(learningRate(4, cosine)).toBeCloseTo(5e-4, 12);
    expect(learningRate(9, cosine)).toBeCloseTo(1e-3, 12);
    expect(learningRate(10, cosine)).toBeCloseTo(1e-3, 12);
  });

  it("decays along a cosine to lr * minLrFactor at totalSteps and stays there", () => {
    expect(learningRate(60, cosine)).toBeCloseTo(1e-3 * (0.05 + 0.95 * 0.5), 12);
    expect(learningRate(35, cosine)).toBeCloseTo(
      1e-3 * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI / 4))),
      12,
    );
    expect(learningRate(110, cosine)).toBeCloseTo(5e-5, 12);
    expect(learningRate(500, cosine)).toBeCloseTo(5e-5, 12);
    const values = Array.from({ length: 100 }, (_, i) => learningRate(10 + i, cosine));
    expect(values.every((v, i) => i === 0 || v < values[i - 1])).toBe(true);
  });

  it("uses the documented defaults: no warmup, cosine, floor 0.05", () => {
    expect(learningRate(0, { lr: 2, totalSteps: 100 })).toBe(2);
    expect(learningRate(100, { lr: 2, totalSteps: 100 })).toBeCloseTo(0.1, 12);
  });

  it("holds lr after warmup for the constant schedule", () => {
    const constant = { lr: 0.5, warmupSteps: 4, schedule: "constant" } as const;
    expect(learningRate(1, constant)).toBeCloseTo(0.25, 12);
    expect(learningRate(4, constant)).toBe(0.5);
    expect(learningRate(10_000, constant)).toBe(0.5);
  });

  it("rejects bad options with messages that name them", () => {
    expect(() => learningRate(0, { lr: 0, totalSteps: 10 })).toThrow(
      /lr must be a finite number > 0 \(got 0\)/,
    );
    expect(() => learningRate(20, { lr: 1, warmupSteps: 10 })).toThrow(
      /cosine schedule needs an integer totalSteps/,
    );
    expect(() => learningRate(20, { lr: 1, warmupSteps: 10, totalSteps: 10 })).toThrow(
      /totalSteps > warmupSteps/,
    );
    expect(() => learningRate(-1, { lr: 1, totalSteps: 10 })).toThrow(
      /step must be a number >= 0 \(got -1\)/,
    );
    expect(() => learningRate(1, { lr: 1, totalSteps: 10, schedule: "step" as "constant" })).toThrow(
      /unknown schedule 'step'/,
    );
  });
});
