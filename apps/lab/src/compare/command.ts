import { relative } from "node:path";
import { deserializeError, isHjepaError, serializeError } from "@hjepa/errors";
import { findRepoRoot } from "@hjepa/experiment";
import { userPath } from "../args.ts";
import { handleInterrupts } from "../interrupt.ts";
import type { JobRunner } from "../jobs/runner.ts";
import { JobFailedError, JobsStopped } from "../jobs/runner.ts";
import { type CompareOutcome, prepareComparison, runComparison } from "./runCompare.ts";

/**
 * What `hjepa compare` (and `pnpm start`) print around a comparison: the plan (what is reused, what is
 * trained, how many episodes), the progress line, and at the end the table and the path of index.html.
 * Ctrl-C (or SIGTERM) stops the workers at once and keeps every finished job: exit code 130.
 */
export async function compareCommand(opts: {
  config: string;
  out?: string;
  runsDir: string;
  workers: number;
}): Promise<CompareOutcome | null> {
  const req = {
    config: opts.config,
    out: opts.out,
    defaultOutRoot: userPath("runs"),
    runsDir: opts.runsDir,
    workers: opts.workers,
    dataRoot: findRepoRoot(process.env.INIT_CWD ?? process.cwd()),
    command: process.argv.slice(2),
  };
  // Every check first: bad input prints one line and writes nothing.
  const { plan, out } = prepareComparison(req);
  const show = (p: string) => {
    const r = relative(process.cwd(), p);
    return r.startsWith("..") ? p : r;
  };
  const episodes = plan.tasks.selected.length;
  const cells = plan.units.reduce((n, u) => n + u.cells.length, 0);
  console.log(
    `${plan.comparison.name}: ${plan.arms.length} arms on ${episodes} tasks (${plan.tasks.bins.join(", ")}) x ` +
      `${plan.comparison.seeds.length} training seed(s): ${cells * episodes} episodes, ${opts.workers} worker(s)`,
  );
  for (const unit of plan.units) {
    const what = unit.reuse !== null ? `reuse ${show(unit.reuse)}` : `train ${show(unit.target)}`;
    console.log(`  seed ${unit.seed}, run ${unit.key.slice(0, 12)}: ${what}`);
  }
  console.log(`  output: ${show(out)}`);

  let runner: JobRunner | null = null;
  let interrupted = false;
  const stopHandling = handleInterrupts({
    stopping: () => "stopping the workers; finished jobs are kept (run the same command again to continue)",
    onStop: () => {
      interrupted = true;
      void runner?.stop();
    },
  });
  try {
    const outcome = await runComparison(req, plan, out, (r) => {
      runner = r;
    });
    console.log(`\n${outcome.table}\n`);
    console.log(`results: ${show(outcome.json)}, ${show(outcome.md)}`);
    console.log(`report: ${show(outcome.index)}`);
    return outcome;
  } catch (e) {
    // Bad input found by a job (a run without its agent parts, a changed task set) is bad input here too: one
    // line naming the job, exit code 2. A bug in a job stays a bug, with the worker's stack trace.
    if (e instanceof JobFailedError && isHjepaError(e.cause))
      throw deserializeError({ ...serializeError(e.cause), message: e.message });
    if (!(interrupted && e instanceof JobsStopped)) throw e;
    process.stderr.write(`\nhjepa compare: interrupted; finished jobs are kept in ${show(out)}/jobs\n`);
    process.exitCode = 130;
    return null;
  } finally {
    stopHandling();
  }
}
