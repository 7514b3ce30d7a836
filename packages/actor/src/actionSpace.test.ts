import { describePrimitiveActions } from "@hjepa/contracts";
import { Box, Discrete } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { clipInto, describeActions, shiftedWarmStart } from "./actionSpace.ts";
import type { PlanResult } from "./types.ts";

const planOf = (actions: number[]): PlanResult => ({
  actions: Float32Array.from(actions),
  predicted: new Float32Array(0),
  cost: 0,
  horizon: actions.length,
  actionDim: 1,
  dim: 0,
  stats: { level: 1, predictorCalls: 0, costUnits: 0, iterations: 0, ms: 0, feasible: true },
});

describe("action spaces", () => {
  it("describes boxes (centre, half-width; unbounded sides centred at 0) and discrete sets", () => {
    const box = describeActions(
      describePrimitiveActions(new Box({ low: [-1, 0, -Infinity], high: [1, 4, Infinity] })),
      "test",
    );
    expect(box.kind).toBe("continuous");
    if (box.kind !== "continuous") return;
    expect(Array.from(box.center)).toEqual([0, 2, 0]);
    expect(Array.from(box.scale)).toEqual([1, 2, 1]);
    expect(Array.from(clipInto(Float32Array.from([2, -1, 5, -3, 5, -9]), box))).toEqual([1, 0, 5, -1, 4, -9]);
    expect(describeActions(describePrimitiveActions(new Discrete(3, { start: 2 })), "test")).toEqual({
      kind: "discrete",
      k: 1,
      n: 3,
      start: 2,
    });
    expect(() => describeActions({} as never, "cem.plan")).toThrow(
      /cem.plan: actions must be an action description/,
    );
  });

  it("describes a macro-action latent by its saved percentile box, centred on its mean", () => {
    const macro = describeActions(
      {
        kind: "macro",
        size: 2,
        low: Float32Array.from([-1, 0]),
        high: Float32Array.from([3, 1]),
        mean: Float32Array.from([0.5, 2]),
        covariance: new Float32Array(4),
        count: 10,
      },
      "test",
    );
    expect(macro.kind).toBe("continuous");
    if (macro.kind !== "continuous") return;
    // The mean is clipped into the box (a skewed latent's mean can lie past its 98th percentile).
    expect(Array.from(macro.center)).toEqual([0.5, 1]);
    expect(Array.from(macro.scale)).toEqual([2, 0.5]);
  });

  it("shifts the previous plan by one step, repeating the last action or filling zero", () => {
    const box = describeActions(describePrimitiveActions(new Box({ low: -1, high: 1, shape: [1] })), "test");
    const warm = planOf([0.1, 0.2, 0.3]);
    expect(Array.from(shiftedWarmStart(warm, box, 3, "repeat", "t") ?? [])).toEqual(
      [0.2, 0.3, 0.3].map(Math.fround),
    );
    expect(Array.from(shiftedWarmStart(warm, box, 4, "zero", "t") ?? [])).toEqual(
      [0.2, 0.3, 0, 0].map(Math.fround),
    );
    expect(shiftedWarmStart(null, box, 3, "repeat", "t")).toBeNull();
    // Discrete plans hold values (start + index); the shifted warm start is in indices.
    const discrete = describeActions(describePrimitiveActions(new Discrete(4, { start: 1 })), "test");
    expect(Array.from(shiftedWarmStart(planOf([1, 4, 2]), discrete, 3, "repeat", "t") ?? [])).toEqual([
      3, 1, 1,
    ]);
  });
});
