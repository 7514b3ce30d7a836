/**
 * `hjepa sweep status --db URL` and `hjepa sweep report --db URL`: a sweep as Postgres holds it, from any
 * machine that reaches the database (the shared folder is not needed). Status: each sweep's cells and jobs by
 * state, the running jobs (worker, attempt, progress, time since their last word) and the failed ones with
 * their error. Report: the table and plots from the cells recorded so far, written to a folder of this machine.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "@hjepa/errors";
import { connect, ensureTables, redact } from "../jobs/queueDb.ts";
import { formatDuration } from "../progress.ts";
import { aggregateSweep, sweepTable } from "./aggregate.ts";
import { METHODS, type SweepFile, writeSweepFiles } from "./files.ts";
import { findSweep, listSweeps, storeJobs } from "./sweepDb.ts";

export async function sweepStatus(db: string, which: string | undefined): Promise<void> {
  const pool = await connect(db);
  try {
    // A database no sweep has used yet has no tables: it shows as empty.
    await ensureTables(pool);
    const sweeps = which === undefined ? await listSweeps(pool) : [await findSweep(pool, which)];
    if (sweeps.length === 0) console.log(`no sweep in ${redact(db)} yet (hjepa sweep --db URL records one)`);
    for (const s of sweeps) {
      const cells = s.plan.settings.length * s.plan.seeds.length;
      const { counts, open } = await storeJobs(pool, s.store);
      console.log(
        `${s.name} (${s.out}): cells ${s.cells.length}/${cells}; jobs ${counts.finished} finished, ` +
          `${counts.running} running, ${counts.queued} queued, ${counts.failed} failed`,
      );
      for (const j of open) {
        const p =
          j.progress && j.progress.total > 0
            ? ` ${((100 * j.progress.done) / j.progress.total).toFixed(0)}%`
            : "";
        if (j.state === "running")
          console.log(
            `  running ${j.title ?? j.id} on ${j.worker} (attempt ${j.attempt})${p}, last word ${formatDuration(j.age)} ago`,
          );
        else console.log(`  failed  ${j.title ?? j.id}: ${j.error?.message ?? "unknown error"}`);
      }
    }
  } finally {
    await pool.end();
  }
}

/** Writes sweep.json, sweep.md and the plots of the recorded cells to `out` (default: the sweep's folder). */
export async function sweepReport(
  db: string,
  which: string | undefined,
  out: string | undefined,
): Promise<void> {
  const pool = await connect(db);
  try {
    // A database no sweep has used yet has no tables: it shows as empty.
    await ensureTables(pool);
    const all = await listSweeps(pool);
    if (which === undefined && all.length > 1)
      throw new InputError(
        `${all.length} sweeps in the database; name one with --sweep (${all.map((s) => s.name).join(", ")})`,
      );
    const s = which === undefined ? all[0] : await findSweep(pool, which);
    if (s === undefined) throw new InputError(`no sweep in ${redact(db)} yet`);
    const dir = out ?? (existsSync(s.out) ? s.out : join(process.cwd(), `sweep-${s.name}`));
    const { plan } = s;
    const cells = [...s.cells].sort(
      (a, b) =>
        plan.settings.findIndex((x) => x.key === a.setting) -
          plan.settings.findIndex((x) => x.key === b.setting) || a.seed - b.seed,
    );
    const results = aggregateSweep(plan.settings, plan.seeds, plan.metrics, cells);
    const file: SweepFile = {
      version: 1,
      name: plan.name,
      source: plan.source,
      grid: plan.grid,
      seeds: plan.seeds,
      metrics: plan.metrics,
      settings: plan.settings,
      cells,
      results,
      methods: [...METHODS, ...plan.methods],
      session: {
        createdAt: new Date().toISOString(),
        command: process.argv.slice(2),
        runner: `a report of the cells recorded in ${redact(db)}`,
        seconds: 0,
        commit: null,
      },
    };
    const written = await writeSweepFiles(dir, file);
    const total = plan.settings.length * plan.seeds.length;
    console.log(
      `${plan.name}: ${cells.length}/${total} cells recorded\n\n${sweepTable(results, plan.metrics)}\n`,
    );
    console.log(`results: ${written.json}, ${written.md}`);
    for (const p of written.plots) console.log(`plot: ${p}`);
  } finally {
    await pool.end();
  }
}
