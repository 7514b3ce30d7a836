/**
 * The hierarchical agent end to end on PointMaze FourRooms with exact, hand-written world models (no training;
 * see exactPointMaze.ts): a two-level agent reaches a goal two rooms away that the flat agent misses at the same
 * compute per env step, every level's predictor calls are charged, the oracle-subgoal arm follows the shortest
 * path, and a hazard guardrail keeps level 2's macro-steps out of a hazard; with landmark-graph at level 2 on the
 * experience graph of random rollouts, goals across three rooms of NineRooms are reached at no more compute than
 * flat planning, which misses them, and FourRoomsHazard's hazards are never entered. Then the configurator's
 * level rules.
 */
import type { AgentParts, EpisodeResult, LevelParts } from "@hjepa/agent";
import { runEpisode } from "@hjepa/agent";
import {
  buildAgent,
  makeSubgoalOracle,
  plannedLevels,
  pointAlong,
  scheduledComputePerStep,
} from "@hjepa/configurator";
import type { PointMazeEnv } from "@hjepa/envs";
import { agentSchema } from "@hjepa/experiment";
import { initTensors, tf } from "@hjepa/tensor";
import { type Box, type Env, make, Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import {
  countingModel,
  exactPointMazeModel,
  experienceLandmarks,
  flatModel,
  hazardClassifier,
  inHazard,
  toMap,
} from "./exactPointMaze.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

function pointMaze(id: string): { env: Env<unknown, unknown>; core: PointMazeEnv } {
  const env = make(id, { kwargs: { obsMode: "state" } }) as Env<unknown, unknown>;
  return { env, core: env.unwrapped as PointMazeEnv };
}

/** From the top-left room to the bottom-right one of FourRooms: through a door into a third room and out. */
const TASK = { start: [2.5, 2.5], goal: [10.5, 10.5], seed: 0, maxSteps: 150 };
/** Compute per env step, in cost units, that the flat agent gets and the hierarchical one must not exceed. */
const BUDGET = 128;
const STRIDE = 8;
/** Level 2's cost per call (level-1 calls): not 1, so that a level charged at the wrong rate shows. */
const LEVEL_2_COST = 2.5;

/** Level 1 plans 4 steps toward the subgoal; level 2 plans 4 macro-steps of 8 env steps, replanning each 8. */
const hierarchical = agentSchema.parse({
  planner: "mppi",
  horizon: 4,
  budget: 40,
  levels: [{ level: 2, planner: "mppi", horizon: 4, budget: 400, replanEvery: STRIDE }],
});

/** The plan settings a built agent's configurator gives (buildAgent's do not depend on the step). */
const settingsOf = (parts: AgentParts) =>
  parts.configure({ step: 0, episode: null as never, goal: new Float32Array(0) });
const unitsPerStep = (r: EpisodeResult) => r.decisions.reduce((a, d) => a + d.costUnits, 0) / r.steps;

describe("a two-level agent with exact world models on FourRooms", () => {
  it("reaches a goal two rooms away that the flat agent misses at the same compute per env step", () => {
    const { env, core } = pointMaze("hjepa/FourRooms-v0");
    const model = exactPointMazeModel(core, { stride: STRIDE, costPerCall: LEVEL_2_COST });
    const actionSpace = env.actionSpace as Box;
    expect(core.oracle().distance(TASK.start, TASK.goal)).toBeGreaterThan(12);
    const parts = buildAgent({ model, agent: hierarchical, actionSpace });
    const schedule = scheduledComputePerStep(settingsOf(parts));
    expect(schedule).toBe(40 / 1 + 400 / STRIDE);
    expect(schedule).toBeLessThanOrEqual(BUDGET);
    // The flat agent: the same level-1 model and planner with all of the budget at every step. At this budget,
    // MPPI's three rounds of >= 2 candidates (and the final mean) fit horizons up to 18; it is tried at 8 and 16.
    for (const seed of [1, 2, 3]) {
      const hier = runEpisode(env, core, parts, { ...TASK, rng: new Rng(seed) });
      expect(hier.success, `hierarchical, seed ${seed}`).toBe(true);
      expect(hier.decisions.some((d) => d.subgoals.some((g) => g.from === 2 && g.source === "model"))).toBe(
        true,
      );
      for (const horizon of [8, 16]) {
        const agent = agentSchema.parse({ planner: "mppi", horizon, budget: BUDGET });
        const flat = runEpisode(env, core, buildAgent({ model: flatModel(model), agent, actionSpace }), {
          ...TASK,
          rng: new Rng(seed),
        });
        const where = `flat, horizon ${horizon}, seed ${seed}`;
        expect(flat.success, where).toBe(false);
        // Greedy toward the goal, it ends where the straight line meets the walls: in the start room's corner.
        const [x, y] = flat.trajectory[flat.trajectory.length - 1] as number[];
        expect(Math.hypot((x as number) - 6, (y as number) - 6), where).toBeLessThan(0.5);
        expect(unitsPerStep(hier), where).toBeLessThanOrEqual(unitsPerStep(flat));
      }
    }
    env.close();
  });

  it("adapts: starting flat, stuck against the wall, it moves to two levels and reaches the goal", () => {
    const { env, core } = pointMaze("hjepa/FourRooms-v0");
    const model = exactPointMazeModel(core, { stride: STRIDE, costPerCall: LEVEL_2_COST });
    const agent = agentSchema.parse({
      ...hierarchical,
      hierarchy: { use: 1 },
      adapt: { when: "progress", window: 8, minProgress: 0.5, stages: [{ use: 2 }] },
    });
    const parts = buildAgent({ model, agent, actionSpace: env.actionSpace as Box });
    for (const seed of [1, 2]) {
      const r = runEpisode(env, core, parts, { ...TASK, rng: new Rng(seed) });
      expect(r.success, `seed ${seed}`).toBe(true);
      expect(r.adaptations.length, `seed ${seed}`).toBe(1);
      const at = (r.adaptations[0] as { step: number; stage: string }).step;
      expect(r.adaptations[0]?.stage).toBe("use 2");
      // Flat (level 1 alone) until the change, two levels from it on.
      for (const d of r.decisions) {
        expect(
          d.levels.map((l) => l.level),
          `step ${d.step}`,
        ).toEqual(d.step < at ? [1] : [2, 1]);
        expect(d.stage).toBe(d.step < at ? "start" : "use 2");
      }
    }
    // Without the rule the same agent stays flat and misses.
    const flat = buildAgent({ model, agent: { ...agent, adapt: null }, actionSpace: env.actionSpace as Box });
    expect(runEpisode(env, core, flat, { ...TASK, rng: new Rng(1) }).success).toBe(false);
    // A stage that plans with a level the world model does not have is refused when the agent is built.
    expect(() => buildAgent({ model: flatModel(model), agent, actionSpace: env.actionSpace as Box })).toThrow(
      /agent\.adapt\.stages\[0\]\.use is 2, but the agent can plan with 1 level/,
    );
    // Weights for a term the cost does not have are refused by name too.
    const reweigh = (weights: Record<string, number>) =>
      buildAgent({
        model,
        agent: agentSchema.parse({ ...hierarchical, adapt: { stages: [{ weights }] } }),
        actionSpace: env.actionSpace as Box,
      });
    expect(() => reweigh({ speed: 1 })).toThrow(
      "agent.adapt.stages[0].weights.speed is not a task cost term of this agent (its terms: energy)",
    );
    expect(reweigh({ energy: 2 }).levels.length).toBe(2);
    env.close();
  });

  it("charges every level's predictor calls at its cost per call, within each plan's budget", () => {
    const { env, core } = pointMaze("hjepa/FourRooms-v0");
    const counting = countingModel(exactPointMazeModel(core, { stride: STRIDE, costPerCall: LEVEL_2_COST }));
    const { rows } = counting;
    const built = buildAgent({
      model: counting.model,
      agent: hierarchical,
      actionSpace: env.actionSpace as Box,
    });
    // Rows predicted per level before each step's decision (`configure` is asked once per step, before it).
    const marks: number[][] = [];
    const plans: { level: number; budget: number; rows: number; calls: number; units: number }[] = [];
    const watched = (part: LevelParts): LevelParts => ({
      ...part,
      planner: {
        name: part.planner.name,
        plan(request) {
          const before = rows[part.level - 1] as number;
          const plan = part.planner.plan(request);
          expect(plan.stats.level).toBe(part.level);
          plans.push({
            level: part.level,
            budget: request.budget,
            rows: (rows[part.level - 1] as number) - before,
            calls: plan.stats.predictorCalls,
            units: plan.stats.costUnits,
          });
          return plan;
        },
      },
    });
    const parts: AgentParts = {
      ...built,
      levels: built.levels.map(watched),
      configure: (ctx) => {
        marks[ctx.step] = [...rows];
        return built.configure(ctx);
      },
    };
    const run = runEpisode(env, core, parts, { ...TASK, rng: new Rng(1) });
    expect(run.success).toBe(true);
    marks[run.steps] = [...rows];
    const costPerCall = [1, LEVEL_2_COST];
    const byStep = new Map(run.decisions.map((d) => [d.step, d]));
    for (let step = 0; step < run.steps; step++) {
      const spent = [0, 1].map((i) => (marks[step + 1]?.[i] as number) - (marks[step]?.[i] as number));
      const d = byStep.get(step);
      if (!d) {
        expect(spent, `step ${step}`).toEqual([0, 0]);
        continue;
      }
      expect(d.levels.map((l) => l.level)).toEqual([2, 1]);
      for (const l of d.levels) {
        const where = `step ${step}, level ${l.level}`;
        expect(l.predictorCalls, where).toBe(spent[l.level - 1]);
        expect(l.costUnits, where).toBeCloseTo(l.predictorCalls * (costPerCall[l.level - 1] as number), 9);
        expect(l.replanned, where).toBe(l.predictorCalls > 0);
      }
      // Level 2 plans on its schedule only (no surprise threshold; its goal does not move).
      expect(d.levels[0]?.replanned, `step ${step}`).toBe(step % STRIDE === 0);
      expect(d.predictorCalls).toBe((spent[0] as number) + (spent[1] as number));
      expect(d.costUnits).toBeCloseTo(
        d.levels.reduce((a, l) => a + l.costUnits, 0),
        9,
      );
    }
    expect(plans.filter((p) => p.level === 2)).toHaveLength(Math.ceil(run.steps / STRIDE));
    for (const p of plans) {
      expect(p.rows).toBe(p.calls);
      expect(p.units).toBeCloseTo(p.calls * (costPerCall[p.level - 1] as number), 9);
      expect(p.units).toBeLessThanOrEqual(p.budget);
      expect(p.calls).toBeGreaterThan(0);
      expect(p.budget).toBe(p.level === 2 ? 400 : 40);
    }
    env.close();
  });
});

/** Distance from `p` to the polyline `path`. */
function distanceToPath(p: readonly number[], path: readonly (readonly number[])[]): number {
  let best = Infinity;
  for (let i = 1; i < path.length; i++) {
    const [ax, ay] = path[i - 1] as [number, number];
    const [bx, by] = path[i] as [number, number];
    const [px, py] = p as [number, number];
    const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
    const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2)) : 0;
    best = Math.min(best, Math.hypot(px - ax - t * (bx - ax), py - ay - t * (by - ay)));
  }
  return best;
}

function pathLength(path: readonly (readonly number[])[]): number {
  let s = 0;
  for (let i = 1; i < path.length; i++) {
    const [ax, ay] = path[i - 1] as [number, number];
    const [bx, by] = path[i] as [number, number];
    s += Math.hypot(bx - ax, by - ay);
  }
  return s;
}

describe("the oracle-subgoal arm", () => {
  it("follows the env's shortest path to a goal two rooms away", () => {
    const { env, core } = pointMaze("hjepa/FourRooms-v0");
    const model = exactPointMazeModel(core, { stride: STRIDE, costPerCall: LEVEL_2_COST });
    // A level-2 planner is configured, but the oracle arm plans with level 1 alone.
    const agent = agentSchema.parse({
      ...hierarchical,
      horizon: 6,
      budget: 256,
      hierarchy: { subgoals: "oracle", oracleLookahead: 2 },
    });
    expect(plannedLevels(agent)).toEqual([1]);
    const parts = buildAgent({
      model,
      agent,
      actionSpace: env.actionSpace as Box,
      subgoalOracle: makeSubgoalOracle(core, model, agent.hierarchy.oracleLookahead, false),
    });
    const run = runEpisode(env, core, parts, { ...TASK, rng: new Rng(1) });
    expect(run.success).toBe(true);
    const path = core.oracle().path(TASK.start, TASK.goal) as number[][];
    const optimal = core.oracle().distance(TASK.start, TASK.goal);
    expect(pathLength(run.trajectory)).toBeLessThanOrEqual(1.3 * optimal);
    for (const p of run.trajectory) expect(distanceToPath(p, path), `at [${p}]`).toBeLessThan(0.5);
    for (const d of run.decisions) {
      expect(d.levels.map((l) => l.level)).toEqual([1]);
      expect(d.subgoals).toHaveLength(1);
      expect(d.subgoals[0]).toMatchObject({ from: 0, to: 1, source: "oracle" });
    }
    // The first subgoal is 2 map units along the shortest path from the start.
    const first = toMap(core, run.decisions[0]?.subgoals[0]?.representation ?? []);
    const want = pointAlong(path, 2, false);
    expect(first[0]).toBeCloseTo(want[0] as number, 4);
    expect(first[1]).toBeCloseTo(want[1] as number, 4);
    env.close();
  });

  it("pointAlong interpolates along a path, stops at its end, and keeps to waypoints on a grid", () => {
    const path = [
      [0, 0],
      [3, 0],
      [3, 4],
    ];
    expect(pointAlong(path, 0, false)).toEqual([0, 0]);
    expect(pointAlong(path, 2, false)).toEqual([2, 0]);
    expect(pointAlong(path, 3, false)).toEqual([3, 0]);
    expect(pointAlong(path, 5, false)).toEqual([3, 2]);
    expect(pointAlong(path, 7, false)).toEqual([3, 4]);
    expect(pointAlong(path, 100, false)).toEqual([3, 4]);
    expect(pointAlong([[1, 2]], 5, false)).toEqual([1, 2]);
    // Repeated waypoints (zero-length steps) are skipped.
    expect(
      pointAlong(
        [
          [0, 0],
          [0, 0],
          [1, 0],
        ],
        0.5,
        false,
      ),
    ).toEqual([0.5, 0]);
    // State components past [x, y] (e.g. KeyDoor's hasKey) come from the waypoint ahead.
    expect(
      pointAlong(
        [
          [0, 0, 0],
          [2, 0, 1],
        ],
        1,
        false,
      ),
    ).toEqual([1, 0, 1]);
    // On a grid, the subgoal is a cell of the path: the first one at least `lookahead` moves along.
    const cells = [
      [1, 1],
      [1, 2],
      [2, 2],
      [3, 2],
    ];
    expect(pointAlong(cells, 1, true)).toEqual([1, 2]);
    expect(pointAlong(cells, 1.5, true)).toEqual([2, 2]);
    expect(pointAlong(cells, 2, true)).toEqual([2, 2]);
    expect(pointAlong(cells, 10, true)).toEqual([3, 2]);
  });
});

describe("guardrails at level 2", () => {
  it("a hazard constraint keeps the level-2 plan out of the hazard its straight macro-step toward the goal ends in", () => {
    const { env, core } = pointMaze("hjepa/FourRoomsHazard-v0");
    const model = exactPointMazeModel(core, { stride: 5, costPerCall: LEVEL_2_COST });
    const start = [1.5, 1.5];
    const goal = [10.5, 10.5];
    const rep = (p: readonly number[]) => [
      (p[0] as number) / core.map.cols,
      (p[1] as number) / core.map.rows,
    ];
    // The macro-step straight toward the goal (direction [1, 1], 5 env steps of 0.5 per axis) ends at [4, 4], in
    // the start room's hazard (x, y in [3, 5)): the best one-macro-step plan when nothing forbids it.
    const straight = tf.tidy(() =>
      model.levels[1]?.predict(tf.tensor2d([rep(start)]), tf.tensor2d([[1, 1]])).dataSync(),
    ) as Float32Array;
    expect(toMap(core, straight)[0]).toBeCloseTo(4, 5);
    expect(toMap(core, straight)[1]).toBeCloseTo(4, 5);
    expect(inHazard(core, straight)).toBe(true);
    const config = (guarded: boolean) =>
      agentSchema.parse({
        planner: "mppi",
        horizon: 4,
        budget: 64,
        levels: [{ level: 2, planner: "cem", horizon: 1, budget: 500, replanEvery: 5 }],
        // "never": with a one-step plan the first-step rule would always hand the goal itself down.
        hierarchy: { nearGoal: { rule: "never" } },
        guardrails: { hazard: guarded ? { mode: "constraint", threshold: 0.5 } : null },
      });
    const levelTwoPlan = (guarded: boolean) => {
      const parts = buildAgent({
        model,
        agent: config(guarded),
        actionSpace: env.actionSpace as Box,
        hazard: guarded ? hazardClassifier(core) : null,
      });
      const level = parts.model.levels[1] as AgentParts["model"]["levels"][number];
      const part = parts.levels[1] as LevelParts;
      const state = tf.tensor2d([rep(start)]);
      const target = tf.tensor2d([rep(goal)]);
      const plan = part.planner.plan({
        state,
        goal: target,
        model: level,
        cost: part.cost,
        actions: level.actions,
        horizon: 1,
        budget: 500,
        rng: new Rng(4),
      });
      tf.dispose([state, target]);
      // The same through the agent: the subgoal level 2 hands level 1 at the first decision.
      const run = runEpisode(env, core, parts, { start, goal, seed: 0, maxSteps: 1, rng: new Rng(4) });
      return { plan, subgoal: run.decisions[0]?.subgoals[0] };
    };
    const free = levelTwoPlan(false);
    expect(free.plan.stats.feasible).toBe(true);
    expect(inHazard(core, free.plan.predicted)).toBe(true);
    expect(free.subgoal?.source).toBe("model");
    expect(inHazard(core, free.subgoal?.representation ?? [])).toBe(true);
    const guarded = levelTwoPlan(true);
    expect(guarded.plan.stats.feasible).toBe(true);
    expect(guarded.plan.stats.level).toBe(2);
    expect(inHazard(core, guarded.plan.predicted)).toBe(false);
    expect(guarded.subgoal?.source).toBe("model");
    expect(inHazard(core, guarded.subgoal?.representation ?? [])).toBe(false);
    // The constraint binds: the guarded macro-step ends farther from the goal than the one into the hazard.
    const distance = (rep: ArrayLike<number>) => {
      const [x, y] = toMap(core, rep);
      return Math.hypot(x - (goal[0] as number), y - (goal[1] as number));
    };
    expect(distance(guarded.plan.predicted)).toBeGreaterThan(distance(free.plan.predicted));
    env.close();
  });
});

describe("landmark-graph at level 2 (the experience graph of random rollouts)", () => {
  /** Level 2 plans on the experience graph; level 1 is the flat agent's planner with the same budget. */
  const onGraph = (extra: object = {}) =>
    agentSchema.parse({
      planner: "mppi",
      horizon: 8,
      budget: BUDGET,
      levels: [
        {
          level: 2,
          planner: "landmark-graph",
          plannerOptions: { waypoints: "straight", tolerance: 3 },
          horizon: 8,
          budget: 1,
          replanEvery: 4,
        },
      ],
      ...extra,
    });

  it("reaches goals across three rooms of NineRooms that flat planning at the same compute misses", () => {
    const { env, core } = pointMaze("hjepa/NineRooms-v0");
    const model = exactPointMazeModel(core, { stride: 4, costPerCall: LEVEL_2_COST });
    const landmarks = experienceLandmarks(env, 300, 100, new Rng(7));
    const actionSpace = env.actionSpace as Box;
    const parts = buildAgent({ model, agent: onGraph(), actionSpace, landmarks });
    const flat = buildAgent({
      model: flatModel(model),
      agent: agentSchema.parse({ planner: "mppi", horizon: 16, budget: BUDGET }),
      actionSpace,
    });
    // Corner room to the opposite corner room, both ways round: the straight lines cross walls between doors.
    const tasks = [
      { start: [1.5, 1.5], goal: [16.5, 16.5] },
      { start: [16.5, 1.5], goal: [1.5, 16.5] },
      { start: [16.5, 16.5], goal: [1.5, 1.5] },
    ];
    let flatReached = 0;
    for (const [i, task] of tasks.entries()) {
      expect(core.oracle().distance(task.start, task.goal)).toBeGreaterThan(14);
      const episode = { ...task, seed: 0, maxSteps: 200 };
      const hier = runEpisode(env, core, parts, { ...episode, rng: new Rng(i) });
      expect(hier.success, `task ${i}`).toBe(true);
      // Level 2 calls no predictor: all the compute is level 1's, no more than the flat agent's.
      const levelTwo = hier.decisions.flatMap((d) => d.levels.filter((l) => l.level === 2));
      expect(levelTwo.some((l) => l.replanned)).toBe(true);
      expect(levelTwo.every((l) => l.costUnits === 0 && l.predictorCalls === 0)).toBe(true);
      expect(unitsPerStep(hier)).toBeLessThanOrEqual(BUDGET);
      const alone = runEpisode(env, core, flat, { ...episode, rng: new Rng(i) });
      if (alone.success) flatReached += 1;
      expect(unitsPerStep(alone)).toBeLessThanOrEqual(BUDGET);
    }
    expect(flatReached).toBe(0);
    env.close();
  });

  it("with the hazard constraint at both levels, never enters a hazard of FourRoomsHazard", () => {
    const { env, core } = pointMaze("hjepa/FourRoomsHazard-v0");
    const model = exactPointMazeModel(core, { stride: 4, costPerCall: LEVEL_2_COST });
    const landmarks = experienceLandmarks(env, 200, 100, new Rng(8));
    const agent = onGraph({ guardrails: { hazard: { mode: "constraint", threshold: 0.5 } } });
    const parts = buildAgent({
      model,
      agent,
      actionSpace: env.actionSpace as Box,
      landmarks,
      hazard: hazardClassifier(core),
    });
    // Corner to opposite corner: the straight lines pass through the hazards of both rooms they cross.
    for (const [i, task] of [
      { start: [1.5, 1.5], goal: [11.5, 11.5] },
      { start: [11.5, 1.5], goal: [1.5, 11.5] },
    ].entries()) {
      const run = runEpisode(env, core, parts, { ...task, seed: 0, maxSteps: 150, rng: new Rng(i) });
      expect(run.success, `task ${i}`).toBe(true);
      expect(run.violations, `task ${i}`).toBe(0);
      for (const p of run.trajectory)
        expect(inHazard(core, [(p[0] as number) / core.map.cols, (p[1] as number) / core.map.rows])).toBe(
          false,
        );
    }
    env.close();
  });
});

describe("plannedLevels (the configurator's level rules)", () => {
  const level = (n: number) => ({ level: n, horizon: 4, budget: 100, replanEvery: 4 });
  const planned = (levels: number[], hierarchy: object = {}) =>
    plannedLevels(agentSchema.parse({ levels: levels.map(level), hierarchy }));

  it("plans with every configured level by default, top first, and flat when told to use 1", () => {
    expect(planned([])).toEqual([1]);
    expect(planned([2])).toEqual([2, 1]);
    expect(planned([3, 2])).toEqual([3, 2, 1]);
    expect(planned([2, 3], { use: 2 })).toEqual([2, 1]);
    expect(planned([2], { use: 1 })).toEqual([1]);
    expect(planned([2, 3], { use: 1 })).toEqual([1]);
  });

  it("plans level 1 alone in the oracle arm", () => {
    expect(planned([2], { subgoals: "oracle" })).toEqual([1]);
    expect(planned([2, 3], { use: 3, subgoals: "oracle" })).toEqual([1]);
  });

  it("stops below the first level that has no planner", () => {
    expect(planned([3])).toEqual([1]);
    expect(planned([3], { use: 3 })).toEqual([1]);
    expect(planned([2], { use: 3 })).toEqual([2, 1]);
  });

  it("schedules each level's budget over the env steps between its plans", () => {
    const { env, core } = pointMaze("hjepa/FourRooms-v0");
    const model = exactPointMazeModel(core, { stride: STRIDE, costPerCall: LEVEL_2_COST });
    const parts = buildAgent({ model, agent: hierarchical, actionSpace: env.actionSpace as Box });
    const settings = settingsOf(parts);
    expect(settings.levels.map((l) => [l.level, l.budget, l.replanEvery])).toEqual([
      [2, 400, 8],
      [1, 40, 1],
    ]);
    expect(scheduledComputePerStep(settings)).toBe(400 / 8 + 40 / 1);
    env.close();
  });
});
