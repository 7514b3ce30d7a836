import type { LandmarkSet, Planner, PlanResult } from "@hjepa/actor";
import type { WorldModel } from "@hjepa/contracts";
import type { Cost } from "@hjepa/cost";
import type { PlanningEnv } from "@hjepa/envs";
import { EpisodeMemory } from "@hjepa/memory";
import { tf } from "@hjepa/tensor";
import type { Box, Discrete, Env, Rng } from "gymnasium-js";

/** Per-decision plan settings (what the configurator decides for a task and step). */
export interface PlanSettings {
  horizon: number;
  /** Predictor calls (candidate-steps) per decision. */
  budget: number;
  /** Execute this many actions of a plan before replanning (receding horizon). */
  replanEvery: number;
  /** Replan at once when surprise (squared distance observed vs predicted representation) exceeds this. */
  surpriseThreshold: number | null;
}

export interface AgentParts {
  /** The world model (every level); the agent encodes with it and plans at its level 1. */
  model: WorldModel;
  planner: Planner;
  cost: Cost;
  /** Representations of real states that graph planners snap imagined states to (optional). */
  landmarks?: LandmarkSet | null;
  /** Chooses plan settings per episode and step (a fixed function for a flat agent). */
  configure: (ctx: { step: number; episode: EpisodeMemory }) => PlanSettings;
}

export interface EpisodeOptions {
  start?: readonly number[];
  goal?: readonly number[];
  seed: number;
  maxSteps: number;
  rng: Rng;
  /** Keep going after success (PLDM's protocol counts success at any step; default: stop). */
  stopOnSuccess?: boolean;
}

export interface Decision {
  step: number;
  ms: number;
  predictorCalls: number;
  cost: number;
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
}

/**
 * The perceive -> plan -> act -> remember loop: encode the observation and the goal, ask the configurator for
 * plan settings, plan in representation space, execute the first `replanEvery` actions (receding horizon), and
 * replan early when the world surprises the model; stop at success or at the step budget.
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
  let memory: EpisodeMemory | null = null;
  let current = obs;
  let plan: PlanResult | null = null;
  let firstPlan: PlanResult | null = null;
  let sincePlan = 0;
  let success = core.isSuccess(core.trueState(), core.goalState());
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
      const surprise = memory.observe(step, zValues, core.trueState());
      const settings = parts.configure({ step, episode: memory });
      const surprised = settings.surpriseThreshold !== null && surprise > settings.surpriseThreshold;
      if (
        plan === null ||
        sincePlan >= settings.replanEvery ||
        sincePlan >= plan.actions.length / actionSize(space) ||
        surprised
      ) {
        const t0 = performance.now();
        const warmStart: PlanResult | null = plan;
        plan = parts.planner.plan({
          state: z,
          goal,
          model: parts.model.levels[0],
          cost: parts.cost,
          actionSpace: space,
          horizon: settings.horizon,
          budget: settings.budget,
          rng: opts.rng,
          warmStart: warmStart && sincePlan > 0 ? warmStart : null,
          landmarks: parts.landmarks ?? null,
        });
        decisions.push({
          step,
          ms: performance.now() - t0,
          predictorCalls: plan.stats.predictorCalls,
          cost: plan.cost,
        });
        memory.recordPlan({
          step,
          horizon: settings.horizon,
          predicted: plan.predicted,
          actions: plan.actions,
        });
        firstPlan ??= plan;
        sincePlan = 0;
      }
      z.dispose();
      const action = actionAt(plan, sincePlan, space);
      const r = env.step(action);
      sincePlan += 1;
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
  };
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
