import type { HierarchyStats, LevelPlanStats, PlanResult, Subgoal } from "@hjepa/actor";
import type { WorldModelLevel } from "@hjepa/contracts";
import { InputError } from "@hjepa/errors";
import type { EpisodeMemory } from "@hjepa/memory";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { AgentParts, LevelSettings, NearGoalRule, PlanSettings } from "./settings.ts";

/** A level's plan in force: made at env step `step` toward `goal` (in the level's representation). */
interface LevelState {
  plan: PlanResult;
  step: number;
  goal: Float32Array;
  /** The settings the plan was made with. */
  settings: LevelSettings;
}

/** What one decision of the hierarchy gives the agent: the level-1 plan in force and what this step spent. */
export interface HierarchyStep {
  /**
   * The level-1 plan in force (made now or earlier), with this step's subgoals and what each level spent at it
   * (top first; zeros for a level that kept its plan).
   */
  plan: PlanResult & { hierarchy: HierarchyStats };
  /** Index of the action of `plan` to take now. */
  index: number;
  /** True when some level planned at this step. */
  planned: boolean;
}

/**
 * The hierarchical actor of one episode. At every env step it walks the configured levels top down: the top
 * level plans macro-actions toward the goal's representation; each level's plan gives the level below its
 * subgoal (the `subgoalStep`-th predicted state from the macro-step in progress, or the goal itself when the
 * near-goal rule says it is within the first macro-step); level 1 plans primitive actions toward its subgoal.
 * A level plans again when its plan is `replanEvery` env steps old or used up, when its goal (the subgoal from
 * above) changed, or when its surprise exceeds its threshold; otherwise it keeps its plan. Every planner call is
 * charged at its level's cost per call.
 */
export class Hierarchy {
  private readonly states = new Map<number, LevelState>();

  constructor(
    private readonly parts: AgentParts,
    private readonly rng: Rng,
  ) {}

  /**
   * Plans what needs planning at env step `step` from the level-1 representation `s1 [1, d1]` toward the goal
   * `goal1 [1, d1]`; records plans and surprise per level in `memory`.
   */
  decide(
    step: number,
    s1: tf.Tensor2D,
    goal1: tf.Tensor2D,
    settings: PlanSettings,
    memory: EpisodeMemory,
    surprise1: number,
    oracleGoal: (() => tf.Tensor2D) | null,
  ): HierarchyStep {
    const { model } = this.parts;
    const levels = settings.levels;
    checkSettings(levels, model.levels.length);
    const stats: LevelPlanStats[] = [];
    const subgoals: Subgoal[] = [];
    let goal: Float32Array | null = null;
    let planned = false;
    for (const [i, ls] of levels.entries()) {
      const level = model.levels[ls.level - 1] as WorldModelLevel;
      const top = i === 0;
      const sk = tf.tidy(() => level.represent(s1));
      let goalK: Float32Array;
      if (top && ls.level === 1 && oracleGoal) {
        const g = oracleGoal();
        goalK = g.dataSync().slice() as Float32Array;
        g.dispose();
        subgoals.push({ from: 0, to: 1, source: "oracle", representation: goalK });
      } else if (top) {
        const g = tf.tidy(() => level.represent(goal1));
        goalK = g.dataSync().slice() as Float32Array;
        g.dispose();
      } else {
        goalK = goal as Float32Array;
      }
      const surprise =
        ls.level === 1
          ? surprise1
          : memory.level(ls.level, level.stride, level.dim).observe(step, sk.dataSync());
      const state = this.states.get(ls.level) ?? null;
      const elapsed = state ? step - state.step : 0;
      const usedUp = state ? Math.floor(elapsed / level.stride) >= state.plan.horizon : true;
      const goalMoved = state ? !sameVector(state.goal, goalK) : true;
      const surprised = ls.surpriseThreshold !== null && surprise > ls.surpriseThreshold;
      // A change of strategy (the configurator's adaptation) replans at once.
      const restrategised = state ? !sameStrategy(state.settings, ls) : false;
      const replan = !state || elapsed >= ls.replanEvery || usedUp || goalMoved || surprised || restrategised;
      let current: LevelState;
      if (replan) {
        const part = this.parts.levels[ls.level - 1];
        if (!part) throw new InputError(`the agent has no planner for level ${ls.level}`);
        const goalTensor = tf.tensor2d(goalK, [1, goalK.length]);
        // A warm start is the previous plan shifted by one of this level's steps: usable when exactly one passed.
        const warm = state && elapsed === level.stride && !goalMoved && !restrategised ? state.plan : null;
        const request = {
          state: sk,
          goal: goalTensor,
          model: level,
          cost: part.cost,
          actions: level.actions,
          horizon: ls.horizon,
          budget: ls.budget,
          rng: this.rng,
          warmStart: warm,
          latent: ls.latent ?? null,
          // Landmarks are level-1 representations of real states: usable at every level that shares them.
          landmarks: sharesLevelOne(model.levels, ls.level) ? (this.parts.landmarks ?? null) : null,
        };
        let plan: PlanResult;
        try {
          plan = part.cost.withWeights(ls.weights ?? {}, () => part.planner.plan(request));
        } finally {
          goalTensor.dispose();
        }
        current = { plan, step, goal: goalK, settings: ls };
        this.states.set(ls.level, current);
        const record = { step, horizon: ls.horizon, predicted: plan.predicted, actions: plan.actions };
        if (ls.level === 1) memory.recordPlan(record);
        else memory.level(ls.level, level.stride, level.dim).recordPlan(record);
        stats.push({
          level: ls.level,
          replanned: true,
          predictorCalls: plan.stats.predictorCalls,
          costUnits: plan.stats.costUnits,
          iterations: plan.stats.iterations,
          ms: plan.stats.ms,
        });
        planned = true;
      } else {
        current = state as LevelState;
        stats.push({
          level: ls.level,
          replanned: false,
          predictorCalls: 0,
          costUnits: 0,
          iterations: 0,
          ms: 0,
        });
      }
      sk.dispose();
      if (ls.level === 1) {
        return {
          plan: { ...current.plan, hierarchy: { subgoals, levels: stats } },
          index: step - current.step,
          planned,
        };
      }
      const below = model.levels[(levels[i + 1] as LevelSettings).level - 1] as WorldModelLevel;
      goal = this.subgoalFor(current, ls, level, goalK, settings.nearGoal, step, below, s1);
      subgoals.push({
        from: ls.level,
        to: below.level,
        source: goal === goalK ? "goal" : "model",
        representation: goal,
      });
    }
    throw new InputError("plan settings must end with level 1");
  }

  /**
   * The subgoal a level's plan gives the level below at `step`: its `subgoalStep`-th predicted state counted
   * from the macro-step in progress (the last one when the plan is shorter), or the goal itself when the
   * near-goal rule fires (`s1` is the current level-1 representation, which the critic reads).
   */
  private subgoalFor(
    state: LevelState,
    ls: LevelSettings,
    level: WorldModelLevel,
    goal: Float32Array,
    rule: NearGoalRule,
    step: number,
    below: WorldModelLevel,
    s1: tf.Tensor2D,
  ): Float32Array {
    const { plan } = state;
    const d = plan.dim;
    if (!level.sharesRepresentationBelow || below.dim !== d) {
      throw new InputError(
        `level ${level.level} has its own representation (a learned projection); hierarchical planning hands ` +
          `subgoals down in the representation the levels share: use representation "identity" for a level ` +
          "that plans above another",
      );
    }
    const inProgress = Math.floor((step - state.step) / level.stride);
    if (rule.rule === "first-step" && reachesWithinFirst(plan, goal, inProgress, rule.tolerance)) return goal;
    if (rule.rule === "reached" && reachedWithin(plan, goal, inProgress, rule.tolerance)) return goal;
    if (
      rule.rule === "critic" &&
      this.criticSteps(s1, goal) <= (rule.within ?? level.stride * ls.subgoalStep)
    )
      return goal;
    const j = Math.min(plan.horizon - 1, inProgress + ls.subgoalStep - 1);
    return plan.predicted.slice(j * d, (j + 1) * d);
  }

  /** The critic's temporal distance (env steps) from the level-1 representation `s1` to `goal`. */
  private criticSteps(s1: tf.Tensor2D, goal: Float32Array): number {
    const critic = this.parts.critic;
    if (!critic) throw new InputError('the near-goal rule "critic" needs a critic (set agent.critic)');
    const steps = tf.tidy(() => critic(s1, tf.tensor2d(goal, [1, goal.length])));
    const value = steps.dataSync()[0] as number;
    steps.dispose();
    return value;
  }
}

/**
 * The near-goal rule `first-step`: the plan's predicted state for the macro-step in progress is (within
 * `1 + tolerance`) its closest approach to the goal — so the goal is less than one macro-step away through
 * the model's dynamics, walls included.
 */
export function reachesWithinFirst(
  plan: PlanResult,
  goal: Float32Array,
  from: number,
  tolerance: number,
): boolean {
  const d = plan.dim;
  const first = Math.min(from, plan.horizon - 1);
  const dist = (j: number) => {
    let s = 0;
    for (let i = 0; i < d; i++) {
      const e = (plan.predicted[j * d + i] as number) - (goal[i] as number);
      s += e * e;
    }
    return Math.sqrt(s);
  };
  const d0 = dist(first);
  let closest = d0;
  for (let j = first + 1; j < plan.horizon; j++) closest = Math.min(closest, dist(j));
  return d0 <= closest * (1 + tolerance);
}

/**
 * The near-goal rule `reached`: the plan's path ends within the macro-step in progress, by the planner's own
 * account (`PlanResult.closestAt`; -1, a path past the horizon, never); `reachesWithinFirst` for a planner that
 * gives none.
 */
export function reachedWithin(
  plan: PlanResult,
  goal: Float32Array,
  from: number,
  tolerance: number,
): boolean {
  if (plan.closestAt === undefined) return reachesWithinFirst(plan, goal, from, tolerance);
  return plan.closestAt >= 0 && plan.closestAt <= Math.min(from, plan.horizon - 1);
}

/** True when levels 2..`level` all share the representation below them, so level `level` plans in level 1's. */
function sharesLevelOne(levels: readonly WorldModelLevel[], level: number): boolean {
  return levels.slice(1, level).every((l) => l.sharesRepresentationBelow);
}

function sameVector(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkSettings(levels: readonly LevelSettings[], available: number): void {
  if (levels.length === 0) throw new InputError("plan settings need at least level 1");
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as LevelSettings;
    const next = levels[i + 1];
    if (l.level < 1 || l.level > available) {
      throw new InputError(`plan settings name level ${l.level}; the world model has levels 1-${available}`);
    }
    if (next ? next.level >= l.level : l.level !== 1) {
      throw new InputError(
        `plan settings must list levels top first, each below the one before, ending with level 1 ` +
          `(got ${levels.map((x) => x.level).join(", ")})`,
      );
    }
  }
}

/** Whether two settings of a level plan the same way (horizon, budget, latent planning, cost weights). */
function sameStrategy(a: LevelSettings, b: LevelSettings): boolean {
  return (
    a.horizon === b.horizon &&
    a.budget === b.budget &&
    JSON.stringify(a.latent ?? null) === JSON.stringify(b.latent ?? null) &&
    JSON.stringify(a.weights ?? null) === JSON.stringify(b.weights ?? null)
  );
}
