import { describePrimitiveActions } from "@hjepa/contracts";
import { Cost, energyTerm } from "@hjepa/cost";
import { tf, withLeakCheck } from "@hjepa/tensor";
import { Box, Discrete, Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { continuousPlannerSuite } from "./continuousSuite.ts";
import { gradientPlanner } from "./gradient.ts";
import { countingModel, linearModel, oneStepProblem } from "./testProblems.ts";

/** Restarts and steps the default gradient planner (8 restarts) affords. */
function affordable(budget: number, h: number): { r: number; steps: number } {
  const r = Math.min(8, Math.floor(budget / (3 * h)));
  return { r, steps: Math.floor((budget - r * h) / (2 * r * h)) };
}

describe("gradient", () => {
  continuousPlannerSuite({
    make: (o) => gradientPlanner(o),
    oneStep: {
      options: { restarts: 4, lr: 0.05 },
      budget: 4 * 4 * (2 * 150 + 1),
      firstTol: 0.01,
      allTol: 0.02,
    },
    quadratic: { options: { restarts: 2, lr: 0.05 }, budget: 3 * 2 * (2 * 300 + 1), tol: 0.01 },
    // Forward and backward count the same: (2 steps + 1 final scoring) x restarts x H.
    usedFor: (budget, h) => {
      const { r, steps } = affordable(budget, h);
      return (2 * steps + 1) * r * h;
    },
  });

  it("counts a backward pass as many predictor calls as its forward pass", async () => {
    const p = oneStepProblem();
    const model = linearModel(p.A, p.B);
    const counting = countingModel(model);
    const [s0, g] = [tf.tensor2d([p.s0]), tf.tensor2d([p.goal])];
    const request = {
      model: counting,
      state: s0,
      goal: g,
      cost: new Cost({ terms: [energyTerm({ reduce: "sum" })] }),
      actions: describePrimitiveActions(new Box({ low: -1, high: 1, shape: [2] })),
      horizon: 4,
      budget: 1000,
      rng: new Rng(1),
    };
    const plan = await withLeakCheck(() => gradientPlanner({ restarts: 3, steps: 5 }).plan(request));
    // 5 steps x (forward + backward) + the final scoring, each 3 restarts x 4 steps.
    expect(plan.stats.predictorCalls).toBe((2 * 5 + 1) * 3 * 4);
    expect(counting.rows).toBe((5 + 1) * 3 * 4);
    expect(plan.stats.iterations).toBe(5);
    expect(() =>
      gradientPlanner().plan({ ...request, actions: describePrimitiveActions(new Discrete(4)) }),
    ).toThrow(/needs a Box/);
    tf.dispose([s0, g]);
    model.dispose();
  });
});
