import type { LatentDescription } from "@hjepa/contracts";
import { Cost, classifierGuardrail, energyTerm } from "@hjepa/cost";
import { InputError } from "@hjepa/errors";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { beamPlanner } from "./beam.ts";
import { categoricalCemPlanner } from "./categoricalCem.ts";
import type { LatentPlanning } from "./latentFutures.ts";
import type { PlannerModel, PlanRequest } from "./types.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

const GUST = 0.3;

/**
 * A toy level with a latent: state [x, y], actions 0 (the shortcut along the edge: x + 1, and with chance GUST
 * the wind (z = 1) pushes y down by 1, into the hazard y < -0.5) and 1 (the safe path: x + 0.1). z is one-hot
 * over [calm, gust]; its prior is GUST for the shortcut and 0 for the safe path; without z: calm.
 */
function windyToy(calls = { rows: 0 }): PlannerModel {
  const latent: LatentDescription = { kind: "categorical", size: 2 };
  const shortcut = (a: tf.Tensor2D) => tf.sub(1, a);
  return {
    level: 1,
    latent,
    costPerCall: 1,
    predict: (s, a, z) =>
      tf.tidy(() => {
        calls.rows += s.shape[0];
        const short = shortcut(a);
        const dx = tf.add(short, tf.mul(a, 0.1));
        const gust = z ? tf.slice(z, [0, 1], [-1, 1]) : tf.zerosLike(dx);
        return tf.add(s, tf.concat([dx, tf.neg(tf.mul(short, gust))], 1)) as tf.Tensor2D;
      }),
    sampleLatent: (_s, a, uniform) =>
      tf.tidy(() => {
        const gust = tf.cast(
          tf.less(tf.slice(uniform, [0, 0], [-1, 1]), tf.mul(shortcut(a), GUST)),
          "float32",
        );
        return tf.concat([tf.sub(1, gust), gust], 1) as tf.Tensor2D;
      }),
    latentPrior: (_s, a) =>
      tf.tidy(() => {
        const gust = tf.mul(shortcut(a), GUST);
        return tf.concat([tf.sub(1, gust), gust], 1) as tf.Tensor2D;
      }),
  };
}

/**
 * Energy to the goal x = 1 after one step, and the hazard below y = -0.5 as a hard constraint with a tiny penalty (0.01)
 * (only the ranking offset: the average case weighs a fall like a cost of 3, so it takes a risk for a gain).
 */
function toyCost(): Cost {
  const hazard = (s: tf.Tensor2D) =>
    tf.tidy(
      () => tf.cast(tf.less(tf.reshape(tf.slice(s, [0, 1], [-1, 1]), [-1]), -0.5), "float32") as tf.Tensor1D,
    );
  return new Cost({
    terms: [energyTerm({ distance: "l2", reduce: "last" })],
    guardrails: [classifierGuardrail("hazard", hazard, { penalty: 0.01 })],
  });
}

function request(
  model: PlannerModel,
  latent: LatentPlanning | null,
  seed: number,
  budget = 256,
): PlanRequest {
  return {
    state: tf.tensor2d([0, 0], [1, 2]),
    goal: tf.tensor2d([1, 0], [1, 2]),
    model,
    cost: toyCost(),
    actions: { kind: "discrete", size: 1, n: 2, start: 0 },
    horizon: 1,
    budget,
    rng: new Rng(seed),
    latent,
  };
}

const latentCount = (latent: LatentPlanning | null) =>
  latent?.mode === "mean" ? 1 : latent?.mode === "adversarial" ? 2 : (latent?.samples ?? 1);

/** How often the plan's first action is the shortcut, over 40 seeded plans. */
async function shortcutRate(latent: LatentPlanning | null): Promise<number> {
  let shortcuts = 0;
  for (let seed = 0; seed < 40; seed++) {
    const req = request(windyToy(), latent, seed);
    const plan = await withLeakCheck(() =>
      categoricalCemPlanner({ population: 8, iterations: 4 }).plan({
        ...req,
        budget: 8 * 4 * latentCount(latent),
      }),
    );
    tf.dispose([req.state, req.goal]);
    if (plan.actions[0] === 0) shortcuts++;
  }
  return shortcuts / 40;
}

describe("planning over latent futures", () => {
  it("the most likely future takes the shortcut; the worst case never does; the average case often risks it", async () => {
    // The toy's numbers: the shortcut's energy is 0 calm and 1 + the ranking offset 2 in a gust (a fall); the safe
    // step's is 0.9. So the average case takes the shortcut when fewer than 30% of its futures have a gust (about
    // 60% of plans with 32 futures); the worst case never does (every plan has a gust among its 32 futures).
    const mean = await shortcutRate({ mode: "mean", samples: 1 });
    const worst = await shortcutRate({ mode: "worst", samples: 32 });
    const average = await shortcutRate({ mode: "sample", samples: 32 });
    expect(mean).toBe(1);
    expect(worst).toBe(0);
    expect(average).toBeGreaterThan(0.3);
    expect(average).toBeLessThan(0.9);
  });

  it("charges every future: M futures cost M predictor calls per candidate-step, within the same budget", () => {
    const calls = { rows: 0 };
    const req = request(windyToy(calls), { mode: "worst", samples: 8 }, 1, 256);
    const plan = categoricalCemPlanner({ population: 8, iterations: 4 }).plan(req);
    tf.dispose([req.state, req.goal]);
    expect(plan.stats.predictorCalls).toBe(8 * 4 * 8);
    expect(plan.stats.predictorCalls).toBeLessThanOrEqual(256);
    expect(calls.rows).toBe(plan.stats.predictorCalls);
    const sameBudget = { rows: 0 };
    const flat = request(windyToy(sameBudget), null, 1, 256);
    const one = categoricalCemPlanner({ iterations: 4 }).plan(flat);
    tf.dispose([flat.state, flat.goal]);
    // Without futures the same budget pays for 8 times the candidates.
    expect(one.stats.predictorCalls).toBe(256);
  });

  it("is seeded: the same rng gives the same plan and futures", () => {
    const plans = [0, 1].map(() => {
      const req = request(windyToy(), { mode: "sample", samples: 4 }, 5);
      const plan = categoricalCemPlanner({ population: 4, iterations: 2 }).plan(req);
      tf.dispose([req.state, req.goal]);
      return plan;
    });
    expect(Array.from(plans[0]?.predicted ?? [])).toEqual(Array.from(plans[1]?.predicted ?? []));
    expect(plans[0]?.cost).toBe(plans[1]?.cost);
  });

  it("the adversary never takes the shortcut, at 2 calls per candidate-step, and only picks plausible codes", async () => {
    // It predicts both codes and keeps the costlier: the gust (a fall) for the shortcut. The safe step's prior
    // gives the gust 0, so the adversary keeps it calm there (the safe step stays safe).
    expect(await shortcutRate({ mode: "adversarial", samples: 1 })).toBe(0);
    // With the bar above the gust's 30% the adversary sees only calm, like the most likely future.
    expect(await shortcutRate({ mode: "adversarial", samples: 1, plausible: 0.5 })).toBe(1);
    const calls = { rows: 0 };
    const req = request(windyToy(calls), { mode: "adversarial", samples: 1 }, 1, 256);
    const plan = categoricalCemPlanner({ population: 8, iterations: 4 }).plan(req);
    tf.dispose([req.state, req.goal]);
    expect(plan.stats.predictorCalls).toBe(8 * 4 * 2);
    expect(calls.rows).toBe(plan.stats.predictorCalls);
    expect(plan.actions[0]).toBe(1);
    expect(plan.stats.feasible).toBe(true);
  });

  it("refuses sampled futures on a level without a latent or with a planner that cannot sample them", () => {
    const plain: PlannerModel = { predict: (s) => tf.clone(s) };
    const req = request(plain, { mode: "worst", samples: 4 }, 0);
    expect(() => categoricalCemPlanner().plan(req)).toThrow(InputError);
    expect(() => categoricalCemPlanner().plan(req)).toThrow(/level 1's predictor takes none/);
    const beam = request(windyToy(), { mode: "sample", samples: 4 }, 0);
    expect(() => beamPlanner().plan(beam)).toThrow(/most likely latent only/);
    const noPrior = request(
      { ...windyToy(), latentPrior: undefined },
      { mode: "adversarial", samples: 1 },
      0,
    );
    expect(() => categoricalCemPlanner().plan(noPrior)).toThrow(/needs level 1's latentPrior/);
    tf.dispose([noPrior.state, noPrior.goal]);
    tf.dispose([req.state, req.goal, beam.state, beam.goal]);
  });
});
