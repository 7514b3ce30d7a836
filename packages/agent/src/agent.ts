import type { LevelPlanStats, PlanResult, Subgoal } from "@hjepa/actor";
import type { PlanningEnv } from "@hjepa/envs";
import { EpisodeMemory } from "@hjepa/memory";
import { tf } from "@hjepa/tensor";
import type { Box, Discrete, Env, Rng } from "gymnasium-js";
import { Hierarchy } from "./hierarchy.ts";
import type { AgentParts } from "./settings.ts";

export interface EpisodeOptions {
  start?: readonly number[];
  goal?: readonly number[];
  seed: number;
  maxSteps: number;
  rng: Rng;
  /** Keep going after success (PLDM's protocol counts success at any step; default: stop). */
  stopOnSuccess?: boolean;
}

/** One step at which some level planned. */
export interface Decision {
  step: number;
  /** Milliseconds planning at this step, over every level. */
  ms: number;
  /** Candidate-steps over every level. */
  predictorCalls: number;
  /** Compute over every level, in cost units (each level's calls at its cost per call). */
  costUnits: number;
  /** The level-1 plan's cost. */
  cost: number;
  /** Per level (top first): whether it planned and what it spent; and the subgoals handed down. */
  levels: LevelPlanStats[];
  subgoals: Subgoal[];
  /** The configurator's strategy in force (`PlanSettings.stage`), when it names one. */
  stage?: string;
}

/** A change of strategy by the configurator during an episode (adaptation from memory). */
export interface Adaptation {
  /** The env step from which the new settings apply. */
  step: number;
  /** The strategy moved to (`PlanSettings.stage`). */
  stage: string;
}

export interface EpisodeResult {
  success: boolean;
  /** Steps taken until success (or the step budget). */
  steps: number;
  /** True states visited, from the start. */
  trajectory: number[][];
  /** Sum of `info.cost` (hazard entries) over the episode. */
  violations: number;
  decisions: Decision[];
  memory: EpisodeMemory;
  /** The first plan's imagined representations ([H, d]), for pictures. */
  firstPlan: PlanResult | null;
  /** Every change of strategy, in order (empty when the configurator kept its first). */
  adaptations: Adaptation[];
}

/**
 * The perceive -> plan -> act -> remember loop: encode the observation and the goal, ask the configurator for
 * plan settings, plan in representation space at each configured level (the higher level's prediction is the
 * lower level's subgoal; see `Hierarchy`), execute level 1's plan (receding horizon), and replan a level early
 * when the world surprises it; stop at success or at the step budget. A flat agent is the one-level case.
 */
export function runEpisode(
  env: Env<unknown, unknown>,
  core: PlanningEnv,
  parts: AgentParts,
  opts: EpisodeOptions,
): EpisodeResult {
  const options: Record<string, unknown> = {};
  if (opts.start) options.start = [...opts.start];
  if (opts.goal) options.goal = [...opts.goal];
  const { obs, info } = env.reset({ seed: opts.seed, options });
  const goal = tf.tidy(() =>
    parts.model.encode(toBatch(info.goalObs as ArrayLike<number>, parts.model.obsShape)),
  );
  const goalValues = goal.dataSync().slice() as Float32Array;
  const hierarchy = new Hierarchy(parts, opts.rng);
  const adaptations: Adaptation[] = [];
  let stage: string | undefined;
  const oracle = parts.subgoalOracle ?? null;
  const goalState = core.goalState();
  let memory: EpisodeMemory | null = null;
  let current = obs;
  let firstPlan: PlanResult | null = null;
  let success = core.isSuccess(core.trueState(), goalState);
  let violations = 0;
  const trajectory = [core.trueState()];
  const decisions: Decision[] = [];
  const space = env.actionSpace as Box | Discrete;
  let step = 0;
  try {
    while (step < opts.maxSteps && !(success && opts.stopOnSuccess !== false)) {
      const z = tf.tidy(() =>
        parts.model.encode(toBatch(current as ArrayLike<number>, parts.model.obsShape)),
      );
      const zValues = z.dataSync();
      memory ??= new EpisodeMemory(zValues.length);
      const state = core.trueState();
      const surprise = memory.observe(step, zValues, state);
      const settings = parts.configure({ step, episode: memory, goal: goalValues });
      if (settings.stage !== stage) {
        if (stage !== undefined && settings.stage !== undefined)
          adaptations.push({ step, stage: settings.stage });
        stage = settings.stage;
      }
      const t0 = performance.now();
      const decision = hierarchy.decide(
        step,
        z as tf.Tensor2D,
        goal,
        settings,
        memory,
        surprise,
        oracle ? () => oracle.subgoal(state, goalState) : null,
      );
      z.dispose();
      if (decision.planned) {
        decisions.push({
          step,
          ms: performance.now() - t0,
          predictorCalls: sum(decision.plan.hierarchy.levels.map((l) => l.predictorCalls)),
          costUnits: sum(decision.plan.hierarchy.levels.map((l) => l.costUnits)),
          cost: decision.plan.cost,
          levels: decision.plan.hierarchy.levels,
          subgoals: decision.plan.hierarchy.subgoals,
          ...(stage !== undefined ? { stage } : {}),
        });
        firstPlan ??= decision.plan;
      }
      const action = actionAt(decision.plan, decision.index, space);
      const r = env.step(action);
      step += 1;
      current = r.obs;
      violations += Number(r.info.cost ?? 0);
      trajectory.push(core.trueState());
      success = success || Boolean(r.info.success);
      if (r.truncated || (r.terminated && !r.info.success)) break;
    }
  } finally {
    goal.dispose();
  }
  return {
    success,
    steps: step,
    trajectory,
    violations,
    decisions,
    memory: memory ?? new EpisodeMemory(1),
    firstPlan,
    adaptations,
  };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function toBatch(obs: ArrayLike<number>, shape: readonly number[]): tf.Tensor {
  const data = obs instanceof Uint8Array ? Int32Array.from(obs) : Float32Array.from(obs);
  return tf.tensor(data, [1, ...shape], obs instanceof Uint8Array ? "int32" : "float32");
}

function actionSize(space: Box | Discrete): number {
  return "n" in space ? 1 : space.size;
}

/** The `i`-th action of a plan in the env's action format (Float32Array for a Box, an integer for Discrete). */
function actionAt(plan: PlanResult, i: number, space: Box | Discrete): unknown {
  const k = actionSize(space);
  const a = plan.actions.subarray(i * k, (i + 1) * k);
  if ("n" in space) return Math.round(a[0] as number);
  const out = new Float32Array(k);
  for (let j = 0; j < k; j++)
    out[j] = Math.min(space.high[j] as number, Math.max(space.low[j] as number, a[j] as number));
  return out;
}
