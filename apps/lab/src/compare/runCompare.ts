/**
 * `hjepa compare`, start to end: plan (every check, nothing written), then jobs on a job runner — a train job per
 * run that is missing, and, once a run is ready, eval jobs for every arm, budget and seed on it in shards of
 * tasks — then the numbers (aggregate.ts), comparison.json and comparison.md, and the report. Finished jobs are
 * found in `<out>/jobs` and not run again, so an interrupted comparison continues where it stopped, and its
 * comparison.json is the one an uninterrupted run writes (timing aside).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot, gitState, lockfileHash, RunFolder } from "@hjepa/experiment";
import { datasetPath } from "@hjepa/runs";
import { type Job, jobId } from "../jobs/job.ts";
import { LocalJobRunner } from "../jobs/local.ts";
import type { JobRunner } from "../jobs/runner.ts";
import { aggregate, cellKey } from "./aggregate.ts";
import { type ComparisonFile, writeComparisonFiles } from "./comparisonFile.ts";
import type { EpisodeNumbers, EvalJobResult, EvalJobSpec } from "./evalJob.ts";
import { examples, mergePictures } from "./examples.ts";
import {
  type Cell,
  type ComparisonPlan,
  EVAL_SHARD_TASKS,
  planComparison,
  type RunUnit,
  shownPath,
} from "./plan.ts";
import { ComparisonProgress } from "./progress.ts";
import { type ModelIdentity, modelIdentity } from "./runIdentity.ts";
import { comparisonTable } from "./table.ts";
import type { TrainJobResult, TrainJobSpec } from "./trainJob.ts";
import { episodeWork, trainWork } from "./work.ts";

export interface CompareRequest {
  /** The comparison file (absolute). */
  config: string;
  /** The output folder (default: runs/comparisons/<name> under `defaultOutRoot`). */
  out?: string;
  defaultOutRoot: string;
  /** Where runs are found and trained. */
  runsDir: string;
  workers: number;
  /** The folder datasets' `cacheDir` is relative to (the repository root). */
  dataRoot: string;
  /** The command line, recorded in comparison.json's session. */
  command: string[];
  /** Where the progress line goes (default stderr). */
  progressStream?: NodeJS.WriteStream;
  /** The job runner (default: a local pool of `workers` processes with job folders in `<out>/jobs`). */
  runner?: (out: string) => JobRunner;
}

export interface CompareOutcome {
  dir: string;
  file: ComparisonFile;
  json: string;
  md: string;
  index: string;
  /** The table as printed (markdown, aligned). */
  table: string;
}

/** Checks everything and returns the plan and the output folder, writing nothing (bad input: `InputError`). */
export function prepareComparison(req: CompareRequest): { plan: ComparisonPlan; out: string } {
  const plan = planComparison(req.config, { runsDir: req.runsDir });
  const out = req.out ?? join(req.defaultOutRoot, "comparisons", plan.comparison.name);
  return { plan, out };
}

/** Runs a planned comparison. `onRunner` gets the runner once it exists (for Ctrl-C to stop it). */
export async function runComparison(
  req: CompareRequest,
  plan: ComparisonPlan,
  out: string,
  onRunner?: (runner: JobRunner) => void,
): Promise<CompareOutcome> {
  const started = performance.now();
  mkdirSync(out, { recursive: true });
  const runner =
    req.runner?.(out) ??
    new LocalJobRunner({ root: join(out, "jobs"), logDir: join(out, "logs"), workers: req.workers });
  onRunner?.(runner);
  const progress = new ComparisonProgress({ stream: req.progressStream });
  const { comparison } = plan;
  const ids = plan.tasks.selected.map((i) => plan.tasks.set.tasks[i]?.id as string);
  const shards = split(ids, EVAL_SHARD_TASKS);
  const pictures = new Set(ids.slice(0, comparison.pictures));
  const episodes = new Map<string, EpisodeNumbers[][]>();
  const drawn = new Map<string, EvalJobResult["pictures"]>();

  // Jobs the progress line weighs before any is submitted, so that its total is known from the start.
  for (const unit of plan.units) {
    if (unit.reuse === null) {
      const w = trainWork(unit.config, !existsSync(datasetPath(unit.config, req.dataRoot)));
      progress.add(
        `train:${unit.seed}:${unit.key}`,
        w.collect + w.levels.reduce((a, b) => a + b, 0),
        "train",
      );
    }
    for (const cell of unit.cells) {
      const compute = plan.arms[cell.arm]?.budgets[cell.budget]?.computePerStep ?? 0;
      shards.forEach((shard, s) => {
        const weight = shard.length * episodeWork(cell.config, compute);
        progress.add(evalSlot(cell, s), weight, "eval", shard.length);
      });
    }
  }
  const slotOf = new Map<string, { slot: string; episodes: number }>();
  const stopListening = runner.onEvent((e) => {
    const slot = slotOf.get(e.job.id);
    if (!slot) return;
    if (e.type === "skipped" || e.type === "finished") {
      const r = e.result as EvalJobResult;
      const successes = e.job.kind === "eval" ? r.episodes.filter((x) => x.success).length : 0;
      if (e.type === "skipped") progress.skipped(slot.slot, e.job.kind, slot.episodes, successes);
      else progress.finished(slot.slot, e.job.kind, slot.episodes, successes);
    } else if (e.type === "progress") {
      const eval_ = e.job.kind === "eval";
      progress.progress(
        slot.slot,
        e.total > 0 ? e.done / e.total : 0,
        eval_ ? { done: e.done, successes: e.detail?.successes ?? 0 } : undefined,
      );
    } else if (e.type === "retrying") {
      progress.restarted(slot.slot);
      (req.progressStream ?? process.stderr).write(`\n${e.reason} (${e.job.title}): running it again\n`);
    }
  });

  let failure: unknown = null;
  const fail = (e: unknown) => {
    if (failure === null) {
      failure = e;
      void runner.stop();
    }
    throw e;
  };
  const work: Promise<unknown>[] = [];
  for (const unit of plan.units) {
    const ready = readyRun(unit, runner, req, slotOf).catch(fail);
    for (const cell of unit.cells) {
      const slotEpisodes: EpisodeNumbers[][] = [];
      episodes.set(cellKey(cell.arm, cell.budget, cell.seed), slotEpisodes);
      shards.forEach((shard, s) => {
        const drawHere =
          cell.budget === 0 && cell.seed === comparison.seeds[0]
            ? shard.filter((id) => pictures.has(id))
            : [];
        work.push(
          ready
            .then((run) => {
              const job = evalJob(plan, cell, run, shard, drawHere, req.dataRoot);
              slotOf.set(job.id, { slot: evalSlot(cell, s), episodes: shard.length });
              return runner.submit<EvalJobResult>(job);
            })
            .then((r) => {
              slotEpisodes[s] = r.episodes;
              if (r.pictures)
                drawn.set(`${cell.arm}`, mergePictures(drawn.get(`${cell.arm}`) ?? null, r.pictures));
            })
            .catch(fail),
        );
      });
    }
  }
  const settled = await Promise.allSettled(work);
  stopListening();
  if (failure !== null) {
    progress.finish();
    await runner.stop();
    throw failure;
  }
  const rejected = settled.find((s) => s.status === "rejected");
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
  progress.finish();
  await runner.close();

  const flat = new Map([...episodes].map(([k, parts]) => [k, parts.flat()]));
  const { results, paired } = aggregate({
    arms: plan.arms.map((a) => ({ name: a.name, budgets: a.budgets })),
    seeds: comparison.seeds,
    bins: plan.tasks.bins,
    reference: comparison.reference,
    computePerStep: comparison.computePerStep,
    episodes: flat,
  });
  const here = findRepoRoot(import.meta.dirname);
  const git = gitState(here);
  const lockfile = lockfileHash(here);
  const runs = plan.units.map((unit) => {
    const dir = unit.reuse ?? unit.target;
    const manifest = RunFolder.open(dir).manifest;
    return {
      seed: unit.seed,
      key: unit.key.slice(0, 12),
      dir: shownPath(plan.root, dir),
      arms: [...new Set(unit.cells.map((c) => plan.arms[c.arm]?.name as string))],
      commit: manifest.git?.commit ?? null,
      lockfileSha256: manifest.lockfileSha256 ?? null,
    };
  });
  const notes = runs.flatMap((r) => [
    ...(r.commit !== git.commit
      ? [`${r.dir} was trained at commit ${r.commit ?? "unknown"} (now ${git.commit ?? "unknown"})`]
      : []),
    ...(r.lockfileSha256 !== lockfile ? [`${r.dir} was trained with another pnpm-lock.yaml`] : []),
  ]);
  const file: ComparisonFile = {
    version: 1,
    name: comparison.name,
    description: comparison.description,
    source: shownPath(plan.root, plan.file),
    comparison: comparison as unknown as Record<string, unknown>,
    env: plan.envId,
    tasks: {
      file: shownPath(plan.root, plan.tasks.file),
      sha256: plan.tasks.sha256,
      bins: plan.tasks.bins,
      ids,
    },
    seeds: comparison.seeds,
    computePerStep: comparison.computePerStep,
    reference: {
      arm: comparison.reference,
      budget: plan.arms.find((a) => a.name === comparison.reference)?.budgets[0]?.label ?? null,
    },
    arms: plan.arms.map((a) => ({
      name: a.name,
      description: a.description,
      experiment: a.experiment,
      budgets: a.budgets.map((b) => ({ label: b.label, computePerStep: b.computePerStep, set: b.set })),
    })),
    runs,
    results,
    paired,
    examples: examples(plan, drawn, flat),
    methods: METHODS,
    session: {
      createdAt: new Date().toISOString(),
      command: req.command,
      workers: req.workers,
      seconds: (performance.now() - started) / 1000,
      commit: git.commit,
      dirty: git.dirty,
      lockfileSha256: lockfile,
      notes,
    },
  };
  const { json, md } = writeComparisonFiles(out, file);
  const { renderComparisonReport } = await import("@hjepa/report");
  const { reportInput } = await import("./comparisonFile.ts");
  const report = await renderComparisonReport(reportInput(file), out);
  const table = comparisonTable(file);
  return {
    dir: out,
    file,
    json,
    md,
    index: report.index,
    table: [table.markdown, ...table.notes].join("\n"),
  };
}

/** How the numbers are computed, written under the table. */
const METHODS = [
  "success: pooled over training seeds (every episode one trial), 95% Wilson score interval; per seed: each seed's rate",
  "vs reference: paired by task and training seed, the arm's success rate minus the reference's in percentage " +
    "points, 95% interval by Newcombe's method 10 for paired proportions (pairs of all seeds together)",
  "SPL: success weighted by path length (shortest path / max(path taken, shortest)); viol.: episodes with a " +
    "guardrail violation; ms and predictor calls per decision; cost units/step: measured compute per env step " +
    "over every level (a level-1 predictor call on one candidate is 1), mean over episodes",
];

/** The run a unit's cells evaluate on: reused as it is, or trained (or finished) by a train job. */
async function readyRun(
  unit: RunUnit,
  runner: JobRunner,
  req: CompareRequest,
  slotOf: Map<string, { slot: string; episodes: number }>,
): Promise<{ runDir: string; model: ModelIdentity }> {
  if (unit.reuse !== null) return { runDir: unit.reuse, model: modelIdentity(unit.reuse) };
  const spec: TrainJobSpec = { config: unit.config, runDir: unit.target, dataRoot: req.dataRoot };
  const job: Job<TrainJobSpec> = {
    kind: "train",
    id: jobId("train", { key: unit.key, agent: learnedSections(unit) }),
    spec,
    title: `train ${unit.config.name} seed ${unit.seed}`,
  };
  slotOf.set(job.id, { slot: `train:${unit.seed}:${unit.key}`, episodes: 0 });
  const result = await runner.submit<TrainJobResult>(job);
  return { runDir: result.runDir, model: result.model };
}

/** The learned agent parts a run's training makes: part of its train job's identity. */
function learnedSections(unit: RunUnit): unknown {
  return { landmarks: unit.config.agent.landmarks, hazard: unit.config.agent.guardrails.hazard };
}

function evalJob(
  plan: ComparisonPlan,
  cell: Cell,
  run: { runDir: string; model: ModelIdentity },
  taskIds: string[],
  pictureIds: string[],
  dataRoot: string,
): Job<EvalJobSpec> {
  const arm = plan.arms[cell.arm];
  const budget = arm?.budgets[cell.budget]?.label;
  const identity = {
    model: run.model,
    seed: cell.seed,
    agent: cell.config.agent,
    tasks: { sha256: plan.tasks.sha256, ids: taskIds },
    pictures: pictureIds,
  };
  return {
    kind: "eval",
    id: jobId("eval", identity),
    spec: {
      runDir: run.runDir,
      agent: cell.config.agent,
      tasksPath: plan.tasks.file,
      tasksSha256: plan.tasks.sha256,
      taskIds,
      pictureIds,
      dataRoot,
    },
    title: `${arm?.name}${budget ? ` @ ${budget}` : ""}, seed ${cell.seed}, tasks ${taskIds[0]}..${taskIds.at(-1)}`,
  };
}

function evalSlot(cell: Cell, shard: number): string {
  return `eval:${cell.arm}:${cell.budget}:${cell.seed}:${shard}`;
}

/** `ids` in `ceil(n / size)` consecutive chunks of nearly equal length. */
export function split<T>(ids: readonly T[], size: number): T[][] {
  const k = Math.max(1, Math.ceil(ids.length / size));
  const out: T[][] = [];
  let at = 0;
  for (let i = 0; i < k; i++) {
    const n = Math.floor(ids.length / k) + (i < ids.length % k ? 1 : 0);
    out.push(ids.slice(at, at + n));
    at += n;
  }
  return out;
}
