import { describePrimitiveActions } from "@hjepa/contracts";
import { Cost, energyTerm } from "@hjepa/cost";
import { Landmarks } from "@hjepa/memory";
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
        actions: describePrimitiveActions(new Discrete(4)),
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

  it("with landmarks, snaps drifting imagined states back to real cells and still finds the 22-move path", async () => {
    await withLeakCheck(() => {
      const grid = gridModel(MAZE);
      // Every imagined step drifts by +0.2 in both coordinates and the drift accumulates, as a learned
      // model's errors do: after three steps the model no longer knows which cell it is in.
      const drifting = countingModel({
        predict: (s, a) =>
          tf.tidy(() => {
            const moved = grid.predict(s, a);
            return tf.add(tf.add(moved, tf.sub(s, tf.round(s))), 0.2) as tf.Tensor2D;
          }),
      });
      const cells: number[] = [];
      MAZE.forEach((row, r) => {
        for (let c = 0; c < row.length; c++) if (row[c] !== "#") cells.push(r, c);
      });
      const landmarks = Landmarks.fromRepresentations(cells, 2, 0.5);
      const start: [number, number] = [3, 3];
      const goal: [number, number] = [3, 5];
      const cost = new Cost({ terms: [energyTerm({ distance: "l2", reduce: "last" })] });
      const state = tf.tensor2d([start], [1, 2]);
      const goalT = tf.tensor2d([goal], [1, 2]);
      const follow = (actions: Float32Array): [number, number] => {
        let [r, c] = start;
        for (const a of actions) {
          if (r === goal[0] && c === goal[1]) break;
          const [dr, dc] = GRID_MOVES[a] as readonly [number, number];
          if (MAZE[r + dr]?.[c + dc] !== "#") [r, c] = [r + dr, c + dc];
        }
        return [r, c];
      };
      const request = {
        state,
        goal: goalT,
        model: drifting,
        cost,
        actions: describePrimitiveActions(new Discrete(4)),
        horizon: 30,
        budget: 400,
        rng: new Rng(0),
      };
      const snapped = graphPlanner({ width: 64 }).plan({ ...request, landmarks });
      expect(follow(snapped.actions)).toEqual(goal);
      expect(snapped.stats.iterations).toBe(22);
      expect(Array.from(snapped.predicted.subarray(21 * 2, 22 * 2))).toEqual(goal);
      expect(drifting.rows).toBe(snapped.stats.predictorCalls);
      expect(snapped.stats.predictorCalls).toBeLessThanOrEqual(400);
      // Without landmarks the same model loses track of the cells and the plan misses the goal.
      const adrift = graphPlanner({ width: 64 }).plan(request);
      expect(follow(adrift.actions)).not.toEqual(goal);
      expect(() => graphPlanner().plan({ ...request, landmarks: new Landmarks(3, 0.5) })).toThrow(
        /landmarks have dimension 3, representations 2/,
      );
      tf.dispose([state, goalT]);
      grid.dispose();
    });
  });
});
