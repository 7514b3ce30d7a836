import { describePrimitiveActions } from "@hjepa/contracts";
import { Cost, energyTerm } from "@hjepa/cost";
import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import { Box, Discrete, Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { cemPlanner } from "./cem.ts";
import { continuousPlannerSuite } from "./continuousSuite.ts";
import { PlannerOptionError } from "./plannerOptions.ts";
import { linearModel, oneStepProblem } from "./testProblems.ts";

describe("cem", () => {
  continuousPlannerSuite({
    make: (o) => cemPlanner(o),
    oneStep: { options: { iterations: 10, minStd: 0.01 }, budget: 4 * 2000, firstTol: 0.04, allTol: 0.08 },
    quadratic: { options: { iterations: 10, minStd: 0.01 }, budget: 3 * 3000, tol: 0.01 },
    small: { iterations: 3 },
    // Three rounds of floor(floor(budget / H) / 3) candidates.
    usedFor: (budget, h) => 3 * h * Math.floor(Math.floor(budget / h) / 3),
  });

  it("starts from the previous plan shifted by one step (last action repeated)", () => {
    const p = oneStepProblem();
    const model = linearModel(p.A, p.B);
    const [s0, g] = [tf.tensor2d([p.s0]), tf.tensor2d([p.goal])];
    const base = {
      model,
      goal: g,
      cost: new Cost({ terms: [energyTerm({ reduce: "sum" })] }),
      actions: describePrimitiveActions(new Box({ low: -1, high: 1, shape: [2] })),
      horizon: 4,
      rng: new Rng(1),
    };
    const first = cemPlanner({ iterations: 8 }).plan({ ...base, state: s0, budget: 8000 });
    // From the goal, one round of 2 candidates: the shifted warm start (candidate 0) is already optimal.
    const next = cemPlanner({ iterations: 1, population: 2 }).plan({
      ...base,
      state: g,
      budget: 8,
      warmStart: first,
    });
    expect(Array.from(next.actions)).toEqual([...first.actions.slice(2), ...first.actions.slice(6)]);
    const discrete = () =>
      cemPlanner().plan({
        ...base,
        state: s0,
        budget: 800,
        actions: describePrimitiveActions(new Discrete(4)),
      });
    expect(discrete).toThrow(InputError);
    expect(discrete).toThrow(/needs a Box action space/);
    expect(() => cemPlanner({ elites: 2.5 })).toThrow(PlannerOptionError);
    expect(() => cemPlanner({ elites: 2.5 })).toThrow(
      "cem: elites must be a fraction in (0, 1) or a positive integer (got 2.5)",
    );
    expect(() => cemPlanner({ iteration: 2 } as never)).toThrow(PlannerOptionError);
    expect(() => cemPlanner({ iteration: 2 } as never)).toThrow(
      /cem: iteration is not an option of cem; expected one of iterations,/,
    );
    // A config check names the field from these, without reading the message.
    const e = (() => {
      try {
        cemPlanner({ population: 1 });
      } catch (err) {
        return err;
      }
    })();
    expect(e).toMatchObject({ planner: "cem", option: "population", rule: "must be an integer >= 2" });
    tf.dispose([s0, g]);
    model.dispose();
  });
});
