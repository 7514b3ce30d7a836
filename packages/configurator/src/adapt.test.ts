import type { LevelSettings, PlanSettings } from "@hjepa/agent";
import { agentSchema } from "@hjepa/experiment";
import { EpisodeMemory } from "@hjepa/memory";
import { describe, expect, it } from "vitest";
import { AdaptiveConfigurator, adaptStages, l2Distance, stageName } from "./adapt.ts";

const level = (n: number, horizon = 8): LevelSettings => ({
  level: n,
  horizon,
  budget: 100,
  replanEvery: n === 1 ? 1 : 4,
  surpriseThreshold: null,
  subgoalStep: 1,
});
const levelsFor = (use: number) => Array.from({ length: use }, (_, i) => level(use - i));
const START: PlanSettings = { levels: [level(1)], nearGoal: { rule: "first-step", tolerance: 0.05 } };
const GOAL = Float32Array.of(0);

/** The rule as the config gives it (defaults filled by the schema). */
function rule(adapt: object) {
  return agentSchema.parse({ adapt }).adapt as NonNullable<ReturnType<typeof agentSchema.parse>["adapt"]>;
}

/**
 * Runs the configurator over an episode whose representation at step t is `[xs[t]]` (one number, so the L2
 * distance to the goal 0 is |x|), with the given surprise per step: level 1's plan in force predicts `[pred[t]]`.
 */
function episode(
  configurator: AdaptiveConfigurator,
  xs: number[],
  predicted?: number[],
): (string | undefined)[] {
  const memory = new EpisodeMemory(1);
  const stages: (string | undefined)[] = [];
  for (const [t, x] of xs.entries()) {
    memory.observe(t, [x]);
    stages.push(configurator.configure({ step: t, episode: memory, goal: GOAL }).stage);
    // A one-step plan predicting the next observation (from `predicted`, else the truth: no surprise).
    const next = predicted?.[t + 1] ?? xs[t + 1] ?? x;
    memory.recordPlan({
      step: t,
      horizon: 1,
      predicted: Float32Array.of(next),
      actions: new Float32Array(1),
    });
  }
  return stages;
}

describe("adaptation from memory (agent.adapt)", () => {
  const twoStages = rule({ window: 4, minProgress: 1, stages: [{ use: 2 }, { horizon: 16 }] });
  const make = (r = twoStages) => new AdaptiveConfigurator(r, adaptStages(START, r, levelsFor), l2Distance);

  it("keeps its first strategy while the distance to the goal falls by minProgress per window", () => {
    // 12 steps toward the goal, 1 per step: 4 per window.
    const stages = episode(make(), [20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9]);
    expect(new Set(stages)).toEqual(new Set(["start"]));
  });

  it("moves to the next stage once a window passes without progress, and stays on the last", () => {
    // Stuck at 10 from step 0: judged from step 4 (one window in), then one window after each change.
    const stages = episode(make(), Array(14).fill(10));
    expect(stages.slice(0, 4)).toEqual(["start", "start", "start", "start"]);
    expect(stages[4]).toBe("use 2");
    expect(stages.slice(5, 8)).toEqual(["use 2", "use 2", "use 2"]);
    expect(stages[8]).toBe("horizon 16");
    expect(stages.slice(9)).toEqual(Array(5).fill("horizon 16"));
  });

  it("judges progress over the window: a late stall counts only once it lasts a window", () => {
    const xs = [20, 19, 18, 17, 16, 15, 15, 15, 15, 15];
    const stages = episode(make(), xs);
    // At step 8 the distance fell 1 in 4 steps (16 -> 15): still progress; at step 9, 0 (15 -> 15).
    expect(stages.slice(0, 9).every((s) => s === "start")).toBe(true);
    expect(stages[9]).toBe("use 2");
  });

  it("starts each episode over at the first stage", () => {
    const c = make();
    expect(episode(c, Array(6).fill(10))[5]).toBe("use 2");
    expect(episode(c, [20, 19])).toEqual(["start", "start"]);
  });

  it("moves on surprise: level 1's surprise above the threshold on half the window", () => {
    const r = rule({ when: "surprise", surprise: 0.5, window: 4, stages: [{ latent: { mode: "worst" } }] });
    const c = new AdaptiveConfigurator(r, adaptStages(START, r, levelsFor), l2Distance);
    const xs = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    // Predictions off by 1 (surprise 1) at steps 2 and 3 only, then exact: 2 of the window 0..3 at step 3
    // would count, but judging starts at step 4 (window 1..4: steps 2, 3 surprised = half).
    const predicted = xs.map((x, t) => (t === 2 || t === 3 ? x + 1 : x));
    const stages = episode(c, xs, predicted);
    expect(stages.slice(0, 4)).toEqual(["start", "start", "start", "start"]);
    expect(stages[4]).toBe("latent worst x8");
    // One surprised step in a window is not enough.
    const once = xs.map((x, t) => (t === 3 ? x + 1 : x));
    expect(new Set(episode(c, xs, once))).toEqual(new Set(["start"]));
    // Progress alone does not hold it back under "surprise", and "either" moves on both.
    const stuck = rule({ when: "either", surprise: 0.5, window: 4, stages: [{ use: 2 }] });
    const e = new AdaptiveConfigurator(stuck, adaptStages(START, stuck, levelsFor), l2Distance);
    expect(episode(e, Array(5).fill(3))[4]).toBe("use 2");
    expect(episode(e, xs, predicted)[4]).toBe("use 2");
  });

  it("builds each stage from the one before: levels by use, level 1's horizon and latent carried on", () => {
    const r = rule({
      stages: [
        { horizon: 16 },
        { use: 2, name: "two levels" },
        { latent: { mode: "adversarial" } },
        { use: 1 },
      ],
    });
    const s = adaptStages(START, r, levelsFor);
    expect(s.map((x) => x.stage)).toEqual([
      "start",
      "horizon 16",
      "two levels",
      "latent adversarial",
      "use 1",
    ]);
    expect(s.map((x) => x.levels.map((l) => l.level))).toEqual([[1], [1], [2, 1], [2, 1], [1]]);
    expect(s.map((x) => (x.levels.at(-1) as LevelSettings).horizon)).toEqual([8, 16, 16, 16, 16]);
    expect(((s[4] as PlanSettings).levels.at(-1) as LevelSettings).latent?.mode).toBe("adversarial");
    expect(s[1]?.levels[0]?.latent).toBeUndefined();
    // The start settings are not changed.
    expect(START.levels[0]?.horizon).toBe(8);
    expect(stageName({ latent: { mode: "sample", samples: 4, plausible: 0.05 } })).toBe("latent sample x4");
  });

  it("splits the budget across the stage's levels and reweights the cost terms, keeping what it does not name", () => {
    const r = rule({
      stages: [
        { use: 2, budgets: { "2": 40, "1": 60 } },
        { weights: { energy: 0.5, effort: 2 } },
        { budgets: { "1": 30 }, weights: { effort: 0 } },
        { use: 1 },
      ],
    });
    const s = adaptStages(START, r, levelsFor);
    expect(s.map((x) => x.levels.map((l) => [l.level, l.budget]))).toEqual([
      [[1, 100]],
      [
        [2, 40],
        [1, 60],
      ],
      [
        [2, 40],
        [1, 60],
      ],
      [
        [2, 40],
        [1, 30],
      ],
      [[1, 30]],
    ]);
    expect(s.map((x) => x.levels.map((l) => l.weights ?? null))).toEqual([
      [null],
      [null, null],
      [
        { energy: 0.5, effort: 2 },
        { energy: 0.5, effort: 2 },
      ],
      [
        { energy: 0.5, effort: 0 },
        { energy: 0.5, effort: 0 },
      ],
      [{ energy: 0.5, effort: 0 }],
    ]);
    expect(s.map((x) => x.stage)).toEqual([
      "start",
      "use 2, budgets L2 40 L1 60",
      "weights energy 0.5 effort 2",
      "budgets L1 30, weights effort 0",
      "use 1",
    ]);
    // A budget for a level the stage does not plan with names the field.
    expect(() => adaptStages(START, rule({ stages: [{ budgets: { "2": 10 } }] }), levelsFor)).toThrow(
      "agent.adapt.stages[0].budgets.2: this stage plans with level(s) 1, not level 2",
    );
    expect(() => rule({ stages: [{ budgets: { "4": 10 } }] })).toThrow(/must be a level/);
    expect(() => rule({ stages: [{ weights: {} }] })).toThrow(/names no term/);
    expect(() => rule({ stages: [{ weights: { energy: -1 } }] })).toThrow();
  });

  it("rejects a stage that changes nothing and a surprise rule without a threshold", () => {
    expect(() => rule({ stages: [{}] })).toThrow(/changes nothing/);
    expect(() => rule({ when: "surprise", stages: [{ use: 2 }] })).toThrow(/surprise threshold/);
    expect(() => rule({ stages: [] })).toThrow();
  });
});
