import { describePrimitiveActions } from "@hjepa/contracts";
import { Cost, energyTerm } from "@hjepa/cost";
import { tf } from "@hjepa/tensor";
import { Box, Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { continuousPlannerSuite } from "./continuousSuite.ts";
import { mppiPlanner } from "./mppi.ts";
import { linearModel, oneStepProblem } from "./testProblems.ts";

// Sixteen updates with the noise shrinking by 0.85 each: MPPI's average converges as the noise does.
const annealed = { iterations: 16, sigma: 0.3, sigmaDecay: 0.85, lambda: 0.003 };

describe("mppi", () => {
  continuousPlannerSuite({
    make: (o) => mppiPlanner(o),
    oneStep: { options: annealed, budget: 4 * 4000, firstTol: 0.02, allTol: 0.05 },
    quadratic: { options: annealed, budget: 3 * 4000, tol: 0.03 },
    small: { iterations: 3 },
    // Three updates of floor((floor(budget / H) - 1) / 3) samples, then one rollout of the mean.
    usedFor: (budget, h) => (3 * Math.floor((Math.floor(budget / h) - 1) / 3) + 1) * h,
  });

  it("returns the final mean (rolled out once more), or the best sample with select: best", () => {
    const p = oneStepProblem();
    const model = linearModel(p.A, p.B);
    const [s0, g] = [tf.tensor2d([p.s0]), tf.tensor2d([p.goal])];
    const request = {
      model,
      state: s0,
      goal: g,
      cost: new Cost({ terms: [energyTerm({ reduce: "sum" })] }),
      actions: describePrimitiveActions(new Box({ low: -1, high: 1, shape: [2] })),
      horizon: 4,
      budget: 4 * 201,
      rng: new Rng(1),
    };
    const mean = mppiPlanner({ iterations: 2, lambda: 1 }).plan(request);
    expect(mean.stats.predictorCalls).toBe(4 * 201);
    const best = mppiPlanner({ iterations: 2, lambda: 1, select: "best" }).plan({
      ...request,
      rng: new Rng(1),
    });
    expect(best.stats.predictorCalls).toBe(4 * 200);
    // A hot temperature averages many samples, so the mean is not the best single sample.
    expect(Array.from(mean.actions)).not.toEqual(Array.from(best.actions));
    tf.dispose([s0, g]);
    model.dispose();
  });
});
