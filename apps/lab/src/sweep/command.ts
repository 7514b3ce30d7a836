/**
 * What `hjepa sweep` prints around a sweep: the plan (settings, seeds, trainings, evaluations, where jobs
 * run), the progress line, and at the end the table and the files. On the local pool by default; with `--db`
 * on the Postgres queue, where the sweep's plan and cells are recorded for `hjepa sweep status|report`.
 * Ctrl-C (or SIGTERM) stops: the local pool's workers are killed and every finished job kept; on the queue
 * the submitter stops waiting and the workers go on. Either way the same command continues: exit code 130.
 */
import { join, relative } from "node:path";
import { deserializeError, isHjepaError, serializeError } from "@hjepa/errors";
import { findRepoRoot } from "@hjepa/experiment";
import { handleInterrupts } from "../interrupt.ts";
import { LocalJobRunner } from "../jobs/local.ts";
import { QueueJobRunner } from "../jobs/queue.ts";
import { connect, redact } from "../jobs/queueDb.ts";
import { JobFailedError, type JobRunner, JobsStopped } from "../jobs/runner.ts";
import { type ExperimentSweepRequest, planExperimentSweep, sweepName } from "./experiment.ts";
import { runSweep, type SweepOutcome } from "./runSweep.ts";
import { saveCell, saveSweep } from "./sweepDb.ts";

export interface SweepCommandOptions extends Omit<ExperimentSweepRequest, "out" | "dataRoot"> {
  /** The output folder (default: runs/sweeps/<config name> under `defaultRoot`). */
  out?: string;
  defaultRoot: string;
  workers: number;
  db?: string;
}

export async function sweepCommand(opts: SweepCommandOptions): Promise<SweepOutcome | null> {
  const dataRoot = findRepoRoot(process.env.INIT_CWD ?? process.cwd());
  const out = opts.out ?? join(opts.defaultRoot, "sweeps", sweepName(opts.config));
  const notes = (line: string) => process.stderr.write(`note: ${line}\n`);
  // Every check first: bad input prints one line and writes nothing.
  const plan = planExperimentSweep({ ...opts, out, dataRoot, onNote: notes });
  const show = (p: string) =>
    relative(process.cwd(), p).startsWith("..") ? p : relative(process.cwd(), p) || ".";
  const { planned } = plan.target;
  console.log(
    `${plan.name}: ${plan.settings.length} setting(s) x ${plan.seeds.length} seed(s) = ` +
      `${plan.settings.length * plan.seeds.length} cells, ${planned.jobs} jobs, on ` +
      (opts.db
        ? `the queue at ${redact(opts.db)} (start workers: hjepa worker --db URL)`
        : `${opts.workers} local worker(s)`),
  );
  for (const s of plan.settings) console.log(`  ${s.key}  ${s.label}`);
  console.log(`  output: ${show(out)}`);

  let runner: JobRunner | null = null;
  let interrupted = false;
  const stopHandling = handleInterrupts({
    stopping: () =>
      opts.db
        ? "no longer waiting; the workers go on with the queued jobs (the same command waits for them again)"
        : "stopping the workers; finished jobs are kept (run the same command again to continue)",
    onStop: () => {
      interrupted = true;
      void runner?.stop();
    },
  });
  let pool: Awaited<ReturnType<typeof connect>> | null = null;
  try {
    const store = join(out, "jobs");
    if (opts.db) {
      pool = await connect(opts.db);
      runner = await QueueJobRunner.open({ db: opts.db, root: store, out, repo: dataRoot });
      const { name, grid, seeds, settings } = plan;
      const { source, metrics, methods } = plan.target;
      await saveSweep(pool, out, store, { name, source, grid, seeds, settings, metrics, methods });
    } else {
      runner = new LocalJobRunner({ root: store, logDir: join(out, "logs"), workers: opts.workers });
    }
    const db = pool;
    const outcome = await runSweep(plan, out, {
      runner,
      runnerLabel: opts.db ? `the queue at ${redact(opts.db)}` : `${opts.workers} local worker(s)`,
      command: process.argv.slice(2),
      onCell: db ? (cell) => saveCell(db, out, cell) : undefined,
    });
    console.log(`\n${outcome.table}\n`);
    console.log(`results: ${show(outcome.json)}, ${show(outcome.md)}`);
    for (const p of outcome.plots) console.log(`plot: ${show(p)}`);
    return outcome;
  } catch (e) {
    // Bad input found by a job (a changed task set) is bad input here too: one line naming the job.
    if (e instanceof JobFailedError && isHjepaError(e.cause))
      throw deserializeError({ ...serializeError(e.cause), message: e.message });
    if (!(interrupted && e instanceof JobsStopped)) throw e;
    process.stderr.write(
      opts.db
        ? `\nhjepa sweep: interrupted; the workers go on (hjepa sweep status --db URL shows them)\n`
        : `\nhjepa sweep: interrupted; finished jobs are kept in ${show(out)}/jobs\n`,
    );
    process.exitCode = 130;
    return null;
  } finally {
    stopHandling();
    await pool?.end();
  }
}
