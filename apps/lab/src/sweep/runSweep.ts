/**
 * A sweep, start to end, on any job runner: every cell (grid setting x training seed) hands its jobs to the
 * runner at once (the runner decides where and when they run), each cell's metrics are gathered as its jobs
 * finish, then the per-setting numbers (aggregate.ts) and the files (files.ts). What is swept and how a
 * cell becomes jobs and numbers is the target's: experiment.ts trains (and evaluates) an experiment config;
 * tests use a toy target. Finished jobs are not run again, so an interrupted sweep continues where it stopped
 * and writes the same sweep.json (its session aside).
 */
import { mkdirSync } from "node:fs";
import { findRepoRoot, gitState } from "@hjepa/experiment";
import type { Job } from "../jobs/job.ts";
import type { JobRunner } from "../jobs/runner.ts";
import { aggregateSweep, type MetricSpec, type SweepCell, sweepTable } from "./aggregate.ts";
import { METHODS, type SweepFile, writeSweepFiles } from "./files.ts";
import type { GridAxis, Setting } from "./grid.ts";
import { SweepProgress } from "./progress.ts";

/** What a target's cell gets besides its setting and seed. */
export interface CellContext {
  runner: JobRunner;
  /** A job's estimated work (any unit, the same for every job of the sweep), before it is submitted. */
  weigh(job: Job, work: number): void;
}

/** What is swept: its description, its metrics, and how one cell is computed from jobs. */
export interface SweepTarget {
  source: Record<string, unknown>;
  metrics: MetricSpec[];
  /** The jobs and the work the whole sweep plans (for the progress line). */
  planned: { jobs: number; work: number };
  /** Extra lines for the method section (how the target's metrics are computed). */
  methods: string[];
  cell(setting: Setting, seed: number, ctx: CellContext): Promise<Record<string, number>>;
}

export interface SweepPlan {
  name: string;
  grid: GridAxis[];
  settings: Setting[];
  seeds: number[];
  target: SweepTarget;
}

export interface SweepRun {
  runner: JobRunner;
  /** How the runner is described in sweep.json ("local (2 workers)", "queue postgres://..."). */
  runnerLabel: string;
  command: string[];
  progressStream?: NodeJS.WriteStream;
  /** Each cell as soon as its metrics are known (the queue sweep records them in Postgres). */
  onCell?: (cell: SweepCell) => Promise<void>;
}

export interface SweepOutcome {
  file: SweepFile;
  json: string;
  md: string;
  plots: string[];
  /** The table as printed. */
  table: string;
}

export async function runSweep(plan: SweepPlan, out: string, run: SweepRun): Promise<SweepOutcome> {
  const started = performance.now();
  mkdirSync(out, { recursive: true });
  const { runner } = run;
  const progress = new SweepProgress(plan.target.planned, { stream: run.progressStream });
  const stopListening = runner.onEvent((e) => progress.event(e));
  const ctx: CellContext = { runner, weigh: (job, work) => progress.weigh(job.id, work) };

  let failure: unknown = null;
  const cells: SweepCell[] = [];
  const work = plan.settings.flatMap((setting) =>
    plan.seeds.map(async (seed) => {
      try {
        const metrics = await plan.target.cell(setting, seed, ctx);
        const cell = { setting: setting.key, seed, metrics };
        cells.push(cell);
        await run.onCell?.(cell);
      } catch (e) {
        // The first failure stops the rest: its error is the one reported.
        if (failure === null) {
          failure = e;
          void runner.stop();
        }
        throw e;
      }
    }),
  );
  const settled = await Promise.allSettled(work);
  stopListening();
  progress.finish();
  if (failure !== null) throw failure;
  const rejected = settled.find((s) => s.status === "rejected");
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
  await runner.close();

  // Grid then seed order, whatever order the cells finished in.
  const order = new Map(plan.settings.map((s, i) => [s.key, i]));
  cells.sort((a, b) => (order.get(a.setting) ?? 0) - (order.get(b.setting) ?? 0) || a.seed - b.seed);
  const results = aggregateSweep(plan.settings, plan.seeds, plan.target.metrics, cells);
  const git = gitState(findRepoRoot(import.meta.dirname));
  const file: SweepFile = {
    version: 1,
    name: plan.name,
    source: plan.target.source,
    grid: plan.grid,
    seeds: plan.seeds,
    metrics: plan.target.metrics,
    settings: plan.settings,
    cells,
    results,
    methods: [...METHODS, ...plan.target.methods],
    session: {
      createdAt: new Date().toISOString(),
      command: run.command,
      runner: run.runnerLabel,
      seconds: (performance.now() - started) / 1000,
      commit: git.commit,
    },
  };
  const written = await writeSweepFiles(out, file);
  return { file, ...written, table: sweepTable(results, plan.target.metrics) };
}
