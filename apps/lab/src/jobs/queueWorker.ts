/**
 * `hjepa worker`: takes jobs from the Postgres queue (queueDb.ts) and runs them with the same handlers as the
 * local runner, each in a forked `hjepa job-worker` process (a `LocalJobRunner` on the job's store), so this
 * process stays free to send pg-boss' heartbeats however long a training step computes. It records each
 * attempt, its progress and its outcome in `hjepa.job`. A job that throws is recorded as failed (it would
 * fail again); a worker that dies loses the job to another after its heartbeat lapses (pg-boss retries it);
 * after `RETRY_LIMIT` lost workers the dead-letter queue marks it failed.
 *
 * Paths: a job names paths on the submitter's machine. A worker that sees the shared output folder elsewhere
 * (`--out`) maps them, and maps the submitter's repository to its own; results are mapped back.
 */
import { join } from "node:path";
import { serializeError } from "@hjepa/errors";
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import { LocalJobRunner } from "./local.ts";
import {
  connect,
  DEAD_QUEUE,
  ensureTables,
  HEARTBEAT_SECONDS,
  markFailed,
  markFinished,
  markProgress,
  markRunning,
  QUEUE,
  type QueuePayload,
  RETRY_LIMIT,
  startBoss,
  WORKER_NAME,
} from "./queueDb.ts";
import { JobFailedError } from "./runner.ts";

/** Progress rows are written at most this often per job (ms). */
const PROGRESS_EVERY_MS = 2000;
/** How often the queue is polled for a job when idle (s). */
const POLL_SECONDS = 2;

export interface QueueWorkerOptions {
  db: string;
  /** The shared output folder as this machine sees it (default: the submitter's paths as they are). */
  out?: string;
  /** This repository's root (the submitter's is mapped to it). */
  repo: string;
  /** Job kind -> handler module. */
  kinds: Record<string, string>;
  /** Jobs at once (each in its own process). */
  jobs: number;
  /** One line per event (started, finished, failed). */
  log: (line: string) => void;
}

export class QueueWorker {
  private readonly runners = new Map<string, LocalJobRunner>();
  private active = 0;
  private lastBusy = Date.now();

  private constructor(
    private readonly opts: QueueWorkerOptions,
    private readonly pool: pg.Pool,
    private readonly boss: PgBoss,
  ) {}

  static async start(opts: QueueWorkerOptions): Promise<QueueWorker> {
    const pool = await connect(opts.db, 3);
    let boss: PgBoss;
    try {
      await ensureTables(pool);
      boss = await startBoss(opts.db);
    } catch (e) {
      await pool.end();
      throw e;
    }
    const worker = new QueueWorker(opts, pool, boss);
    const options = { batchSize: 1, localConcurrency: opts.jobs, pollingIntervalSeconds: POLL_SECONDS };
    await boss.work<QueuePayload>(QUEUE, options, async ([job]) => (job ? worker.handle(job.data) : null));
    await boss.work<QueuePayload>(DEAD_QUEUE, { pollingIntervalSeconds: POLL_SECONDS }, async ([job]) =>
      job ? worker.dead(job.data) : null,
    );
    return worker;
  }

  /** No job here, and none queued or running anywhere, for this long (ms): for `--idle-exit`. */
  async idleFor(): Promise<number> {
    if (this.active > 0) return 0;
    const { rows } = await this.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM hjepa.job WHERE state IN ('queued', 'running')",
    );
    if (Number(rows[0]?.n ?? 0) > 0) this.lastBusy = Date.now();
    return Date.now() - this.lastBusy;
  }

  /** Takes no more jobs, lets the running ones finish, and disconnects. */
  async drain(): Promise<void> {
    await this.boss.offWork(QUEUE, { wait: true });
    await this.close();
  }

  /**
   * Stops at once: running jobs are killed (their temp folders removed) and handed back to the queue, which
   * gives them to another worker.
   */
  async quit(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    await this.boss.offWork(QUEUE, { wait: true }).catch(() => {});
    await this.close();
  }

  private async close(): Promise<void> {
    await this.boss.offWork(DEAD_QUEUE, { wait: false }).catch(() => {});
    await Promise.all([...this.runners.values()].map((r) => r.close()));
    await this.boss.stop({ graceful: false, close: true }).catch(() => {});
    await this.pool.end().catch(() => {});
  }

  private async handle(payload: QueuePayload): Promise<{ outcome: string }> {
    const map = this.pathMap(payload);
    const job = map.here(payload.job);
    const store = map.here(payload.store);
    const attempt = await markRunning(this.pool, payload);
    if (attempt === null) return { outcome: "finished before" };
    this.active += 1;
    this.opts.log(`${job.id} (${job.title ?? job.kind}): attempt ${attempt} started`);
    const runner = this.runnerFor(store, map.here(payload.out));
    let seconds = 0;
    let written = 0;
    const off = runner.onEvent((e) => {
      if (e.job.id !== job.id) return;
      if (e.type === "finished") seconds = e.seconds;
      if (e.type === "progress" && Date.now() - written >= PROGRESS_EVERY_MS) {
        written = Date.now();
        const p = { done: e.done, total: e.total, detail: e.detail };
        markProgress(this.pool, payload.store, job.id, p).catch(() => {});
      }
    });
    try {
      const result = await runner.submit(job);
      await markFinished(this.pool, payload.store, job.id, map.there(result), seconds);
      this.opts.log(`${job.id}: finished in ${seconds.toFixed(1)} s`);
      return { outcome: "finished" };
    } catch (e) {
      // Anything else (the database went away, this worker is quitting) fails the attempt: pg-boss retries it.
      if (!(e instanceof JobFailedError)) throw e;
      const error = serializeError(e.cause);
      if (e.log) error.message = `${error.message} (worker log on ${WORKER_NAME}: ${e.log})`;
      await markFailed(this.pool, payload.store, job.id, error);
      this.opts.log(`${job.id}: failed: ${error.message}`);
      return { outcome: "failed" };
    } finally {
      off();
      this.active -= 1;
      this.lastBusy = Date.now();
    }
  }

  /** A job whose workers kept dying: pg-boss gave up on it. */
  private async dead(payload: QueuePayload): Promise<{ outcome: string }> {
    const message =
      `its worker was lost ${RETRY_LIMIT + 1} times (killed, out of memory, or no heartbeat for ` +
      `${HEARTBEAT_SECONDS} s); the workers' logs are in the logs/ folder beside the job store`;
    await markFailed(this.pool, payload.store, payload.job.id, { kind: null, name: "Error", message });
    this.opts.log(`${payload.job.id}: failed: ${message}`);
    return { outcome: "failed" };
  }

  private runnerFor(store: string, out: string): LocalJobRunner {
    let runner = this.runners.get(store);
    if (runner === undefined) {
      const logDir = join(out, "logs", WORKER_NAME.replace(":", "-"));
      runner = new LocalJobRunner({
        root: store,
        workers: this.opts.jobs,
        kinds: this.opts.kinds,
        logDir,
        shared: true,
      });
      this.runners.set(store, runner);
    }
    return runner;
  }

  /** The submitter's paths to this machine's (`here`) and back (`there`). */
  private pathMap(payload: QueuePayload) {
    const pairs: [string, string][] = [];
    if (this.opts.out !== undefined && this.opts.out !== payload.out)
      pairs.push([payload.out, this.opts.out]);
    if (this.opts.repo !== payload.repo) pairs.push([payload.repo, this.opts.repo]);
    // The longest prefix first: the output folder is often inside the repository.
    pairs.sort((a, b) => b[0].length - a[0].length);
    return {
      here: <T>(v: T) => mapStrings(v, pairs),
      there: <T>(v: T) =>
        mapStrings(
          v,
          pairs.map(([a, b]): [string, string] => [b, a]),
        ),
    };
  }
}

/** `value` with every string that is `from` or lies under it rewritten to lie under `to` (first pair wins). */
export function mapStrings<T>(value: T, pairs: readonly [string, string][]): T {
  if (pairs.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      for (const [from, to] of pairs)
        if (v === from || v.startsWith(`${from}/`)) return `${to}${v.slice(from.length)}`;
      return v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
