import { InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { PLDM_EVAL, PLDM_MPPI, pldmEvalTasks } from "./pldmEval.ts";

describe("PLDM eval protocol", () => {
  it("names PLDM's settings", () => {
    expect([PLDM_EVAL.episodes, PLDM_EVAL.steps, PLDM_EVAL.successRadius ** 2]).toEqual([
      100, 200, 2.0000000000000004,
    ]);
    expect([PLDM_MPPI.samples, PLDM_MPPI.noiseVar, PLDM_MPPI.lambda, PLDM_MPPI.maxHorizon]).toEqual([
      2000, 12, 0.005, 96,
    ]);
  });

  it("draws the same 100 opposite-room tasks from the same seed", () => {
    const tasks = pldmEvalTasks(42);
    expect(tasks.length).toBe(100);
    expect(pldmEvalTasks(42)).toEqual(tasks);
    expect(pldmEvalTasks(43)).not.toEqual(tasks);
    for (const { start, goal } of tasks) expect(start[0]! < 32).not.toBe(goal[0]! < 32);
  });

  it("draws easy tasks near the door", () => {
    for (const { start, goal } of pldmEvalTasks(1, { n: 200, level: "easy" })) {
      const [l, r] = start[0]! < 32 ? [start, goal] : [goal, start];
      expect(l[0]).toBeGreaterThanOrEqual(19);
      expect(r[0]).toBeLessThan(45);
      expect(Math.max(l[1]!, r[1]!)).toBeLessThan(22);
    }
    expect(() => pldmEvalTasks(1, { level: "hard" as "easy" })).toThrow(InputError);
    expect(() => pldmEvalTasks(1, { level: "hard" as "easy" })).toThrow(
      /level must be "medium" or "easy" \(got hard\)/,
    );
  });
});
