import { Cost, energyTerm } from "@hjepa/cost";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Discrete, Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { graphPlanner } from "./graph.ts";
import { countingModel, GRID_MOVES, gridDistance, gridModel } from "./testProblems.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

/** A maze with a dead end pointing at the goal: greedy search walks into it. */
const MAZE = ["#########", "#.......#", "#.#####.#", "#.#.#.#.#", "#.#.#.#.#", "#...#...#", "#########"];

describe("graph planner", () => {
  it("finds a shortest path through a maze whose greedy direction is a dead end, within the budget", async () => {
    await withLeakCheck(() => {
      const grid = gridModel(MAZE);
      const model = countingModel(grid);
      const start: [number, number] = [3, 3];
      const goal: [number, number] = [3, 5];
      const cost = new Cost({ terms: [energyTerm({ distance: "l2", reduce: "last" })] });
      const state = tf.tensor2d([start], [1, 2]);
      const goalT = tf.tensor2d([goal], [1, 2]);
      const plan = graphPlanner({ width: 64 }).plan({
        state,
        goal: goalT,
        model,
        cost,
        actionSpace: new Discrete(4),
        horizon: 30,
        budget: 400,
        rng: new Rng(0),
      });
      // Follow the plan in the true grid until the goal.
      let [r, c] = start;
      let steps = 0;
      for (const a of plan.actions) {
        if (r === goal[0] && c === goal[1]) break;
        const [dr, dc] = GRID_MOVES[a] as readonly [number, number];
        if (MAZE[r + dr]?.[c + dc] !== "#") [r, c] = [r + dr, c + dc];
        steps += 1;
      }
      expect([r, c]).toEqual(goal);
      // The goal is two cells away as the crow flies, 22 moves around the walls.
      expect(gridDistance(MAZE, start, goal)).toBe(22);
      expect(steps).toBe(22);
      expect(plan.stats.predictorCalls).toBeLessThanOrEqual(400);
      expect(model.rows).toBe(plan.stats.predictorCalls);
      tf.dispose([state, goalT]);
      grid.dispose();
    });
  });
});
