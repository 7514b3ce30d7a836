import { describePrimitiveActions } from "@hjepa/contracts";
import { Cost, energyTerm, type Guardrail } from "@hjepa/cost";
import { InputError } from "@hjepa/errors";
import { Landmarks } from "@hjepa/memory";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Box, Discrete, Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { landmarkGraphPlanner } from "./landmarkGraph.ts";
import { GRID_MOVES, gridDistance } from "./testProblems.ts";
import type { PlannerModel, PlanRequest } from "./types.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

/** A maze with a dead end pointing at the goal: the straight line from start to goal crosses walls. */
const MAZE = ["#########", "#.......#", "#.#####.#", "#.#.#.#.#", "#.#.#.#.#", "#...#...#", "#########"];

/**
 * Landmarks on every free cell of `map` ([row, col]), with the moves a random walk of `steps` observed between
 * neighbouring free cells (never through a wall), each with its discrete action.
 */
function experience(map: string[], steps: number, seed: number): { landmarks: Landmarks; cells: number[][] } {
  const cells: number[][] = [];
  map.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) if (row[c] === ".") cells.push([r, c]);
  });
  const landmarks = Landmarks.fromRepresentations(cells.flat(), 2, 0.5, cells.length);
  const index = (r: number, c: number) => cells.findIndex(([y, x]) => y === r && x === c);
  const rng = new Rng(seed);
  let [r, c] = cells[0] as [number, number];
  for (let t = 0; t < steps; t++) {
    const a = rng.int(0, 4);
    const [dr, dc] = GRID_MOVES[a] as readonly [number, number];
    if (map[r + dr]?.[c + dc] !== ".") continue;
    landmarks.addTransition(index(r, c), index(r + dr, c + dc), [a]);
    [r, c] = [r + dr, c + dc];
  }
  return { landmarks, cells };
}

function request(
  landmarks: Landmarks | null,
  start: number[],
  goal: number[],
  extra: Partial<PlanRequest> = {},
): PlanRequest {
  return {
    state: tf.tensor2d([start], [1, start.length]),
    goal: tf.tensor2d([goal], [1, goal.length]),
    model: { predict: () => tf.tensor2d([[0, 0]]) },
    cost: new Cost({ terms: [energyTerm({ distance: "l2", reduce: "last" })] }),
    actions: describePrimitiveActions(new Discrete(4)),
    horizon: 30,
    budget: 1,
    rng: new Rng(0),
    landmarks,
    ...extra,
  };
}

describe("landmark-graph planner", () => {
  it("follows observed moves around the walls to the goal, in the fewest steps, calling no predictor", async () => {
    await withLeakCheck(() => {
      const { landmarks } = experience(MAZE, 4000, 1);
      const start = [3, 3];
      const goal = [3, 5];
      const req = request(landmarks, start, goal);
      const plan = landmarkGraphPlanner().plan(req);
      // Execute the plan's actions in the true maze.
      let [r, c] = start as [number, number];
      let steps = 0;
      for (const a of plan.actions) {
        if (r === goal[0] && c === goal[1]) break;
        const [dr, dc] = GRID_MOVES[a] as readonly [number, number];
        expect(MAZE[r + dr]?.[c + dc]).toBe(".");
        [r, c] = [r + dr, c + dc];
        steps += 1;
      }
      expect([r, c]).toEqual(goal);
      expect(steps).toBe(gridDistance(MAZE, [3, 3], [3, 5]));
      expect(plan.stats).toMatchObject({ predictorCalls: 0, costUnits: 0, iterations: 22, feasible: true });
      // Predicted states are the path's cells, one per step; past the end the goal holds.
      expect(Array.from(plan.predicted.subarray(0, 2))).toEqual([4, 3]);
      expect(Array.from(plan.predicted.subarray(29 * 2))).toEqual(goal);
      tf.dispose([req.state, req.goal]);
    });
  });

  it("straight waypoints: each predicted state ends a straight stretch of the path (corners)", async () => {
    await withLeakCheck(() => {
      const { landmarks } = experience(MAZE, 4000, 1);
      const req = request(landmarks, [3, 3], [3, 5], { horizon: 6 });
      const plan = landmarkGraphPlanner({ waypoints: "straight", tolerance: 0.1 }).plan(req);
      const corners = Array.from({ length: 6 }, (_, j) =>
        Array.from(plan.predicted.subarray(j * 2, j * 2 + 2)),
      );
      expect(corners).toEqual([
        [5, 3],
        [5, 1],
        [1, 1],
        [1, 7],
        [5, 7],
        [5, 5],
      ]);
      tf.dispose([req.state, req.goal]);
    });
  });

  it("reports where its path ends (closestAt), or -1 when the path goes on past the horizon", async () => {
    await withLeakCheck(() => {
      const { landmarks } = experience(MAZE, 4000, 1);
      // The path from (3, 3) to (3, 5) is 22 moves in 7 straight stretches.
      const closestAt = (horizon: number, options: Parameters<typeof landmarkGraphPlanner>[0] = {}) => {
        const req = request(landmarks, [3, 3], [3, 5], { horizon });
        const plan = landmarkGraphPlanner(options).plan(req);
        tf.dispose([req.state, req.goal]);
        return plan.closestAt;
      };
      expect(closestAt(30)).toBe(21);
      expect(closestAt(22)).toBe(21);
      expect(closestAt(21)).toBe(-1);
      const straight = { waypoints: "straight", tolerance: 0.1 } as const;
      expect(closestAt(8, straight)).toBe(6);
      expect(closestAt(7, straight)).toBe(6);
      expect(closestAt(6, straight)).toBe(-1);
      // At the goal already: the path ends at once.
      const req = request(landmarks, [3, 5], [3, 5], { horizon: 4 });
      expect(landmarkGraphPlanner().plan(req).closestAt).toBe(0);
      tf.dispose([req.state, req.goal]);
    });
  });

  it("never enters a landmark a hard constraint forbids: takes the long way round", async () => {
    await withLeakCheck(() => {
      // An open 3x5 room; the cell between start and goal is forbidden.
      const ROOM = ["#######", "#.....#", "#.....#", "#.....#", "#######"];
      const { landmarks } = experience(ROOM, 6000, 2);
      const forbidden: Guardrail = {
        name: "no-center",
        mode: "constraint",
        penalty: 100,
        violation: ({ states }) =>
          tf.tidy(() => {
            const [n] = states.shape;
            const s = tf.reshape(states, [n, 2]).arraySync() as number[][];
            return tf.tensor1d(s.map(([r, c]) => (r === 2 && c === 3 ? 1 : 0)));
          }),
      };
      const cost = new Cost({
        terms: [energyTerm({ distance: "l2", reduce: "last" })],
        guardrails: [forbidden],
      });
      const req = request(landmarks, [2, 2], [2, 4], { cost, horizon: 8 });
      const plan = landmarkGraphPlanner().plan(req);
      const path = Array.from({ length: plan.stats.iterations }, (_, j) =>
        Array.from(plan.predicted.subarray(j * 2, j * 2 + 2)),
      );
      expect(path).not.toContainEqual([2, 3]);
      expect(path.at(-1)).toEqual([2, 4]);
      expect(path).toHaveLength(4);
      tf.dispose([req.state, req.goal]);
    });
  });

  it("above level 1, a predicted state is `stride` steps along and its action the level's encoding of them", async () => {
    await withLeakCheck(() => {
      const landmarks = new Landmarks(1, 0.5);
      for (let x = 0; x <= 6; x++) landmarks.add([x]);
      for (let x = 0; x < 6; x++) landmarks.addTransition(x, x + 1, [x + 1]);
      const model: PlannerModel = {
        level: 2,
        stride: 2,
        costPerCall: 3,
        predict: () => {
          throw new Error("landmark-graph calls no predictor");
        },
        // The toy macro-action: the sum of the chunk's primitive actions.
        encodeActions: (primitive) => tf.sum(primitive, 1) as tf.Tensor2D,
      };
      const req = request(landmarks, [0], [6], {
        model,
        horizon: 4,
        actions: describePrimitiveActions(new Box({ low: -10, high: 10, shape: [1] })),
      });
      const plan = landmarkGraphPlanner().plan(req);
      expect(Array.from(plan.predicted)).toEqual([2, 4, 6, 6]);
      // Steps 1+2, 3+4, 5+6, then the last action repeated.
      expect(Array.from(plan.actions)).toEqual([3, 7, 11, 12]);
      expect(plan.stats.level).toBe(2);
      tf.dispose([req.state, req.goal]);
    });
  });

  it("without observed transitions, says what to configure", () => {
    const bare = new Landmarks(2, 0.5);
    bare.add([0, 0]);
    const req = request(bare, [0, 0], [1, 1]);
    expect(() => landmarkGraphPlanner().plan(req)).toThrow(InputError);
    expect(() => landmarkGraphPlanner().plan(req)).toThrow(/agent\.landmarks\.transitions/);
    tf.dispose([req.state, req.goal]);
  });
});
