import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { deserializeError } from "@hjepa/errors";
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import type { Job } from "./job.ts";
import {
  connect,
  enqueue,
  ensureTables,
  type JobRow,
  jobRows,
  type QueuePayload,
  startBoss,
} from "./queueDb.ts";
import { type JobEvent, JobFailedError, type JobRunner, JobsStopped } from "./runner.ts";
import { jobFolder } from "./store.ts";

export interface QueueRunnerOptions {
  /** The Postgres URL (`--db`). */
  db: string;
  /** The job store: job folders go to `<root>/<job id>/`, written by the workers. */
  root: string;
  /** The shared output folder that holds `root` and the run folders (workers with `--out` map it). */
  out: string;
  /** This repository's root (data caches and map files; workers map it to their own). */
  repo: string;
  /** How often the job table is read, in ms. */
  pollMs?: number;
}

interface Waiting {
  job: Job;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  attempt: number;
  worker: string | null;
  progress: string | null;
  /** Its row is written: until then the table may still hold an earlier run's outcome. */
  enqueued: boolean;
}

/**
 * The job runner of a sweep across machines: `submit` enqueues the job on the Postgres queue (queueDb.ts) and
 * resolves when a worker (`hjepa worker`, any machine) has recorded its result. The job table is read every
 * `pollMs`; its changes become the same events the local runner sends (started, progress, retrying after a
 * lost worker, finished, failed).
 *
 * Unlike the local runner's, `stop` (Ctrl-C) does not kill the jobs: they belong to the queue, and other
 * submitters may wait for them too. It stops waiting; the workers go on; submitting the same jobs again (the
 * same command) waits for them again, and finished ones are not run again.
 */
export class QueueJobRunner implements JobRunner {
  private readonly waiting = new Map<string, Waiting>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<(e: JobEvent) => void>();
  private readonly root: string;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private stopped = false;
  private closed = false;

  private constructor(
    private readonly opts: QueueRunnerOptions,
    private readonly pool: pg.Pool,
    private readonly boss: PgBoss,
  ) {
    this.root = resolve(opts.root);
  }

  /** Connects, creates the tables and queues when missing (bad URL: `DatabaseUnreachable`). */
  static async open(opts: QueueRunnerOptions): Promise<QueueJobRunner> {
    const pool = await connect(opts.db);
    try {
      await ensureTables(pool);
      const boss = await startBoss(opts.db);
      return new QueueJobRunner(opts, pool, boss);
    } catch (e) {
      await pool.end();
      throw e;
    }
  }

  onEvent(listener: (e: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  submit<R = unknown>(job: Job): Promise<R> {
    const running = this.inFlight.get(job.id);
    if (running) return running as Promise<R>;
    if (this.stopped || this.closed) return Promise.reject(new JobsStopped(job));
    const promise = new Promise<R>((resolve, reject) => {
      this.waiting.set(job.id, {
        job,
        resolve: resolve as (r: unknown) => void,
        reject,
        attempt: 0,
        worker: null,
        progress: null,
        enqueued: false,
      });
    });
    this.inFlight.set(job.id, promise);
    promise.then(
      () => this.inFlight.delete(job.id),
      () => this.inFlight.delete(job.id),
    );
    this.send(job).catch((e) => this.settle(job.id, e instanceof Error ? e : new Error(String(e))));
    return promise;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const w of [...this.waiting.values()]) this.settle(w.job.id, new JobsStopped(w.job));
    await this.shutdown();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight.values()]);
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.boss.stop({ graceful: false, close: true }).catch(() => {});
    await this.pool.end().catch(() => {});
  }

  private async send(job: Job): Promise<void> {
    const payload: QueuePayload = { store: this.root, out: this.opts.out, repo: this.opts.repo, job };
    const state = await enqueue(this.pool, this.boss, payload, this.folderGone(job));
    if (state === "finished" && !this.folderGone(job)) {
      const [row] = await jobRows(this.pool, this.root, [job.id]);
      const w = this.waiting.get(job.id);
      if (row && w && row.state === "finished") {
        this.waiting.delete(job.id);
        this.emit({ type: "skipped", job, result: row.result });
        w.resolve(row.result);
        return;
      }
    }
    const w = this.waiting.get(job.id);
    if (w) w.enqueued = true;
    this.timer ??= setInterval(() => void this.poll(), this.opts.pollMs ?? 1000);
  }

  /**
   * A job the table says finished but whose folder is gone from a store this machine sees (the folder was
   * deleted): it runs again. A store this machine does not see is trusted as the table says.
   */
  private folderGone(job: Job): boolean {
    return existsSync(this.root) && !existsSync(jobFolder(this.root, job.id));
  }

  /** Reads the rows of the jobs waited for and turns their changes into events. */
  private async poll(): Promise<void> {
    const ids = [...this.waiting.values()].filter((w) => w.enqueued).map((w) => w.job.id);
    if (this.polling || ids.length === 0) return;
    this.polling = true;
    try {
      const rows = await jobRows(this.pool, this.root, ids);
      for (const row of rows) this.update(row);
    } catch {
      // The server is restarting or the network hiccuped: the next poll tries again.
    } finally {
      this.polling = false;
    }
  }

  private update(row: JobRow): void {
    const w = this.waiting.get(row.id);
    if (w === undefined) return;
    if (row.attempt > w.attempt && (row.state === "running" || row.state === "finished")) {
      if (w.attempt > 0)
        this.emit({
          type: "retrying",
          job: w.job,
          reason: `worker ${w.worker ?? "?"} stopped during the job (killed, or its heartbeat lapsed)`,
          attempt: row.attempt,
        });
      w.attempt = row.attempt;
      w.worker = row.worker;
      this.emit({
        type: "started",
        job: w.job,
        worker: 0,
        attempt: row.attempt,
        where: row.worker ?? undefined,
      });
    }
    const progress = row.progress ? JSON.stringify(row.progress) : null;
    if (row.state === "running" && row.progress && progress !== w.progress) {
      w.progress = progress;
      this.emit({ type: "progress", job: w.job, ...row.progress });
    }
    if (row.state === "finished") {
      this.waiting.delete(row.id);
      this.emit({ type: "finished", job: w.job, result: row.result, seconds: row.seconds ?? 0 });
      w.resolve(row.result);
    } else if (row.state === "failed" && row.error) {
      this.settle(row.id, new JobFailedError(w.job, deserializeError(row.error), null));
    }
  }

  private settle(id: string, error: Error): void {
    const w = this.waiting.get(id);
    if (w === undefined) return;
    this.waiting.delete(id);
    if (error instanceof JobFailedError) this.emit({ type: "failed", job: w.job, error });
    w.reject(error);
  }

  private emit(event: JobEvent): void {
    for (const l of this.listeners) l(event);
  }
}
