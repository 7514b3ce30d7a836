/**
 * The Postgres side of the job queue: the pg-boss queue that carries jobs to workers, and hjepa's own tables
 * that say what became of each job, so that a submitter, a worker or `hjepa sweep status` on any machine reads
 * the same state.
 *
 * - pg-boss (schema `pgboss`) delivers: queue `hjepa-jobs` with the `exclusive` policy (one queued-or-active
 *   job per singleton key, so a job is never taken twice at once), heartbeats (a worker that stops sending them
 *   for `HEARTBEAT_SECONDS` loses the job, which is retried), `RETRY_LIMIT` retries, then the dead-letter
 *   queue `hjepa-jobs-dead`, where a worker records that the job's workers kept dying.
 * - `hjepa.job` (one row per job store and job id) is the record: queued, running (attempt, worker, progress),
 *   finished (the result: result.json's content) or failed (the job's error). Workers write it; submitters
 *   poll it. A job's own error is recorded and not retried (it would fail again), as in the local runner.
 * - `hjepa.sweep` holds each sweep's plan and the metrics gathered per cell, for `hjepa sweep status|report`.
 */
import { hostname } from "node:os";
import { InputError, oneLine, type SerializedError } from "@hjepa/errors";
import pg from "pg";
import { PgBoss } from "pg-boss";
import type { Job } from "./job.ts";

export const QUEUE = "hjepa-jobs";
export const DEAD_QUEUE = "hjepa-jobs-dead";
/** A worker that sends no heartbeat for this long (killed, frozen, cut off) loses its job to another. */
export const HEARTBEAT_SECONDS = 10;
/** Times a job is handed out again after its worker was lost. */
export const RETRY_LIMIT = 3;
/** pg-boss fails a job active this long whatever its heartbeats (its maximum): a training resumes on retry. */
const EXPIRE_SECONDS = 24 * 3600;
/** How often an instance looks for lost heartbeats (only one instance per interval does the work). */
const SUPERVISE_SECONDS = 5;

/** The --db URL does not lead to a Postgres server that accepts us. */
export class DatabaseUnreachable extends InputError {
  override name = "DatabaseUnreachable";
}

/** What a queued job carries besides the job: where its paths point on the submitter's machine. */
export interface QueuePayload {
  /** The job store (folder of job folders) as the submitter names it. */
  store: string;
  /** The shared output folder as the submitter names it (a worker started with `--out` maps it). */
  out: string;
  /** The submitter's repository root (the data cache and map files are found under it). */
  repo: string;
  job: Job;
}

export type JobState = "queued" | "running" | "finished" | "failed";

export interface JobRow {
  store: string;
  id: string;
  kind: string;
  title: string | null;
  job: Job;
  state: JobState;
  attempt: number;
  worker: string | null;
  progress: { done: number; total: number; detail?: Record<string, number> } | null;
  result: unknown;
  error: SerializedError | null;
  seconds: number | null;
  updated_at: Date;
}

const SCHEMA = `
CREATE SCHEMA IF NOT EXISTS hjepa;
CREATE TABLE IF NOT EXISTS hjepa.job (
  store text NOT NULL,
  id text NOT NULL,
  kind text NOT NULL,
  title text,
  job jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'running', 'finished', 'failed')),
  attempt integer NOT NULL DEFAULT 0,
  worker text,
  progress jsonb,
  result jsonb,
  error jsonb,
  seconds double precision,
  queued_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store, id)
);
CREATE TABLE IF NOT EXISTS hjepa.sweep (
  out text PRIMARY KEY,
  name text NOT NULL,
  store text NOT NULL,
  plan jsonb NOT NULL,
  cells jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);`;

/** This process, as `hjepa.job.worker` names it. */
export const WORKER_NAME = `${hostname()}:${process.pid}`;

/** A small connection pool to `url`, checked at once (a bad URL or a stopped server: `DatabaseUnreachable`). */
export async function connect(url: string, max = 2): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  // An idle connection dropped by the server must not crash the process: the next query reconnects.
  pool.on("error", () => {});
  try {
    await pool.query("SELECT 1");
  } catch (e) {
    await pool.end();
    throw unreachable(url, e);
  }
  return pool;
}

/** Creates hjepa's tables when missing (every submitter and worker does, in any order). */
export async function ensureTables(pool: pg.Pool): Promise<void> {
  // Two processes creating the same table at once collide in Postgres' catalog: one lock serialises them.
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext('hjepa.schema'))");
    await client.query(SCHEMA);
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK");
    throw e;
  } finally {
    client.release();
  }
}

/** A started pg-boss on `url` with the queues created; `supervise`: it also fails jobs whose heartbeat lapsed. */
export async function startBoss(url: string): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    max: 2,
    schedule: false,
    superviseIntervalSeconds: SUPERVISE_SECONDS,
    monitorIntervalSeconds: SUPERVISE_SECONDS,
  });
  // pg-boss reports background failures (a lost connection) as events; they are retried by its own loops.
  boss.on("error", () => {});
  try {
    await boss.start();
  } catch (e) {
    throw unreachable(url, e);
  }
  await boss.createQueue(DEAD_QUEUE);
  await boss.createQueue(QUEUE, {
    policy: "exclusive",
    retryLimit: RETRY_LIMIT,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    expireInSeconds: EXPIRE_SECONDS,
    deadLetter: DEAD_QUEUE,
  });
  return boss;
}

/** The singleton key of a job in a store: one queued-or-active job per key. */
export function singletonKey(store: string, id: string): string {
  return `${id}@${store}`;
}

/**
 * Records `job` as queued and enqueues it, in one transaction, unless it is queued, running or finished
 * already (a failed job is queued again, and a finished one when `again`: its folder was deleted). Returns the
 * state it had before, or null when there was no row.
 */
export async function enqueue(
  pool: pg.Pool,
  boss: PgBoss,
  payload: QueuePayload,
  again = false,
): Promise<JobState | null> {
  const { store, job } = payload;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const before = await client.query<{ state: JobState }>(
      "SELECT state FROM hjepa.job WHERE store = $1 AND id = $2 FOR UPDATE",
      [store, job.id],
    );
    const state = before.rows[0]?.state ?? null;
    if (state === null || state === "failed" || (state === "finished" && again)) {
      await client.query(
        `INSERT INTO hjepa.job (store, id, kind, title, job, state) VALUES ($1, $2, $3, $4, $5, 'queued')
         ON CONFLICT (store, id) DO UPDATE SET state = 'queued', attempt = 0, worker = NULL, progress = NULL,
           result = NULL, error = NULL, seconds = NULL, queued_at = now(), updated_at = now()`,
        [store, job.id, job.kind, job.title ?? null, JSON.stringify(job)],
      );
      await boss.send(QUEUE, payload as unknown as object, {
        singletonKey: singletonKey(store, job.id),
        db: { executeSql: (text: string, values?: unknown[]) => client.query(text, values) },
      });
    }
    await client.query("COMMIT");
    return state;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

/** The rows of `ids` in `store`. */
export async function jobRows(pool: pg.Pool, store: string, ids: readonly string[]): Promise<JobRow[]> {
  const { rows } = await pool.query<JobRow>("SELECT * FROM hjepa.job WHERE store = $1 AND id = ANY($2)", [
    store,
    ids,
  ]);
  return rows;
}

/** A worker takes a job: a new attempt. Null when the job is finished already (nothing to do). */
export async function markRunning(pool: pg.Pool, p: QueuePayload): Promise<number | null> {
  const { rows } = await pool.query<{ attempt: number; state: JobState }>(
    `INSERT INTO hjepa.job (store, id, kind, title, job, state, attempt, worker, started_at)
       VALUES ($1, $2, $3, $4, $5, 'running', 1, $6, now())
     ON CONFLICT (store, id) DO UPDATE SET state = 'running', attempt = hjepa.job.attempt + 1, worker = $6,
       progress = NULL, started_at = now(), updated_at = now() WHERE hjepa.job.state <> 'finished'
     RETURNING attempt, state`,
    [p.store, p.job.id, p.job.kind, p.job.title ?? null, JSON.stringify(p.job), WORKER_NAME],
  );
  return rows[0]?.attempt ?? null;
}

export async function markProgress(pool: pg.Pool, store: string, id: string, progress: JobRow["progress"]) {
  await pool.query(
    "UPDATE hjepa.job SET progress = $3, updated_at = now() WHERE store = $1 AND id = $2 AND state = 'running' AND worker = $4",
    [store, id, JSON.stringify(progress), WORKER_NAME],
  );
}

export async function markFinished(
  pool: pg.Pool,
  store: string,
  id: string,
  result: unknown,
  seconds: number,
) {
  await pool.query(
    `UPDATE hjepa.job SET state = 'finished', result = $3, seconds = $4, error = NULL, finished_at = now(),
       updated_at = now() WHERE store = $1 AND id = $2`,
    [store, id, JSON.stringify(result), seconds],
  );
}

/** Records a failure, unless the job finished meanwhile (another attempt won). */
export async function markFailed(pool: pg.Pool, store: string, id: string, error: JobRow["error"]) {
  await pool.query(
    `UPDATE hjepa.job SET state = 'failed', error = $3, finished_at = now(), updated_at = now()
     WHERE store = $1 AND id = $2 AND state <> 'finished'`,
    [store, id, JSON.stringify(error)],
  );
}

function unreachable(url: string, e: unknown): DatabaseUnreachable {
  const err = e as NodeJS.ErrnoException & { code?: string };
  // Postgres' own codes (28P01 bad password, 3D000 no such database) and the socket's (ECONNREFUSED, ...).
  const hint =
    err.code === "ECONNREFUSED"
      ? "is the server running? hjepa db start starts a local one"
      : err.code === "28P01" || err.code === "28000"
        ? "the user or password is wrong (hjepa db status prints the local server's URL)"
        : "check the URL: postgres://USER:PASSWORD@HOST:PORT/DATABASE";
  return new DatabaseUnreachable(
    `--db ${redact(url)}: cannot connect (${oneLine(err.message ?? String(e))}); ${hint}`,
  );
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
