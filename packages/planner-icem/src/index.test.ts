import { makePlanner, type PlannerModel, type PlanRequest, plannerRegistry } from "@hjepa/actor";
import { describePrimitiveActions } from "@hjepa/contracts";
import { Cost, energyTerm } from "@hjepa/cost";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Box, Rng } from "gymnasium-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./index.ts";

// A toy world model, s' = s + a: the goal (0.5, -0.5) is one step from the origin.
const model: PlannerModel = { predict: (s, a) => tf.add(s, a) as tf.Tensor2D };
let state: tf.Tensor2D;
let goal: tf.Tensor2D;

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
  state = tf.tensor2d([[0, 0]]);
  goal = tf.tensor2d([[0.5, -0.5]]);
});
afterAll(() => tf.dispose([state, goal]));

const request = (seed: number, budget = 200): PlanRequest => ({
  state,
  goal,
  model,
  cost: new Cost({ terms: [energyTerm({ distance: "l2", reduce: "last" })] }),
  actions: describePrimitiveActions(new Box({ low: -1, high: 1, shape: [2] })),
  horizon: 1,
  budget,
  rng: new Rng(seed),
});

describe("icem", () => {
  it("is registered by name with its option schema", () => {
    expect(plannerRegistry.has("icem")).toBe(true);
    expect(() => makePlanner("icem", { unknownOption: 1 })).toThrow(/unknownOption is not an option/);
  });

  it("plans toward the goal within its budget, the same plan for the same seed", async () => {
    const planner = makePlanner("icem");
    const plan = await withLeakCheck(() => planner.plan(request(1)));
    expect(plan.stats.costUnits).toBeLessThanOrEqual(200);
    expect(plan.cost).toBeLessThan(0.2);
    expect(Array.from(planner.plan(request(1)).actions)).toEqual(Array.from(plan.actions));
    expect(() => planner.plan(request(1, 1))).toThrow(/budget 1 is too small/);
  });
});
