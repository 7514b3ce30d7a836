/**
 * Sweeps in Postgres (`hjepa.sweep`, created with the job table in jobs/queueDb.ts): a sweep run with `--db`
 * records its plan (grid, seeds, settings, metrics) and each cell's metrics as they are known, so that `hjepa
 * sweep status` and `hjepa sweep report` work on any machine that reaches the database, without the shared
 * folder. A sweep is named by its output folder (as the submitter named it); `name` is that folder's name.
 */
import { InputError } from "@hjepa/errors";
import type pg from "pg";
import type { JobRow, JobState } from "../jobs/queueDb.ts";
import type { MetricSpec, SweepCell } from "./aggregate.ts";
import type { GridAxis, Setting } from "./grid.ts";

export interface StoredPlan {
  name: string;
  source: Record<string, unknown>;
  grid: GridAxis[];
  seeds: number[];
  settings: Setting[];
  metrics: MetricSpec[];
  methods: string[];
}

export interface SweepRecord {
  out: string;
  name: string;
  store: string;
  plan: StoredPlan;
  cells: SweepCell[];
  created_at: Date;
  updated_at: Date;
}

export async function saveSweep(pool: pg.Pool, out: string, store: string, plan: StoredPlan): Promise<void> {
  // A sweep run again with another grid into the same folder keeps the cells it shares with the new one.
  await pool.query(
    `INSERT INTO hjepa.sweep (out, name, store, plan) VALUES ($1, $2, $3, $4)
     ON CONFLICT (out) DO UPDATE SET name = $2, store = $3, plan = $4, updated_at = now()`,
    [out, plan.name, store, JSON.stringify(plan)],
  );
}

export async function saveCell(pool: pg.Pool, out: string, cell: SweepCell): Promise<void> {
  await pool.query(
    "UPDATE hjepa.sweep SET cells = cells || jsonb_build_object($2::text, $3::jsonb), updated_at = now() WHERE out = $1",
    [out, `${cell.setting}|${cell.seed}`, JSON.stringify(cell)],
  );
}

/** Every sweep, newest first. */
export async function listSweeps(pool: pg.Pool): Promise<SweepRecord[]> {
  const { rows } = await pool.query("SELECT * FROM hjepa.sweep ORDER BY updated_at DESC");
  return rows.map(record);
}

/** The sweep named `which` (its output folder, or its name when that is unique). */
export async function findSweep(pool: pg.Pool, which: string): Promise<SweepRecord> {
  const all = await listSweeps(pool);
  const exact = all.find((s) => s.out === which);
  if (exact) return exact;
  const named = all.filter((s) => s.name === which);
  if (named.length === 1) return named[0] as SweepRecord;
  const known = all.map((s) => `${s.name} (${s.out})`).join(", ") || "none";
  throw new InputError(
    named.length > 1
      ? `--sweep ${which}: several sweeps have that name; give the output folder (${named.map((s) => s.out).join(", ")})`
      : `--sweep ${which}: no such sweep in the database (sweeps: ${known})`,
  );
}

/** Jobs of a store by state, and the rows of those running or failed (for status). */
export async function storeJobs(
  pool: pg.Pool,
  store: string,
): Promise<{ counts: Record<JobState, number>; open: (JobRow & { age: number })[] }> {
  const counts: Record<JobState, number> = { queued: 0, running: 0, finished: 0, failed: 0 };
  const { rows } = await pool.query<{ state: JobState; n: string }>(
    "SELECT state, count(*) AS n FROM hjepa.job WHERE store = $1 GROUP BY state",
    [store],
  );
  for (const r of rows) counts[r.state] = Number(r.n);
  const open = await pool.query<JobRow & { age: number }>(
    `SELECT *, extract(epoch FROM now() - updated_at) AS age FROM hjepa.job
     WHERE store = $1 AND state IN ('running', 'failed') ORDER BY state, started_at`,
    [store],
  );
  return { counts, open: open.rows };
}

function record(row: Omit<SweepRecord, "cells"> & { cells: Record<string, SweepCell> }): SweepRecord {
  return { ...row, cells: Object.values(row.cells) };
}
