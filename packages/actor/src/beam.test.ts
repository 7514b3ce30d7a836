import { describePrimitiveActions } from "@hjepa/contracts";
import { Cost, classifierGuardrail, energyTerm, HazardClassifier } from "@hjepa/cost";
import { InputError } from "@hjepa/errors";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Box, Rng } from "gymnasium-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beamCalls, beamPlanner } from "./beam.ts";
import {
  gridFixture,
  HAZARD_CELL,
  replay,
  TRAP_GOAL,
  TRAP_MAP,
  TRAP_START,
  visited,
} from "./discreteSuite.ts";
import { countingModel, gridDistance, gridModel } from "./testProblems.ts";

let grid: ReturnType<typeof gridFixture>;
beforeAll(async () => {
  await initTensors({ backend: "wasm" });
  grid = gridFixture();
});
afterAll(() => grid.dispose());

const goalKey = TRAP_GOAL.join(",");
const hazardKey = HAZARD_CELL.join(",");

describe("beam", () => {
  it("exhaustive search (width >= 4^8) finds a shortest path around the wall", async () => {
    const shortest = gridDistance(TRAP_MAP, TRAP_START, TRAP_GOAL);
    expect(shortest).toBe(8);
    const plan = await withLeakCheck(() => beamPlanner({ width: 4 ** 8 }).plan(grid.request()));
    expect(plan.cost).toBeLessThan(1e-6);
    expect(visited(plan)).toEqual(replay(plan, TRAP_MAP, TRAP_START));
    expect(visited(plan).indexOf(goalKey)).toBe(shortest - 1);
    expect(plan.stats.predictorCalls).toBe(beamCalls(4, 8, 4 ** 8));
    expect(plan.stats.iterations).toBe(8);
  });

  it("reaches the goal in the fewest steps with a summed energy over a longer horizon (width 16)", async () => {
    // An open 4 x 8 grid: summed L1 energy is minimal when every move approaches the goal, then the agent
    // stays (moving up on row 0 is blocked). Shortest path 8 moves; horizon 10.
    const open = ["........", "........", "........", "........"];
    const model = gridModel(open);
    const [state, goal] = [tf.tensor2d([[3, 0]]), tf.tensor2d([[0, 5]])];
    const cost = new Cost({ terms: [energyTerm({ distance: "l1", reduce: "sum" })] });
    const plan = await withLeakCheck(() =>
      beamPlanner({ width: 16 }).plan(grid.request({ model, state, goal, cost, horizon: 10 })),
    );
    expect(gridDistance(open, [3, 0], [0, 5])).toBe(8);
    expect(visited(plan).indexOf("0,5")).toBe(7);
    expect(visited(plan).slice(7)).toEqual(["0,5", "0,5", "0,5"]);
    expect(plan.cost).toBeCloseTo(7 + 6 + 5 + 4 + 3 + 2 + 1, 5);
    tf.dispose([state, goal]);
    model.dispose();
  });

  it("never selects a path through a hard-constraint hazard when a safe one exists", async () => {
    const free = beamPlanner({ width: 4 ** 8 }).plan(grid.request());
    // Without the guardrail the tie between detours goes to the lower action index (left).
    expect(visited(free)).toContain(hazardKey);
    for (const mode of ["constraint", "penalty"] as const) {
      const plan = await withLeakCheck(() =>
        beamPlanner({ width: 4 ** 8 }).plan(grid.request({ cost: grid.hazardCost(mode) })),
      );
      expect(plan.stats.feasible).toBe(true);
      expect(visited(plan)).not.toContain(hazardKey);
      expect(visited(plan).indexOf(goalKey)).toBe(7);
    }
  });

  it("avoids a hazard that a trained HazardClassifier guards against", async () => {
    // Labels: every free cell of the map, hazardous at HAZARD_CELL only; the MLP learns it from 19 cells.
    const cells: number[] = [];
    const labels: number[] = [];
    TRAP_MAP.forEach((row, r) => {
      [...row].forEach((ch, c) => {
        if (ch !== ".") return;
        cells.push(r, c);
        labels.push(r === HAZARD_CELL[0] && c === HAZARD_CELL[1] ? 1 : 0);
      });
    });
    const classifier = new HazardClassifier({ dim: 2, hidden: 32 });
    const fit = classifier.fit(Float32Array.from(cells), Uint8Array.from(labels), {
      epochs: 300,
      lr: 0.03,
      rng: new Rng(0),
    });
    expect(fit.accuracy).toBe(1);
    const cost = new Cost({
      terms: [energyTerm({ distance: "l1", reduce: "last" })],
      guardrails: [classifierGuardrail("hazard", classifier)],
    });
    const plan = await withLeakCheck(() => beamPlanner({ width: 4 ** 8 }).plan(grid.request({ cost })));
    expect(plan.stats.feasible).toBe(true);
    expect(visited(plan)).not.toContain(hazardKey);
    expect(visited(plan).indexOf(goalKey)).toBe(7);
    classifier.dispose();
  });

  it("narrows its width to the budget and never exceeds it; is deterministic", () => {
    for (const budget of [32, 100, 1000, 5000]) {
      const counting = countingModel(grid.request().model);
      const plan = beamPlanner({ width: 4 ** 8 }).plan(grid.request({ model: counting, budget }));
      expect(plan.stats.predictorCalls).toBeLessThanOrEqual(budget);
      expect(counting.rows).toBe(plan.stats.predictorCalls);
      expect(counting.calls).toBe(8);
      const again = beamPlanner({ width: 4 ** 8 }).plan(grid.request({ budget }));
      expect(Array.from(again.actions)).toEqual(Array.from(plan.actions));
    }
    expect(() => beamPlanner().plan(grid.request({ budget: 31 }))).toThrow(InputError);
    expect(() => beamPlanner().plan(grid.request({ budget: 31 }))).toThrow(
      /a single beam needs 32 candidate-steps/,
    );
    expect(() =>
      beamPlanner().plan(
        grid.request({ actions: describePrimitiveActions(new Box({ low: -1, high: 1, shape: [2] })) }),
      ),
    ).toThrow(/needs a Discrete action space/);
  });
});
