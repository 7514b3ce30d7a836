import { describePrimitiveActions } from "@hjepa/contracts";
/**
 * Shared test fixtures for discrete planners on a grid "latent" (states are cell coordinates).
 *
 * The trap: a wall between start and goal, so the greedy direction is wrong (moving toward the goal bumps
 * into the wall, a local optimum at distance 2) and the shortest path is a detour of 8 moves, left or right.
 *
 *   row 0  . . . G . . .      G = goal (0, 3)
 *   row 1  . # # # # # .
 *   row 2  . . . S . . .      S = start (2, 3)
 *
 * The corridor: a short wall in a 4 x 8 grid; every shortest path (8 moves, 3 up and 5 right) that does not
 * cross the wall reaches the goal (0, 5) from (3, 0).
 */
import { Cost, classifierGuardrail, energyTerm } from "@hjepa/cost";
import { tf } from "@hjepa/tensor";
import { Discrete, Rng } from "gymnasium-js";
import { GRID_MOVES, gridModel } from "./testProblems.ts";
import type { PlanRequest, PlanResult } from "./types.ts";

export const TRAP_MAP = [".......", ".#####.", "......."];
export const TRAP_START: [number, number] = [2, 3];
export const TRAP_GOAL: [number, number] = [0, 3];
/** The cell on the trap's left detour that the hazard guardrail forbids. */
export const HAZARD_CELL: [number, number] = [1, 0];

export const CORRIDOR_MAP = ["........", "..#.....", "..#.....", "........"];
export const CORRIDOR_START: [number, number] = [3, 0];
export const CORRIDOR_GOAL: [number, number] = [0, 5];
/** A cell on half of the corridor's shortest paths. */
export const CORRIDOR_HAZARD: [number, number] = [3, 3];

export interface GridFixture {
  request(extra?: Partial<PlanRequest>): PlanRequest;
  /** A hard-constraint guardrail: probability ~1 at HAZARD_CELL, ~0 elsewhere. */
  hazardCost(mode?: "constraint" | "penalty"): Cost;
  dispose(): void;
}

export function gridFixture(
  map = TRAP_MAP,
  start = TRAP_START,
  target = TRAP_GOAL,
  hazardCell = HAZARD_CELL,
): GridFixture {
  const model = gridModel(map);
  const state = tf.tensor2d([start]);
  const goal = tf.tensor2d([target]);
  const hazard = tf.tensor2d([hazardCell]);
  const classifier = (s: tf.Tensor2D) =>
    tf.tidy(() => tf.exp(tf.mul(tf.sum(tf.square(tf.sub(s, hazard)), 1), -10)) as tf.Tensor1D);
  return {
    request: (extra = {}) => ({
      state,
      goal,
      model,
      cost: new Cost({ terms: [energyTerm({ distance: "l1", reduce: "last" })] }),
      actions: describePrimitiveActions(new Discrete(4)),
      horizon: 8,
      budget: 100_000,
      rng: new Rng(1),
      ...extra,
    }),
    hazardCost: (mode = "constraint") =>
      new Cost({
        terms: [energyTerm({ distance: "l1", reduce: "last" })],
        guardrails: [classifierGuardrail("hazard", classifier, { mode })],
      }),
    dispose: () => {
      model.dispose();
      tf.dispose([state, goal, hazard]);
    },
  };
}

/** The cells a plan visits, start excluded, as "r,c" strings (from its predicted states). */
export function visited(plan: PlanResult): string[] {
  return Array.from(
    { length: plan.horizon },
    (_, t) => `${plan.predicted[2 * t]},${plan.predicted[2 * t + 1]}`,
  );
}

/** Replays a plan's actions on the map from `start`, checking they give the predicted cells. */
export function replay(plan: PlanResult, map: string[], start: [number, number]): string[] {
  const cells: string[] = [];
  let [r, c] = start;
  for (let t = 0; t < plan.horizon; t++) {
    const [dr, dc] = GRID_MOVES[plan.actions[t] as number] as readonly [number, number];
    const free = map[r + dr]?.[c + dc] === ".";
    if (free) [r, c] = [r + dr, c + dc];
    cells.push(`${r},${c}`);
  }
  return cells;
}
