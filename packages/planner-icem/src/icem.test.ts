import { cemPlanner, type PlannerModel, type PlanRequest } from "@hjepa/actor";
import { continuousPlannerSuite, linearModel, oneStepProblem } from "@hjepa/actor/testing";
import { describePrimitiveActions } from "@hjepa/contracts";
import { Cost, energyTerm } from "@hjepa/cost";
import { InputError } from "@hjepa/errors";
import { initTensors, tf } from "@hjepa/tensor";
import { Box, Rng } from "gymnasium-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IcemPlanResult, icemPlanner, icemPopulations } from "./icem.ts";

describe("icem", () => {
  continuousPlannerSuite({
    make: (o) => icemPlanner(o),
    // Twice cem's budget: brown noise favours smooth sequences, and this optimum jumps after its first step.
    oneStep: { options: { iterations: 10, minStd: 0.01 }, budget: 4 * 4000, firstTol: 0.04, allTol: 0.08 },
    quadratic: { options: { iterations: 15, minStd: 0.01 }, budget: 3 * 3000, tol: 0.01 },
    small: { iterations: 3 },
    usedFor: (budget, h) =>
      h * icemPopulations(Math.floor(budget / h), 3, 0.1, 1.25).reduce((a, b) => a + b, 0),
  });
});

describe("icemPopulations", () => {
  it("shrinks by the decay and spends as much of the budget as the series allows", () => {
    // 100 rollouts, 3 iterations: 41 + floor(41 / 1.25) + floor(41 / 1.5625) = 41 + 32 + 26 = 99 (42 needs 101).
    expect(icemPopulations(100, 3, 0.1, 1.25)).toEqual([41, 32, 26]);
    // Never below twice the elites: 5 elites of 50 keep every iteration at >= 10.
    expect(icemPopulations(1000, 4, 5, 4, 50)).toEqual([50, 12, 10, 10]);
    // A given population runs as many iterations as the budget pays for.
    expect(icemPopulations(70, 3, 0.1, 1.25, 40)).toEqual([40]);
    expect(icemPopulations(5, 3, 0.1, 1.25)).toEqual([]);
  });
});

describe("icem plans", () => {
  const p = oneStepProblem();
  let model: ReturnType<typeof linearModel>;
  let s0: tf.Tensor2D;
  let goal: tf.Tensor2D;
  beforeAll(async () => {
    await initTensors({ backend: "wasm" });
    model = linearModel(p.A, p.B);
    s0 = tf.tensor2d([p.s0]);
    goal = tf.tensor2d([p.goal]);
  });
  afterAll(() => {
    model.dispose();
    tf.dispose([s0, goal]);
  });

  /** Records every predictor call's actions `[N, k]`. */
  const recording = () => {
    const calls: Float32Array[] = [];
    const m: PlannerModel = {
      predict: (s, a) => {
        calls.push(a.dataSync().slice() as Float32Array);
        return model.predict(s, a);
      },
    };
    return { m, calls };
  };
  const request = (extra: Partial<PlanRequest> = {}): PlanRequest => ({
    state: s0,
    goal,
    model,
    cost: new Cost({ terms: [energyTerm({ distance: "l2", reduce: "sum" })] }),
    actions: describePrimitiveActions(new Box({ low: -1, high: 1, shape: [2] })),
    horizon: 4,
    budget: 400,
    rng: new Rng(1),
    ...extra,
  });

  it("charges exactly the decaying populations, one batched call per step", () => {
    const { m, calls } = recording();
    const plan = icemPlanner().plan(request({ model: m }));
    // 100 rollouts of 4 steps: populations 41, 32, 26 (see icemPopulations).
    expect(calls.map((a) => a.length / 2)).toEqual([41, 41, 41, 41, 32, 32, 32, 32, 26, 26, 26, 26]);
    expect(plan.stats).toMatchObject({ predictorCalls: 396, costUnits: 396, iterations: 3 });
    // At 2.5 cost units per call the same budget pays for 160 candidate-steps: 17 + 13 + 10 = 40 rollouts.
    const costly = icemPlanner().plan(request({ model: { ...m, costPerCall: 2.5 } }));
    expect(costly.stats.costUnits).toBe(2.5 * 4 * 40);
    expect(() => icemPlanner().plan(request({ budget: 20 }))).toThrow(InputError);
    expect(() => icemPlanner().plan(request({ budget: 20 }))).toThrow(
      /icem: budget 20 is too small for horizon 4/,
    );
  });

  it("starts the next plan from this plan's mean and elites shifted by one step", () => {
    const first = icemPlanner().plan(request({ budget: 4000 }));
    const { elites } = first.icem;
    const nElites = Math.ceil(0.1 * (icemPopulations(1000, 3, 0.1, 1.25)[0] as number));
    expect(elites.length).toBe(nElites * 8);
    const { m, calls } = recording();
    // One iteration of 4: 3 shifted elites (all the kept ones), then the shifted mean.
    const options = { iterations: 1, population: 4, elites: 3, keepElites: 1 };
    icemPlanner(options).plan(request({ state: goal, model: m, budget: 16, warmStart: first }));
    const firstStep = calls[0] as Float32Array;
    for (let e = 0; e < 3; e++)
      expect(Array.from(firstStep.slice(2 * e, 2 * e + 2))).toEqual(
        Array.from(elites.slice(8 * e + 2, 8 * e + 4)),
      );
    expect(Array.from(firstStep.slice(6, 8))).toEqual(Array.from(first.icem.mean.slice(2, 4)));
  });

  it("takes another planner's plan as its starting mean", () => {
    const other = cemPlanner({ iterations: 2 }).plan(request());
    const { m, calls } = recording();
    const next = icemPlanner({ iterations: 1, population: 2 }).plan(
      request({ model: m, budget: 8, warmStart: other }),
    );
    expect(Array.from((calls[0] as Float32Array).slice(0, 2))).toEqual(Array.from(other.actions.slice(2, 4)));
    expect((next as IcemPlanResult).icem.elites.length).toBe(8);
  });
});
