import { describePrimitiveActions } from "@hjepa/contracts";
/**
 * The shared test suite every continuous planner passes (imported by its `.test.ts`): analytic optima,
 * exact budget accounting, seeding, hard constraints, no tensor leaks.
 */
import { actionBoundGuardrail, Cost, effortTerm, energyTerm } from "@hjepa/cost";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Box, Rng } from "gymnasium-js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { countingModel, linearModel, minimumEnergyActions, oneStepProblem } from "./testProblems.ts";
import type { Planner, PlanRequest } from "./types.ts";

export interface ContinuousSuiteSettings {
  /** Builds the planner under test with extra options. */
  make: (options?: Record<string, unknown>) => Planner;
  /** Options and budget for the one-step problem (horizon 4). */
  oneStep: { options?: Record<string, unknown>; budget: number; firstTol: number; allTol: number };
  /** Options and budget for the quadratic problem (horizon 3). */
  quadratic: { options?: Record<string, unknown>; budget: number; tol: number };
  /** Predictor calls (rows) a plan uses for a budget, for the exact-accounting check. */
  usedFor: (budget: number, horizon: number) => number;
  /** Options of the cheap runs (budget, seeding, constraint checks). */
  small?: Record<string, unknown>;
}

export const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number =>
  Math.max(...Array.from(a, (v, i) => Math.abs(v - (b[i] as number))));

export function continuousPlannerSuite(s: ContinuousSuiteSettings): void {
  const p = oneStepProblem();
  let model: ReturnType<typeof linearModel>;
  let state: tf.Tensor2D;
  let goal: tf.Tensor2D;
  const box = new Box({ low: -1, high: 1, shape: [2] });

  beforeAll(async () => {
    await initTensors({ backend: "wasm" });
    model = linearModel(p.A, p.B);
    state = tf.tensor2d([p.s0]);
    goal = tf.tensor2d([p.goal]);
  });
  afterAll(() => {
    model.dispose();
    tf.dispose([state, goal]);
  });

  const request = (extra: Partial<PlanRequest> = {}): PlanRequest => ({
    state,
    goal,
    model,
    cost: new Cost({ terms: [energyTerm({ distance: "l2", reduce: "sum" })] }),
    actions: describePrimitiveActions(box),
    horizon: 4,
    budget: 4 * 400,
    rng: new Rng(1),
    ...extra,
  });

  it("finds the unique optimum when the goal is one step away: [a*, hold, hold, hold]", async () => {
    const { options, budget, firstTol, allTol } = s.oneStep;
    const plan = await withLeakCheck(() => s.make(options).plan(request({ budget })));
    const optimum = [...p.aStar, ...p.aHold, ...p.aHold, ...p.aHold];
    expect(maxDiff(plan.actions.slice(0, 2), p.aStar)).toBeLessThan(firstTol);
    expect(maxDiff(plan.actions, optimum)).toBeLessThan(allTol);
    expect(maxDiff(plan.predicted.slice(6, 8), p.goal)).toBeLessThan(2 * allTol);
  });

  it("matches the closed-form minimum-energy controls of a quadratic cost", async () => {
    const rho = 0.1;
    const target = [1, 0];
    const goal2 = tf.tensor2d([target]);
    const exact = minimumEnergyActions(p.A, p.B, p.s0, target, 3, rho);
    const cost = new Cost({ terms: [energyTerm({ distance: "l2sq" }), effortTerm({ weight: rho })] });
    const { options, budget, tol } = s.quadratic;
    const plan = await withLeakCheck(() =>
      s.make(options).plan(request({ goal: goal2, cost, horizon: 3, budget })),
    );
    goal2.dispose();
    expect(maxDiff(plan.actions, exact)).toBeLessThan(tol);
  });

  it("honours the budget exactly and batches: one predictor call per horizon step", () => {
    for (const budget of [4 * 100, 4 * 100 + 3, 999]) {
      const counting = countingModel(model);
      const plan = s.make(s.small).plan(request({ model: counting, budget }));
      expect(plan.stats.predictorCalls).toBeLessThanOrEqual(budget);
      expect(plan.stats.predictorCalls).toBe(s.usedFor(budget, 4));
      // Every call carries a whole batch of candidates: calls are a multiple of the horizon.
      expect(counting.calls % 4).toBe(0);
      expect(counting.rows).toBeLessThanOrEqual(plan.stats.predictorCalls);
    }
    expect(() => s.make(s.small).plan(request({ budget: 7 }))).toThrow(/budget 7 is too small/);
  });

  it("gives the same plan for the same seed, another for another seed", () => {
    const planner = s.make(s.small);
    const a = planner.plan(request());
    const b = planner.plan(request());
    const c = planner.plan(request({ rng: new Rng(2) }));
    expect(Array.from(b.actions)).toEqual(Array.from(a.actions));
    expect(Array.from(b.predicted)).toEqual(Array.from(a.predicted));
    expect(Array.from(c.actions)).not.toEqual(Array.from(a.actions));
  });

  it("never selects a candidate that violates a hard constraint when a feasible one exists", async () => {
    // The optimum needs a_0 = 0.6 on the first dimension; the constraint allows |a_0| <= 0.3 only.
    const cost = new Cost({
      terms: [energyTerm({ distance: "l2", reduce: "sum" })],
      guardrails: [actionBoundGuardrail([-0.3, -1], [0.3, 1])],
    });
    for (const seed of [1, 2, 3]) {
      const plan = await withLeakCheck(() => s.make(s.small).plan(request({ cost, rng: new Rng(seed) })));
      expect(plan.stats.feasible).toBe(true);
      for (let t = 0; t < 4; t++)
        expect(Math.abs(plan.actions[t * 2] as number)).toBeLessThanOrEqual(0.3 + 1e-6);
    }
  });

  it("refuses bad requests, naming what was wrong", () => {
    expect(() => s.make(s.small).plan(request({ horizon: 0 }))).toThrow(/horizon must be a positive integer/);
    const wrongGoal = tf.zeros([1, 3]) as tf.Tensor2D;
    expect(() => s.make(s.small).plan(request({ goal: wrongGoal }))).toThrow(/goal must be \[1, 2\]/);
    wrongGoal.dispose();
  });
}
