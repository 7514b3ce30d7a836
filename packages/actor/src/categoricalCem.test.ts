import { describePrimitiveActions } from "@hjepa/contracts";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Box, Discrete, Rng } from "gymnasium-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categoricalCemPlanner } from "./categoricalCem.ts";
import {
  CORRIDOR_GOAL,
  CORRIDOR_HAZARD,
  CORRIDOR_MAP,
  CORRIDOR_START,
  gridFixture,
  replay,
  visited,
} from "./discreteSuite.ts";
import { countingModel, gridDistance } from "./testProblems.ts";

let grid: ReturnType<typeof gridFixture>;
beforeAll(async () => {
  await initTensors({ backend: "wasm" });
  grid = gridFixture(CORRIDOR_MAP, CORRIDOR_START, CORRIDOR_GOAL, CORRIDOR_HAZARD);
});
afterAll(() => grid.dispose());

const goalKey = CORRIDOR_GOAL.join(",");
const hazardKey = CORRIDOR_HAZARD.join(",");

describe("categorical-cem", () => {
  it("finds a shortest path on a grid latent (horizon = the oracle distance), for several seeds", async () => {
    expect(gridDistance(CORRIDOR_MAP, CORRIDOR_START, CORRIDOR_GOAL)).toBe(8);
    for (const seed of [1, 2, 3, 4]) {
      const plan = await withLeakCheck(() =>
        categoricalCemPlanner({ population: 200 }).plan(
          grid.request({ rng: new Rng(seed), budget: 200 * 5 * 8 }),
        ),
      );
      expect(plan.cost).toBe(0);
      expect(visited(plan).indexOf(goalKey)).toBe(7);
      expect(visited(plan)).toEqual(replay(plan, CORRIDOR_MAP, CORRIDOR_START));
    }
  });

  it("never selects a path through a hard-constraint hazard when a safe one exists", async () => {
    for (const seed of [1, 2, 3, 4]) {
      const plan = await withLeakCheck(() =>
        categoricalCemPlanner({ population: 200 }).plan(
          grid.request({ rng: new Rng(seed), budget: 8000, cost: grid.hazardCost() }),
        ),
      );
      expect(plan.stats.feasible).toBe(true);
      expect(visited(plan)).not.toContain(hazardKey);
      expect(plan.cost).toBe(0);
    }
  });

  it("honours the budget exactly, is seeded, and warm-starts from the shifted plan", () => {
    for (const budget of [800, 803, 5000]) {
      const counting = countingModel(grid.request().model);
      const plan = categoricalCemPlanner().plan(grid.request({ model: counting, budget }));
      expect(plan.stats.predictorCalls).toBe(5 * 8 * Math.floor(budget / 8 / 5));
      expect(counting.rows).toBe(plan.stats.predictorCalls);
      expect(counting.calls).toBe(5 * 8);
    }
    const a = categoricalCemPlanner().plan(grid.request({ budget: 800 }));
    const b = categoricalCemPlanner().plan(grid.request({ budget: 800 }));
    const c = categoricalCemPlanner().plan(grid.request({ budget: 800, rng: new Rng(9) }));
    expect(Array.from(b.actions)).toEqual(Array.from(a.actions));
    expect(Array.from(c.actions)).not.toEqual(Array.from(a.actions));

    // The warm start's mode is candidate 0: with all mass on it, one round returns it shifted.
    const best = categoricalCemPlanner({ population: 200 }).plan(grid.request({ budget: 8000 }));
    const next = categoricalCemPlanner({ iterations: 1, population: 2, warmStartMass: 1 }).plan(
      grid.request({ budget: 16, warmStart: best }),
    );
    expect(Array.from(next.actions)).toEqual([...best.actions.slice(1), best.actions[7]]);
    expect(() =>
      categoricalCemPlanner().plan(
        grid.request({ actions: describePrimitiveActions(new Box({ low: 0, high: 1, shape: [1] })) }),
      ),
    ).toThrow(/needs a Discrete action space/);
  });

  it("plans with the space's values when Discrete has a start offset", () => {
    // Actions {1, 2, 3, 4}: the model is told value - 1 is the move.
    const inner = grid.request().model;
    const shifted = {
      predict: (s: tf.Tensor2D, a: tf.Tensor2D) =>
        tf.tidy(() => inner.predict(s, tf.sub(a, 1) as tf.Tensor2D)),
    };
    const plan = categoricalCemPlanner({ population: 200 }).plan(
      grid.request({
        model: shifted,
        actions: describePrimitiveActions(new Discrete(4, { start: 1 })),
        budget: 8000,
      }),
    );
    expect(plan.cost).toBe(0);
    expect(Math.min(...plan.actions)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...plan.actions)).toBeLessThanOrEqual(4);
  });
});
