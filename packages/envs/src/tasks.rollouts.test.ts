import { describe, expect, it } from "vitest";
import { registerHjepaEnvs } from "./register.ts";
import { makeTaskSet, validateTaskSet } from "./tasks.ts";

describe("task sets with rollouts", () => {
  registerHjepaEnvs();
  it("lists each start-goal pair once per realisation, with its own id, binned by the expected distance", () => {
    const one = makeTaskSet("hjepa/WindyCliff-v0", { seed: 0, count: 2 });
    const five = makeTaskSet("hjepa/WindyCliff-v0", { seed: 0, count: 2, rollouts: 5 });
    expect(one.rollouts).toBeUndefined();
    expect(five.rollouts).toBe(5);
    expect(five.tasks).toHaveLength(5 * one.tasks.length);
    expect(five.bins).toEqual(one.bins);
    for (const [i, task] of one.tasks.entries()) {
      for (let k = 0; k < 5; k++) {
        const r = five.tasks[5 * i + k];
        expect(r).toEqual({ ...task, id: `${task.id}/r${k}`, rollout: k });
      }
    }
    // Expected moves of a safe strategy: not whole numbers where the wind is crossed.
    expect(one.tasks.some((t) => !Number.isInteger(t.distance))).toBe(true);
    expect(() => validateTaskSet(JSON.parse(JSON.stringify(five)), "five.json")).not.toThrow();
  });

  it("refuses a rollouts that is not a positive integer", () => {
    expect(() => makeTaskSet("hjepa/WindyCliff-v0", { seed: 0, count: 1, rollouts: 0 })).toThrow(
      /rollouts must be a positive integer/,
    );
  });
});
