import { type ChildProcess, fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { checkAgentExtras, fullExperimentSchema, loadAgentExtras } from "@hjepa/configurator";
import type { WorldModel } from "@hjepa/contracts";
import { loadTaskSet, type TaskSet } from "@hjepa/envs";
import { deserializeError, type SerializedError, serializeError } from "@hjepa/errors";
import {
  applyOverrides,
  type ExperimentConfig,
  findRepoRoot,
  migrateConfig,
  RunFolder,
  validateConfig,
  writeJsonAtomic,
} from "@hjepa/experiment";
import { loadWorldModel, makeRunEnv, prepareData, trueDynamicsModel } from "@hjepa/runs";
import { initTensors } from "@hjepa/tensor";
import { fitLinearProbe } from "@hjepa/world-model";
import { Rng } from "gymnasium-js";
import { type EpisodeRecord, runTasks } from "./episodes.ts";
import { type BinSummary, summarize } from "./report.ts";

export interface EvalRequest {
  runDir: string;
  tasksPath: string;
  planner?: string;
  /** `--set` overrides on the run's config (e.g. agent.horizon=32). */
  overrides: string[];
  /** Only the first N tasks (all when absent). */
  limit?: number;
  /** Episodes of the first N tasks keep their subgoals, for pictures (none when absent). */
  pictures?: number;
  /**
   * "learned" (default): the run's trained levels. "true-dynamics": the env's exact simulator on true states
   * (`trueDynamicsModel`), planned with the same agent: an upper bound for the planner and its cost.
   */
  world?: EvalWorld;
}

export type EvalWorld = "learned" | "true-dynamics";

/** The world model an evaluation plans with; eval frees it when done. */
export type EvalWorldModel = WorldModel & { dispose(): void };

export interface EvalOutcome {
  config: ExperimentConfig;
  set: TaskSet;
  records: EpisodeRecord[];
  summaries: BinSummary[];
}

/**
 * The run's config with the eval's overrides and the task set, checked against each other: cheap (no model, no
 * tensors), so that `hjepa eval` rejects bad input before it announces or loads anything.
 */
export function checkEval(req: EvalRequest): { config: ExperimentConfig; set: TaskSet } {
  const run = RunFolder.open(req.runDir);
  const overrides = [...req.overrides, ...(req.planner ? [`agent.planner=${req.planner}`] : [])];
  const config = validateConfig(
    fullExperimentSchema,
    applyOverrides(migrateConfig(run.config(), join(req.runDir, "config.json")).config, overrides),
    `${req.runDir}/config.json${overrides.length ? " with --set" : ""}`,
  );
  // The task set must be for the run's env, with states of its size.
  const set = loadTaskSet(req.tasksPath, { envId: config.env.id });
  // The learned agent parts the config needs must be saved in the run (made by hjepa prepare): eval never trains.
  checkAgentExtras(run, config);
  return { config, set };
}

/**
 * The run's world model (every level; the agent plans at level 1) and config with the eval's overrides, and the
 * task set (checked against the run's env). `step` is level 1's.
 */
export async function prepareEval(
  req: EvalRequest,
): Promise<{ model: EvalWorldModel; config: ExperimentConfig; set: TaskSet; step: number }> {
  const { config, set } = checkEval(req);
  if (req.world === "true-dynamics") return { model: trueDynamicsModel(config), config, set, step: 0 };
  const loaded = await loadWorldModel(req.runDir);
  return { model: loaded.model, config, set, step: loaded.step };
}

/**
 * Evaluates a run on a task set: every task once, the same step and planning budgets for all, episodes spread
 * over `workers` processes (each deterministic per task index, so the split does not change results).
 */
export async function evaluate(
  req: EvalRequest,
  opts: { workers: number; onEpisode?: (r: EpisodeRecord) => void },
): Promise<EvalOutcome & { model: EvalWorldModel }> {
  const { model, config, set } = await prepareEval(req);
  const n = Math.min(set.tasks.length, req.limit ?? set.tasks.length);
  const indices = Array.from({ length: n }, (_, i) => i);
  const workers = Math.max(1, Math.min(opts.workers, n));
  let records: EpisodeRecord[];
  if (workers === 1) {
    const extras = await loadAgentExtras(req.runDir, config);
    records = runTasks(config, model, set, indices, extras, opts.onEpisode, req.pictures ?? 0);
    extras.hazard?.dispose();
    extras.critic?.dispose();
  } else {
    const shards = Array.from({ length: workers }, (_, w) => indices.filter((i) => i % workers === w));
    const parts = await Promise.all(shards.map((shard) => runWorker(req, shard, opts.onEpisode)));
    records = parts.flat();
  }
  const order = new Map(set.tasks.map((t, i) => [t.id, i]));
  records.sort((a, b) => (order.get(a.id) as number) - (order.get(b.id) as number));
  return { model, config, set, records, summaries: summarize(records) };
}

/** Default worker count: one per core when there are enough episodes to share, else one. */
export function defaultWorkers(tasks: number): number {
  return tasks >= 8 ? Math.max(1, Math.min(availableParallelism(), 4)) : 1;
}

const children = new Set<ChildProcess>();

/** Kills every running eval worker (on Ctrl-C: a worker mid-episode would otherwise finish its whole shard). */
export function stopWorkers(): void {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
}

function runWorker(
  req: EvalRequest,
  indices: number[],
  onEpisode?: (r: EpisodeRecord) => void,
): Promise<EpisodeRecord[]> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(process.argv[1] as string, ["eval-worker"], {
      execArgv: process.execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.add(child);
    const out: EpisodeRecord[] = [];
    child.on("message", (m: { type: string; record?: EpisodeRecord; error?: SerializedError }) => {
      if (m.type === "episode" && m.record) {
        out.push(m.record);
        onEpisode?.(m.record);
      } else if (m.type === "error" && m.error) reject(deserializeError(m.error));
      else if (m.type === "done") resolve(out);
    });
    child.on("exit", (code) => {
      children.delete(child);
      if (code !== 0) reject(new Error(`eval worker exited with code ${code}`));
    });
    child.send({ req, indices });
  });
}

/** The child side of `runWorker` (the hidden `hjepa eval-worker` command). */
export async function evalWorker(): Promise<void> {
  const msg = await new Promise<{ req: EvalRequest; indices: number[] }>((resolve) =>
    process.once("message", resolve as never),
  );
  try {
    // Tensors first: loading the model allocates them.
    await initTensors({
      backend: RunFolder.open(msg.req.runDir).config<{ backend?: "auto" }>().backend ?? "auto",
    });
    const { model, config } = await prepareEval(msg.req);
    const set = loadTaskSet(msg.req.tasksPath);
    const extras = await loadAgentExtras(msg.req.runDir, config);
    runTasks(
      config,
      model,
      set,
      msg.indices,
      extras,
      (record) => process.send?.({ type: "episode", record }),
      msg.req.pictures ?? 0,
    );
    extras.hazard?.dispose();
    extras.critic?.dispose();
    process.send?.({ type: "done" });
  } catch (e) {
    process.send?.({ type: "error", error: serializeError(e) });
  }
  process.disconnect?.();
}

/**
 * Decodes level-1 representations (plans, subgoals) to true states for pictures: a linear probe fitted on 2048
 * frames of the run's dataset drawn with `rng`.
 */
export async function probeDecoder(
  config: ExperimentConfig,
  model: WorldModel,
  root: string,
  rng: Rng,
): Promise<{ name: string; dim: number; decode: (rows: readonly number[], n: number) => number[][] }> {
  const { data } = await prepareData(config, { root });
  const w = data.sampleArrays(2048, 1, rng, "train");
  const d = model.levels[0].dim;
  const sd = data.dataset.stateDim;
  const probe = fitLinearProbe(data.encodeFrames(model, w), w.states, w.batch, d, sd);
  return {
    name: "a linear probe (level-1 representation -> true state) fitted on the run's dataset",
    dim: d,
    decode: (rows, n) => {
      const flat = probe.predict(rows, n);
      return Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * sd, (i + 1) * sd)));
    },
  };
}

/**
 * The report of an evaluation, written after results.json: the first `count` episodes on the map (SVG, with the
 * first plan and each level's subgoals decoded to positions by a linear probe, representation -> true state,
 * fitted on the run's dataset), saved as trajectories.json for `hjepa report`; success and SPL by bin; and
 * index.html with the summary table and every plot. Returns the files written, index.html last.
 */
export async function drawEpisodes(
  outcome: EvalOutcome & { model: EvalWorldModel },
  dir: string,
  count: number,
): Promise<string[]> {
  const { episodePictures, writeEpisodePictures, writeEvalReport } = await import("./evalReport.ts");
  const { mapViewOf } = await import("./mapView.ts");
  if (count <= 0 || outcome.records.length === 0) return (await writeEvalReport(dir)).files;
  const { config, model } = outcome;
  const root = findRepoRoot(process.env.INIT_CWD ?? process.cwd());
  const decoder = await probeDecoder(config, model, root, new Rng(config.seed + 13));
  const { core } = makeRunEnv(config);
  const pictures = episodePictures(
    outcome.set.envId ?? config.env.id,
    outcome.records,
    mapViewOf(core),
    count,
    decoder,
  );
  const file = writeEpisodePictures(dir, pictures);
  return [file, ...(await writeEvalReport(dir, { pictures })).files];
}

/** Writes results.json (config, per-episode records, per-bin summaries) atomically. */
export function writeResults(dir: string, outcome: EvalOutcome, meta: Record<string, unknown>): string {
  const file = join(dir, "results.json");
  writeJsonAtomic(file, {
    ...meta,
    agent: outcome.config.agent,
    envId: outcome.set.envId,
    taskSeed: outcome.set.seed,
    summaries: outcome.summaries,
    episodes: outcome.records,
  });
  return file;
}
