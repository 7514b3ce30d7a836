import { makePlanner, type Planner, type PlanResult } from "@hjepa/actor";
import type { ActionDescription, WorldModel, WorldModelLevel } from "@hjepa/contracts";
import { Cost, energyTerm } from "@hjepa/cost";
import { InputError } from "@hjepa/errors";
import { EpisodeMemory } from "@hjepa/memory";
import { expectNoLeaks, initTensors, tf } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { Hierarchy, reachedWithin, reachesWithinFirst } from "./hierarchy.ts";
import type { AgentParts, LevelSettings, PlanSettings } from "./settings.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

/** A plan of `predicted` states (one `[d]` row per step) for the near-goal rule. */
function planOf(predicted: number[][]): PlanResult {
  const d = (predicted[0] as number[]).length;
  return {
    actions: new Float32Array(predicted.length * 2),
    predicted: Float32Array.from(predicted.flat()),
    cost: 0,
    horizon: predicted.length,
    actionDim: 2,
    dim: d,
    stats: { level: 2, predictorCalls: 0, costUnits: 0, iterations: 0, ms: 0, feasible: true },
  };
}

/** A plan whose macro-steps come closer to the goal (3, 0) one by one, reaching it at the last. */
const APPROACH = planOf([
  [1, 0],
  [2, 0],
  [3, 0],
]);

describe("reachesWithinFirst (the near-goal rule first-step)", () => {
  const goal = Float32Array.of(3, 0);

  it("is false while later macro-steps come closer to the goal, true once the first one is the closest", () => {
    const approach = APPROACH;
    expect(reachesWithinFirst(approach, goal, 0, 0.05)).toBe(false);
    expect(reachesWithinFirst(approach, goal, 1, 0.05)).toBe(false);
    // Counted from the macro-step in progress: at the last one, the goal is within it.
    expect(reachesWithinFirst(approach, goal, 2, 0.05)).toBe(true);
    // Past the plan's end, the last predicted state is the one in progress.
    expect(reachesWithinFirst(approach, goal, 7, 0.05)).toBe(true);
    const overshoot = planOf([
      [3, 0],
      [4, 0],
      [5, 0],
    ]);
    expect(reachesWithinFirst(overshoot, goal, 0, 0)).toBe(true);
  });

  it("allows the first state to be `1 + tolerance` times farther than the closest approach", () => {
    // Distances to the goal: 1.04, 1, 2.
    const plan = planOf([
      [1.96, 0],
      [2, 0],
      [1, 0],
    ]);
    expect(reachesWithinFirst(plan, goal, 0, 0.05)).toBe(true);
    expect(reachesWithinFirst(plan, goal, 0, 0.03)).toBe(false);
    expect(reachesWithinFirst(plan, goal, 0, 0)).toBe(false);
  });
});

describe("reachedWithin (the near-goal rule reached)", () => {
  const goal = Float32Array.of(3, 0);
  // The first state is the closest to the goal, though the path goes on past the horizon: first-step fires.
  const turnsAway = planOf([
    [2, 0],
    [1, 0],
    [0, 0],
  ]);

  it("fires only when the planner puts the path's end within the macro-step in progress", () => {
    expect(reachesWithinFirst(turnsAway, goal, 0, 0.05)).toBe(true);
    expect(reachedWithin({ ...turnsAway, closestAt: -1 }, goal, 0, 0.05)).toBe(false);
    expect(reachedWithin({ ...turnsAway, closestAt: -1 }, goal, 9, 0.05)).toBe(false);
    expect(reachedWithin({ ...turnsAway, closestAt: 1 }, goal, 0, 0.05)).toBe(false);
    expect(reachedWithin({ ...turnsAway, closestAt: 1 }, goal, 1, 0.05)).toBe(true);
    expect(reachedWithin({ ...turnsAway, closestAt: 0 }, goal, 0, 0.05)).toBe(true);
  });

  it("judges by distances, as first-step, when the planner does not say where its path ends", () => {
    expect(reachedWithin(turnsAway, goal, 0, 0.05)).toBe(true);
    expect(reachedWithin(APPROACH, goal, 0, 0.05)).toBe(false);
    expect(reachedWithin(APPROACH, goal, 2, 0.05)).toBe(true);
  });
});

/**
 * A toy two-level world model in the plane, no environment: level 1 moves the state by 0.25 x a primitive action
 * in [-1, 1]^2; level 2 (stride 4) by a macro-action in [-1, 1]^2 (exactly 4 primitive steps of it). Level 2
 * costs 2.5 level-1 calls per call. `rows[k - 1]` counts the candidate rows level k predicted. With `projection`
 * other than 1, level 2 has its own representation: level 1's times `projection`.
 */
function toyModel(projection = 1) {
  const rows = [0, 0];
  const box = (): ActionDescription => ({
    kind: "box",
    size: 2,
    low: Float32Array.of(-1, -1),
    high: Float32Array.of(1, 1),
  });
  const level = (k: number, stride: number, costPerCall: number, actions: ActionDescription) => {
    const scale = k === 1 ? 1 : projection;
    const self: WorldModelLevel = {
      level: k,
      stride,
      dim: 2,
      actions,
      latent: null,
      multiplyAdds: costPerCall,
      costPerCall,
      sharesRepresentationBelow: scale === 1,
      represent: (s1) => tf.mul(s1, scale),
      lift: (below) => tf.mul(below, scale),
      predict(s, a) {
        rows[k - 1] = (rows[k - 1] as number) + s.shape[0];
        return tf.tidy(() => tf.add(s, tf.mul(a, 0.25 * stride * scale)));
      },
      // A macro-action is the mean primitive action of its chunk (its displacement over the stride).
      encodeActions: (primitive) => tf.mean(primitive, 1) as tf.Tensor2D,
      rollout: () => {
        throw new Error("planners call predict");
      },
    };
    return self;
  };
  const macro: ActionDescription = {
    ...(box() as { low: Float32Array; high: Float32Array }),
    kind: "macro",
    size: 2,
    mean: Float32Array.of(0, 0),
    covariance: Float32Array.of(1 / 3, 0, 0, 1 / 3),
    count: 100,
  };
  const model: WorldModel = {
    obsShape: [2],
    levels: [level(1, 1, 1, box()), level(2, 4, 2.5, macro)],
    encode: (obs) => tf.clone(obs) as tf.Tensor2D,
  };
  return { model, rows };
}

function partsOf(model: WorldModel, levels = 2): AgentParts {
  const cost = new Cost({ terms: [energyTerm({ distance: "l2", reduce: "sum" })] });
  return {
    model,
    levels: Array.from({ length: levels }, (_, i) => ({ level: i + 1, planner: makePlanner("mppi"), cost })),
    configure: () => {
      throw new Error("Hierarchy.decide takes the settings");
    },
  };
}

const LEVEL_1: LevelSettings = {
  level: 1,
  horizon: 4,
  budget: 200,
  replanEvery: 1,
  surpriseThreshold: null,
  subgoalStep: 1,
};
const LEVEL_2: LevelSettings = {
  level: 2,
  horizon: 3,
  budget: 300,
  replanEvery: 4,
  surpriseThreshold: null,
  subgoalStep: 1,
};
const NEVER = { rule: "never", tolerance: 0.05 } as const;

/** One decision of a fresh `Hierarchy` at step 0 from `from` toward `to`, its tensors disposed. */
function decideOnce(parts: AgentParts, settings: PlanSettings, from = [0, 0], to = [4, 0]) {
  const s = tf.tensor2d([from]);
  const g = tf.tensor2d([to]);
  try {
    return new Hierarchy(parts, new Rng(0)).decide(0, s, g, settings, new EpisodeMemory(2), 0, null);
  } finally {
    tf.dispose([s, g]);
  }
}

describe("Hierarchy: plan settings", () => {
  const { model } = toyModel();
  const parts = partsOf(model);

  it("rejects levels that are not listed top first, each below the one before, ending with level 1", () => {
    for (const levels of [[LEVEL_1, LEVEL_2], [LEVEL_2], [LEVEL_2, LEVEL_2, LEVEL_1], []]) {
      expect(() => decideOnce(parts, { levels, nearGoal: NEVER }), levels.map((l) => l.level).join()).toThrow(
        InputError,
      );
    }
    expect(() => decideOnce(parts, { levels: [LEVEL_1, LEVEL_2], nearGoal: NEVER })).toThrow(
      /top first, each below the one before, ending with level 1 \(got 1, 2\)/,
    );
  });

  it("rejects a level the world model does not have, and a level without a planner", () => {
    const three = { ...LEVEL_2, level: 3 };
    expect(() => decideOnce(parts, { levels: [three, LEVEL_2, LEVEL_1], nearGoal: NEVER })).toThrow(
      /name level 3; the world model has levels 1-2/,
    );
    expect(() => decideOnce(partsOf(model, 1), { levels: [LEVEL_2, LEVEL_1], nearGoal: NEVER })).toThrow(
      InputError,
    );
  });

  it("plans each level with its settings' cost weights and puts the cost's own back after", () => {
    const cost = new Cost({ terms: [energyTerm({ distance: "l2", reduce: "sum" })] });
    const seen: [number, number][] = [];
    const recording = (level: number) => {
      const inner = makePlanner("mppi");
      return {
        ...inner,
        plan: (request: Parameters<typeof inner.plan>[0]) => {
          seen.push([level, request.cost.weight("energy")]);
          if (level === 1 && request.budget === 1) throw new Error("planner failed");
          return inner.plan(request);
        },
      };
    };
    const weighted: AgentParts = {
      ...parts,
      levels: [1, 2].map((level) => ({ level, planner: recording(level), cost })),
    };
    decideOnce(weighted, { levels: [{ ...LEVEL_2, weights: { energy: 3 } }, LEVEL_1], nearGoal: NEVER });
    expect(seen).toEqual([
      [2, 3],
      [1, 1],
    ]);
    expect(cost.weight("energy")).toBe(1);
    // A plan that throws restores them too.
    expect(() =>
      decideOnce(weighted, { levels: [{ ...LEVEL_1, budget: 1, weights: { energy: 0 } }], nearGoal: NEVER }),
    ).toThrow("planner failed");
    expect(cost.weight("energy")).toBe(1);
  });

  it("accepts level 1 alone (flat) and levels 2, 1", () => {
    expect(
      decideOnce(parts, { levels: [LEVEL_1], nearGoal: NEVER }).plan.hierarchy.levels.map((l) => l.level),
    ).toEqual([1]);
    expect(
      decideOnce(parts, { levels: [LEVEL_2, LEVEL_1], nearGoal: NEVER }).plan.hierarchy.levels.map(
        (l) => l.level,
      ),
    ).toEqual([2, 1]);
  });
});

describe("Hierarchy: decisions", () => {
  it("charges each level's calls at its cost per call and hands level 2's prediction down as the subgoal", () => {
    const { model, rows } = toyModel();
    const settings: PlanSettings = { levels: [LEVEL_2, LEVEL_1], nearGoal: NEVER };
    const memory = new EpisodeMemory(2);
    const hierarchy = new Hierarchy(partsOf(model), new Rng(3));
    const goal = tf.tensor2d([[6, 2]]);
    let s = tf.tensor2d([[0, 0]]);
    const seen: number[][] = [];
    for (let step = 0; step < 6; step++) {
      const before = [...rows];
      const d = hierarchy.decide(step, s, goal, settings, memory, 0, null);
      const [two, one] = d.plan.hierarchy.levels as [
        (typeof d.plan.hierarchy.levels)[number],
        (typeof d.plan.hierarchy.levels)[number],
      ];
      expect([two.level, one.level]).toEqual([2, 1]);
      // Level 2 plans at steps 0 and 4 (replanEvery 4); level 1 at every step.
      expect(two.replanned).toBe(step % 4 === 0);
      expect(one.replanned).toBe(true);
      expect(two.predictorCalls).toBe((rows[1] as number) - (before[1] as number));
      expect(one.predictorCalls).toBe((rows[0] as number) - (before[0] as number));
      expect(two.costUnits).toBeCloseTo(two.predictorCalls * 2.5, 9);
      expect(one.costUnits).toBe(one.predictorCalls);
      expect(two.costUnits).toBeLessThanOrEqual(LEVEL_2.budget);
      expect(one.costUnits).toBeLessThanOrEqual(LEVEL_1.budget);
      if (two.replanned) expect(two.predictorCalls).toBeGreaterThan(0);
      else expect([two.predictorCalls, two.costUnits, two.iterations]).toEqual([0, 0, 0]);
      // The subgoal is the level-2 plan's prediction for the macro-step in progress.
      const plans = memory.level(2, 4, 2).allPlans();
      const plan = plans[plans.length - 1] as (typeof plans)[number];
      const j = Math.floor((step - plan.step) / 4);
      expect(d.plan.hierarchy.subgoals).toHaveLength(1);
      expect(d.plan.hierarchy.subgoals[0]).toMatchObject({ from: 2, to: 1, source: "model" });
      expect(Array.from(d.plan.hierarchy.subgoals[0]?.representation ?? [])).toEqual(
        Array.from(plan.predicted.slice(j * 2, j * 2 + 2)),
      );
      seen.push(Array.from(d.plan.actions.slice(2 * d.index, 2 * d.index + 2)));
      // Take the level-1 plan's action in the toy dynamics.
      const a = tf.tensor2d([seen[seen.length - 1] as number[]]);
      const next = model.levels[0].predict(s, a);
      tf.dispose([s, a]);
      s = next;
    }
    expect(
      memory
        .level(2, 4, 2)
        .allPlans()
        .map((p) => p.step),
    ).toEqual([0, 4]);
    tf.dispose([s, goal]);
  });

  it("hands the goal itself down when level 2's plan reaches it within its first macro-step", () => {
    const { model } = toyModel();
    // One macro-step moves up to 1 per axis: the goal is 0.5 away.
    const near = (rule: "first-step" | "reached" | "never") =>
      decideOnce(
        partsOf(model),
        { levels: [LEVEL_2, LEVEL_1], nearGoal: { rule, tolerance: 0.05 } },
        [0, 0],
        [0.5, 0],
      );
    const first = near("first-step");
    expect(first.plan.hierarchy.subgoals[0]).toMatchObject({ from: 2, to: 1, source: "goal" });
    expect(Array.from(first.plan.hierarchy.subgoals[0]?.representation ?? [])).toEqual([0.5, 0]);
    expect(near("never").plan.hierarchy.subgoals[0]?.source).toBe("model");
    // The toy's level-2 planner does not say where its plan ends: reached judges as first-step.
    expect(near("reached").plan.hierarchy.subgoals[0]?.source).toBe("goal");
  });

  it("with the rule reached, trusts where the level-2 planner says its path ends", () => {
    const { model } = toyModel();
    const mppi = makePlanner("mppi");
    const source = (closestAt: number, to: number[]) => {
      const parts = partsOf(model);
      const ends: Planner = { name: "ends", plan: (r) => ({ ...mppi.plan(r), closestAt }) };
      parts.levels[1] = { ...(parts.levels[1] as AgentParts["levels"][number]), planner: ends };
      const reached = { rule: "reached", tolerance: 0.05 } as const;
      return decideOnce(parts, { levels: [LEVEL_2, LEVEL_1], nearGoal: reached }, [0, 0], to).plan.hierarchy
        .subgoals[0]?.source;
    };
    // The goal is half a macro-step away (first-step fires), but the path goes on past the horizon: no.
    expect(source(-1, [0.5, 0])).toBe("model");
    expect(source(1, [0.5, 0])).toBe("model");
    expect(source(0, [0.5, 0])).toBe("goal");
  });

  it("hands the goal itself down when the critic puts it within reach (the near-goal rule critic)", () => {
    const { model } = toyModel();
    // A stand-in critic: 4 env steps per unit of the first coordinate, walls ignored.
    const critic = (s: tf.Tensor2D, g: tf.Tensor2D) =>
      tf.tidy(
        () =>
          tf.reshape(
            tf.mul(tf.abs(tf.sub(tf.slice(s, [0, 0], [-1, 1]), tf.slice(g, [0, 0], [-1, 1]))), 4),
            [-1],
          ) as tf.Tensor1D,
      );
    const source = (to: number[], within: number | null) =>
      decideOnce(
        { ...partsOf(model), critic },
        { levels: [LEVEL_2, LEVEL_1], nearGoal: { rule: "critic", tolerance: 0.05, within } },
        [0, 0],
        to,
      ).plan.hierarchy.subgoals[0]?.source;
    // The default reach is level 2's stride x its subgoalStep = 4 env steps: 1 unit.
    expect(source([0.9, 0], null)).toBe("goal");
    expect(source([3, 0], null)).toBe("model");
    expect(source([3, 0], 12)).toBe("goal");
    const noCritic = () =>
      decideOnce(partsOf(model), { levels: [LEVEL_2, LEVEL_1], nearGoal: { rule: "critic", tolerance: 0 } });
    expect(noCritic).toThrow(/the near-goal rule "critic" needs a critic/);
  });

  it("refuses to hand subgoals down from a level with its own representation", () => {
    const { model } = toyModel(2);
    const far = () => decideOnce(partsOf(model), { levels: [LEVEL_2, LEVEL_1], nearGoal: NEVER });
    expect(far).toThrow(InputError);
    expect(far).toThrow(/use representation "identity" for a level that plans above another/);
  });

  // The near-goal rule must not hand level 1 a goal in level 2's own representation either.
  it("never hands level 1 a goal in level 2's own representation", () => {
    const { model } = toyModel(2);
    const firstStep = { rule: "first-step", tolerance: 0.05 } as const;
    // With a one-macro-step plan the rule always fires (its only state is its closest).
    const oneStep = { ...LEVEL_2, horizon: 1 };
    const near = () =>
      decideOnce(partsOf(model), { levels: [oneStep, LEVEL_1], nearGoal: firstStep }, [0, 0], [0.5, 0]);
    let d: ReturnType<typeof near>;
    try {
      d = near();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return;
    }
    expect(Array.from(d.plan.hierarchy.subgoals[0]?.representation ?? [])).toEqual([0.5, 0]);
  });

  it("plans level 1 alone toward the oracle's subgoal in the oracle arm", () => {
    const { model, rows } = toyModel();
    const s = tf.tensor2d([[0, 0]]);
    const g = tf.tensor2d([[4, 0]]);
    const d = new Hierarchy(partsOf(model), new Rng(0)).decide(
      0,
      s,
      g,
      { levels: [LEVEL_1], nearGoal: NEVER },
      new EpisodeMemory(2),
      0,
      () => tf.tensor2d([[0.5, 0.5]]),
    );
    expect(d.plan.hierarchy.subgoals).toEqual([
      { from: 0, to: 1, source: "oracle", representation: Float32Array.of(0.5, 0.5) },
    ]);
    expect(rows[1]).toBe(0);
    // Level 1's plan heads for the oracle's subgoal, not for the goal: its last predicted state is nearer it.
    const last = d.plan.predicted.slice((d.plan.horizon - 1) * 2);
    expect(Math.hypot((last[0] as number) - 0.5, (last[1] as number) - 0.5)).toBeLessThan(0.3);
    tf.dispose([s, g]);
  });

  it("leaves no tensors behind", () => {
    const { model } = toyModel();
    const hierarchy = new Hierarchy(partsOf(model), new Rng(0));
    const memory = new EpisodeMemory(2);
    const s = tf.tensor2d([[0, 0]]);
    const g = tf.tensor2d([[4, 0]]);
    const settings: PlanSettings = { levels: [LEVEL_2, LEVEL_1], nearGoal: NEVER };
    try {
      expectNoLeaks(() => {
        for (let step = 0; step < 3; step++) hierarchy.decide(step, s, g, settings, memory, 0, null);
      });
    } finally {
      tf.dispose([s, g]);
    }
  });
});

describe("Hierarchy: landmarks", () => {
  /** The landmarks each level's planner was given, by level. */
  function landmarksSeen(projection: number): Map<number, unknown> {
    const { model } = toyModel(projection);
    const parts = partsOf(model);
    const seen = new Map<number, unknown>();
    const landmarks = {
      dim: 2,
      size: 1,
      nearest: () => ({ index: 0, distance: 0 }),
      at: () => Float32Array.of(0, 0),
      spacing: () => 1,
      transitions: 0,
      transitionsFrom: () => [],
    };
    const spied = parts.levels.map((p) => ({
      ...p,
      planner: {
        name: "spy",
        plan: (request: Parameters<typeof p.planner.plan>[0]) => {
          seen.set(p.level, request.landmarks);
          return p.planner.plan(request);
        },
      },
    }));
    const settings = { levels: [LEVEL_2, LEVEL_1], nearGoal: NEVER };
    try {
      decideOnce({ ...parts, levels: spied, landmarks }, settings);
    } catch (e) {
      // A projected level 2 cannot hand its subgoal down; it has planned by then.
      if (!(e instanceof InputError)) throw e;
    }
    seen.set(0, landmarks);
    return seen;
  }

  it("gives level-1 landmarks to every level that plans in level 1's representation, and only to those", () => {
    const shared = landmarksSeen(1);
    expect(shared.get(2)).toBe(shared.get(0));
    expect(shared.get(1)).toBe(shared.get(0));
    const projected = landmarksSeen(2);
    expect(projected.get(2)).toBeNull();
  });
});
