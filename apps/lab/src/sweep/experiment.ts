/**
 * The sweep of an experiment config: every grid setting at every training seed is the config with the
 * setting's overrides and `seed` (loaded and validated as `hjepa train --config --set` does), trained by a
 * `train` job into `<out>/runs/` and, with a task set, evaluated on it by `eval` jobs in shards of tasks — the
 * job kinds of `hjepa compare`. Settings that differ only in the agent's planning (not in what training
 * learns, nor in the learned agent parts) share one training per seed. A cell's metrics: each level's
 * validation prediction error (relative to the copy-the-present baseline) at the longest diagnostics horizon,
 * from the run's metrics.jsonl; with tasks, success, SPL, guardrail violations and steps over its episodes.
 * Every check happens here, before any job: bad input is one `InputError` naming the setting and seed.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fullExperimentSchema } from "@hjepa/configurator";
import { loadTaskSet } from "@hjepa/envs";
import { deserializeError, InputError, isHjepaError, serializeError } from "@hjepa/errors";
import { type ExperimentConfig, fileSha256, loadConfig, mean, slug, spl } from "@hjepa/experiment";
import { datasetPath } from "@hjepa/runs";
import type { EpisodeNumbers, EvalJobResult, EvalJobSpec } from "../compare/evalJob.ts";
import { comparisonRoot, EVAL_SHARD_TASKS, scheduledCompute, shownPath as shown } from "../compare/plan.ts";
import { split } from "../compare/runCompare.ts";
import { runKey } from "../compare/runIdentity.ts";
import type { TrainJobResult, TrainJobSpec } from "../compare/trainJob.ts";
import { episodeWork, trainWork } from "../compare/work.ts";
import { checkConfigEnv } from "../envFlags.ts";
import { contentHash, type Job, jobId } from "../jobs/job.ts";
import type { MetricSpec } from "./aggregate.ts";
import { expandGrid, type GridAxis, type Setting } from "./grid.ts";
import type { CellContext, SweepPlan } from "./runSweep.ts";

export interface ExperimentSweepRequest {
  /** The experiment config (absolute). */
  config: string;
  grid: GridAxis[];
  seeds: number[];
  /** A task set to evaluate every cell on (absolute), or null: training only. */
  tasks: string | null;
  /** The first N tasks of each bin (default: all). */
  limit?: number;
  out: string;
  /** The folder `data.cacheDir` is relative to (the repository root). */
  dataRoot: string;
  /** Migration notes of the config (printed once). */
  onNote?: (line: string) => void;
}

interface Unit {
  config: ExperimentConfig;
  job: Job<TrainJobSpec>;
  ready: Promise<{ run: TrainJobResult; metrics: Record<string, number> }> | null;
}

export function planExperimentSweep(req: ExperimentSweepRequest): SweepPlan {
  if (!existsSync(req.config))
    throw new InputError(`--config ${req.config}: no such file (expected an experiment config)`);
  const raw = readJson(req.config);
  if (raw !== null && typeof raw === "object" && "arms" in raw)
    throw new InputError(
      `--config ${req.config}: a comparison file; hjepa sweep takes an experiment config (a comparison's arms ` +
        "are already its settings: sweep the experiment config it names, with --tasks its task set)",
    );
  const settings = expandGrid(req.grid);
  const root = comparisonRoot(req.config);
  const notes = new Set<string>();
  const configs = new Map<string, ExperimentConfig>();
  for (const setting of settings)
    for (const seed of req.seeds)
      configs.set(cellId(setting, seed), cellConfig(req, setting, seed, root, notes));
  for (const n of notes) req.onNote?.(n);

  const units = new Map<string, Unit>();
  const unitOf = new Map<string, Unit>();
  for (const [cell, config] of configs) {
    const learned = { landmarks: config.agent.landmarks, hazard: config.agent.guardrails.hazard };
    // The identity compare gives a train job: the same training has the same id in both.
    const identity = { key: runKey(config), agent: learned };
    const hash = contentHash(identity).slice(0, 12);
    let unit = units.get(hash);
    if (unit === undefined) {
      const spec: TrainJobSpec = {
        config,
        runDir: join(req.out, "runs", `${slug(config.name)}-s${config.seed}-${hash}`),
        dataRoot: req.dataRoot,
      };
      const job: Job<TrainJobSpec> = {
        kind: "train",
        id: jobId("train", identity),
        spec,
        title: `train ${config.name} seed ${config.seed} (${hash})`,
      };
      unit = { config, job, ready: null };
      units.set(hash, unit);
    }
    unitOf.set(cell, unit);
  }

  const first = configs.values().next().value as ExperimentConfig;
  const envIds = new Set([...configs.values()].map((c) => c.env.id));
  if (envIds.size > 1)
    throw new InputError(
      `--grid: the settings use different environments (${[...envIds].join(", ")}); sweep one at a time`,
    );
  const tasks = req.tasks === null ? null : selectTasks(req.tasks, first.env.id, req.limit);
  const shards = tasks === null ? [] : split(tasks.ids, EVAL_SHARD_TASKS);

  const levels = Math.max(...[...configs.values()].map((c) => c.world.levels.length));
  const metrics: MetricSpec[] = [
    ...Array.from({ length: levels }, (_, i) => ({
      name: `predictionL${i + 1}`,
      label: `level ${i + 1} prediction error`,
      unit: "error / baseline, longest horizon",
      range: [0, null] as [number, null],
    })),
    ...(tasks === null ? [] : EVAL_METRICS),
  ];
  const trainWeight = (u: Unit) => {
    const w = trainWork(u.config, !existsSync(datasetPath(u.config, req.dataRoot)));
    return w.collect + w.levels.reduce((a, b) => a + b, 0);
  };
  const evalWeight = (c: ExperimentConfig, n: number) => n * episodeWork(c, scheduledCompute(c.agent));
  const planned = {
    jobs: units.size + configs.size * shards.length,
    work:
      [...units.values()].reduce((a, u) => a + trainWeight(u), 0) +
      [...configs.values()].reduce((a, c) => a + evalWeight(c, tasks?.ids.length ?? 0), 0),
  };

  const train = (unit: Unit, ctx: CellContext) => {
    unit.ready ??= (async () => {
      ctx.weigh(unit.job, trainWeight(unit));
      const run = await ctx.runner.submit<TrainJobResult>(unit.job);
      return { run, metrics: trainMetrics(run.runDir) };
    })();
    return unit.ready;
  };

  return {
    name: sweepName(req.config),
    grid: req.grid,
    settings,
    seeds: req.seeds,
    target: {
      source: {
        config: shown(root, req.config),
        tasks:
          tasks === null
            ? null
            : `${shown(root, tasks.file)} (${tasks.ids.length} tasks, sha256 ${tasks.sha256.slice(0, 12)})`,
        runs: shown(root, join(req.out, "runs")),
      },
      metrics,
      planned,
      methods: [
        "level N prediction error: the run's last validation diagnostics, error / baseline (predicting no change) at its longest horizon",
        ...(tasks === null ? [] : EVAL_METHODS),
      ],
      async cell(setting, seed, ctx) {
        const config = configs.get(cellId(setting, seed)) as ExperimentConfig;
        const { run, metrics: trained } = await train(unitOf.get(cellId(setting, seed)) as Unit, ctx);
        if (tasks === null) return trained;
        const jobs = shards.map((ids) => evalJob(config, run, tasks, ids, req.dataRoot, setting));
        for (const [i, job] of jobs.entries()) ctx.weigh(job, evalWeight(config, shards[i]?.length ?? 0));
        const results = await Promise.all(jobs.map((j) => ctx.runner.submit<EvalJobResult>(j)));
        return { ...trained, ...episodeMetrics(results.flatMap((r) => r.episodes)) };
      },
    },
  };
}

const EVAL_METRICS: MetricSpec[] = [
  { name: "success", label: "success", unit: "% of episodes", percent: true, range: [0, 1] },
  { name: "spl", label: "SPL", unit: "0 to 1", range: [0, 1] },
  {
    name: "violations",
    label: "episodes with a violation",
    unit: "% of episodes",
    percent: true,
    range: [0, 1],
  },
  { name: "steps", label: "steps", unit: "env steps per episode", range: [0, null] },
];
const EVAL_METHODS = [
  "success, SPL (success weighted by shortest path / path taken), violations and steps: over the seed's episodes on the task set, " +
    "each episode seeded by its task (as hjepa eval and hjepa compare)",
];

function cellId(setting: Setting, seed: number): string {
  return `${setting.key}|${seed}`;
}

function cellConfig(
  req: ExperimentSweepRequest,
  setting: Setting,
  seed: number,
  root: string,
  notes: Set<string>,
) {
  const where = `setting ${setting.label}, seed ${seed}`;
  let config: ExperimentConfig;
  try {
    config = loadConfig(req.config, fullExperimentSchema, [...setting.overrides, `seed=${seed}`], {
      onNote: (n) => notes.add(n),
    });
    checkConfigEnv(req.config, config.env.id, { ...config.env.kwargs, ...config.data.collectKwargs });
  } catch (e) {
    if (!isHjepaError(e)) throw e;
    // The config's own message, with the cell that made it in front.
    throw deserializeError({
      ...serializeError(e),
      message: `${where}: ${e.message.replace(/^--set /, "--grid ")}`,
    });
  }
  const mapFile = config.env.kwargs.mapFile;
  if (typeof mapFile === "string" && !isAbsolute(mapFile))
    return {
      ...config,
      env: { ...config.env, kwargs: { ...config.env.kwargs, mapFile: resolve(root, mapFile) } },
    };
  return config;
}

function selectTasks(file: string, envId: string, limit: number | undefined) {
  if (!existsSync(file))
    throw new InputError(`--tasks ${file}: no such file (expected a task set from hjepa tasks)`);
  const set = loadTaskSet(file, { envId });
  const taken = new Map<string, number>();
  const ids = set.tasks.flatMap((t) => {
    const n = taken.get(t.bin) ?? 0;
    if (limit !== undefined && n >= limit) return [];
    taken.set(t.bin, n + 1);
    return [t.id];
  });
  return { file, sha256: fileSha256(file), ids };
}

function evalJob(
  config: ExperimentConfig,
  run: TrainJobResult,
  tasks: { file: string; sha256: string },
  taskIds: string[],
  dataRoot: string,
  setting: Setting,
): Job<EvalJobSpec> {
  // The identity compare gives an eval job: the same evaluation has the same id in both.
  const identity = {
    model: run.model,
    seed: config.seed,
    agent: config.agent,
    tasks: { sha256: tasks.sha256, ids: taskIds },
    pictures: [],
  };
  return {
    kind: "eval",
    id: jobId("eval", identity),
    spec: {
      runDir: run.runDir,
      agent: config.agent,
      tasksPath: tasks.file,
      tasksSha256: tasks.sha256,
      taskIds,
      pictureIds: [],
      dataRoot,
    },
    title: `${setting.label}, seed ${config.seed}, tasks ${taskIds[0]}..${taskIds.at(-1)}`,
  };
}

function episodeMetrics(episodes: readonly EpisodeNumbers[]): Record<string, number> {
  const frac = (f: (e: EpisodeNumbers) => boolean) =>
    episodes.filter(f).length / Math.max(1, episodes.length);
  return {
    success: frac((e) => e.success),
    spl: episodes.length > 0 ? mean(episodes.map((e) => spl(e.success, e.optimal, e.pathLength))) : 0,
    violations: frac((e) => e.violations > 0),
    steps: episodes.length > 0 ? mean(episodes.map((e) => e.steps)) : 0,
  };
}

/** Each level's last validation diagnostics: error / baseline at the longest horizon (metrics.jsonl). */
export function trainMetrics(runDir: string): Record<string, number> {
  const file = join(runDir, "metrics.jsonl");
  if (!existsSync(file)) return {};
  const last = new Map<number, { horizon: number; ratio: number }[]>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.includes('"diagnostics"')) continue;
    const row = JSON.parse(line) as {
      kind?: string;
      level?: number;
      prediction?: { horizon: number; ratio: number }[];
    };
    if (row.kind === "diagnostics" && Array.isArray(row.prediction)) last.set(row.level ?? 1, row.prediction);
  }
  const out: Record<string, number> = {};
  for (const [level, rows] of last) {
    const longest = rows.reduce<{ horizon: number; ratio: number } | null>(
      (a, r) => (a === null || r.horizon > a.horizon ? r : a),
      null,
    );
    if (longest && Number.isFinite(longest.ratio)) out[`predictionL${level}`] = longest.ratio;
  }
  return out;
}

/** The sweep's name: the config's `name`, as a folder name (its default output is runs/sweeps/<name>). */
export function sweepName(configFile: string): string {
  const raw = readJson(configFile) as { name?: unknown } | null;
  return typeof raw?.name === "string" ? slug(raw.name) : "sweep";
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // Missing or not JSON: loadConfig says so with its own message.
    return null;
  }
}
