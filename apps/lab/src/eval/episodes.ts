import { type Decision, runEpisode } from "@hjepa/agent";
import { type AgentExtras, buildAgent, makeSubgoalOracle } from "@hjepa/configurator";
import type { WorldModel } from "@hjepa/contracts";
import type { Task, TaskSet } from "@hjepa/envs";
import { type ExperimentConfig, mean, sum } from "@hjepa/experiment";
import { makeRunEnv } from "@hjepa/runs";
import { type Box, Discrete, Rng } from "gymnasium-js";

/** One evaluated episode, as written to results.json. */
export interface EpisodeRecord {
  id: string;
  bin: string;
  success: boolean;
  steps: number;
  /** Length of the path the agent took (Euclidean over the position coordinates; one per grid move). */
  pathLength: number;
  /** The oracle's shortest-path length from start to goal. */
  optimal: number;
  /** Hazard entries (sum of info.cost). */
  violations: number;
  decisions: number;
  msPerDecision: number;
  predictorCallsPerDecision: number;
  /** Compute per env step over every level, in cost units (a level-1 predictor call on one candidate is 1). */
  costUnitsPerStep: number;
  /** Milliseconds of planning over the episode, every level. */
  planningMs: number;
  /** Per level planned with (top first): plans made, candidate-steps and cost units over the episode. */
  levels: { level: number; plans: number; predictorCalls: number; costUnits: number }[];
  trajectory: number[][];
  /** The first plan's imagined representations ([H, d]) — decoded to positions for pictures. */
  firstPlan: number[] | null;
  /** The task's start and goal (true states). Absent in results.json files written before they were kept. */
  start?: number[];
  goal?: number[];
  /**
   * The subgoals handed down during the episode, each time one changed (not the goal itself when a level hands
   * the goal down), for pictures. Kept only for the episodes that get pictures (`runTasks`' `keepSubgoals`).
   */
  subgoals?: SubgoalRecord[];
  /** The configurator's changes of strategy (`agent.adapt`), when it made any: from which step, to what. */
  adaptations?: { step: number; stage: string }[];
}

/** A subgoal one level (or the oracle, level 0) handed to the level below at an env step. */
export interface SubgoalRecord {
  step: number;
  /** The level whose plan made it; 0 for the oracle arm's subgoals (the env's exact shortest path). */
  from: number;
  to: number;
  /** The subgoal in the representation the level below plans in (`[dim]`). */
  representation: number[];
}

/**
 * Runs the given tasks with the run's model and the config's agent; deterministic per task index. Episodes of
 * task indices below `keepSubgoals` (the ones eval draws) keep their subgoals.
 */
export function runTasks(
  config: ExperimentConfig,
  model: WorldModel,
  set: TaskSet,
  indices: readonly number[],
  extras: AgentExtras,
  onEpisode?: (r: EpisodeRecord) => void,
  keepSubgoals = 0,
): EpisodeRecord[] {
  // The agent's step budget is the episode's: the env's registered time limit must not cut it short.
  const { env, core } = makeRunEnv(config, {}, config.agent.maxSteps);
  const { hazard, landmarks, critic } = extras;
  const { hierarchy } = config.agent;
  const parts = buildAgent({
    model,
    agent: config.agent,
    actionSpace: env.actionSpace as Box | Discrete,
    hazard: hazard ? (s) => hazard.predict(s) : null,
    landmarks,
    critic: critic ? (s, g) => critic.distance(s, g) : null,
    subgoalOracle:
      hierarchy.subgoals === "oracle"
        ? makeSubgoalOracle(core, model, hierarchy.oracleLookahead, env.actionSpace instanceof Discrete)
        : null,
  });
  const out: EpisodeRecord[] = [];
  for (const i of indices) {
    const task = set.tasks[i] as Task;
    const r = runEpisode(env, core, parts, {
      start: task.start,
      goal: task.goal,
      seed: set.seed * 100003 + i,
      maxSteps: config.agent.maxSteps,
      rng: new Rng(config.seed * 7919 + i),
    });
    const record: EpisodeRecord = {
      id: task.id,
      bin: task.bin,
      success: r.success,
      steps: r.steps,
      pathLength: pathLength(r.trajectory),
      optimal: task.distance,
      violations: r.violations,
      decisions: r.decisions.length,
      msPerDecision: mean(r.decisions.map((d) => d.ms)),
      predictorCallsPerDecision: mean(r.decisions.map((d) => d.predictorCalls)),
      costUnitsPerStep: r.steps > 0 ? sum(r.decisions.map((d) => d.costUnits)) / r.steps : 0,
      planningMs: sum(r.decisions.map((d) => d.ms)),
      levels: levelTotals(r.decisions),
      trajectory: r.trajectory,
      firstPlan: r.firstPlan ? Array.from(r.firstPlan.predicted) : null,
      start: [...task.start],
      goal: [...task.goal],
      ...(i < keepSubgoals ? { subgoals: subgoalTrail(r.decisions) } : {}),
      ...(r.adaptations.length > 0 ? { adaptations: r.adaptations.map((a) => ({ ...a })) } : {}),
    };
    out.push(record);
    onEpisode?.(record);
  }
  env.close();
  return out;
}

/** Per level (top first): plans made, candidate-steps and cost units over an episode's decisions. */
function levelTotals(decisions: readonly Decision[]): EpisodeRecord["levels"] {
  const byLevel = new Map<number, EpisodeRecord["levels"][number]>();
  for (const d of decisions) {
    for (const l of d.levels) {
      const t = byLevel.get(l.level) ?? { level: l.level, plans: 0, predictorCalls: 0, costUnits: 0 };
      if (l.replanned) t.plans += 1;
      t.predictorCalls += l.predictorCalls;
      t.costUnits += l.costUnits;
      byLevel.set(l.level, t);
    }
  }
  return [...byLevel.values()].sort((a, b) => b.level - a.level);
}

/** The subgoals of an episode's decisions, each kept when it differs from the last one between the same levels. */
function subgoalTrail(decisions: readonly Decision[]): SubgoalRecord[] {
  const out: SubgoalRecord[] = [];
  const last = new Map<string, Float32Array>();
  for (const d of decisions) {
    for (const g of d.subgoals) {
      if (g.source === "goal") continue;
      const key = `${g.from}>${g.to}`;
      const prev = last.get(key);
      if (prev && prev.length === g.representation.length && prev.every((v, k) => v === g.representation[k]))
        continue;
      last.set(key, g.representation);
      out.push({ step: d.step, from: g.from, to: g.to, representation: Array.from(g.representation) });
    }
  }
  return out;
}

/** Euclidean length of a path over its first two coordinates (position; KeyDoor's key flag is ignored). */
export function pathLength(trajectory: readonly (readonly number[])[]): number {
  let len = 0;
  for (let i = 1; i < trajectory.length; i++) {
    const a = trajectory[i - 1] as readonly number[];
    const b = trajectory[i] as readonly number[];
    len += Math.hypot((b[0] as number) - (a[0] as number), (b[1] as number) - (a[1] as number));
  }
  return len;
}
