import type { Job } from "./job.ts";

/**
 * The job runner: what `hjepa compare` (and later `hjepa sweep`) hands jobs to. The caller submits jobs as
 * their inputs become known (an evaluation once its run is trained) and awaits each result; the runner decides
 * where and when they run. Two implementations fit this interface:
 *
 * - `LocalJobRunner` (local.ts, the default): a pool of worker processes on this machine, results in a folder.
 * - a queue runner (the sweeps issue): `submit` enqueues the job on a Postgres-backed queue (pg-boss) with the
 *   job id as its singleton key, so two submitters never enqueue it twice; `hjepa worker --db URL` processes
 *   on any machine take jobs with retries and heartbeats and run the same handlers (worker.ts); results
 *   (result.json's content) go to a Postgres table and the job folders to the shared output folder, and the
 *   submitter resolves each promise from the table. Job specs hold paths inside that shared folder.
 *
 * Either way: a job whose result is stored is not run again (`skipped`), a job interrupted half-way leaves no
 * result and runs again from the start (its handler may continue from what it saved, e.g. a training
 * checkpoint), and a failure names the job id.
 */
export interface JobRunner {
  /**
   * Runs `job` unless its result is already stored, and resolves with the result. The same id submitted twice
   * runs once. Rejects with a `JobFailedError` (the job threw, or its worker kept dying) or `JobsStopped`.
   */
  submit<R = unknown>(job: Job): Promise<R>;
  /** Every job event, as it happens; returns a function that stops listening. */
  onEvent(listener: (event: JobEvent) => void): () => void;
  /**
   * Stops at once (Ctrl-C): running jobs are killed and leave no result (they run again next time); jobs not
   * started are rejected with `JobsStopped`. Finished results stay stored.
   */
  stop(): Promise<void>;
  /** Releases the workers once nothing is running; the runner takes no more jobs. */
  close(): Promise<void>;
}

export type JobEvent =
  /** The result was stored before: the job is not run. */
  | { type: "skipped"; job: Job; result: unknown }
  /** `where`: the worker's host and pid, when it runs on another machine (the queue runner). */
  | { type: "started"; job: Job; worker: number; attempt: number; where?: string }
  /** Progress within the job, in its handler's units. */
  | { type: "progress"; job: Job; done: number; total: number; detail?: Record<string, number> }
  | { type: "finished"; job: Job; result: unknown; seconds: number }
  /** Its worker died (killed, out of memory): the job runs again in a new worker. */
  | { type: "retrying"; job: Job; reason: string; attempt: number }
  | { type: "failed"; job: Job; error: Error };

/** A job that failed: its id and title lead the message; `cause` is the job's own error (its class kept). */
export class JobFailedError extends Error {
  override name = "JobFailedError";
  constructor(
    readonly job: Job,
    override readonly cause: Error,
    readonly log: string | null,
  ) {
    super(
      `job ${job.id}${job.title ? ` (${job.title})` : ""} failed: ${cause.message}${log ? ` (worker log: ${log})` : ""}`,
    );
    // A bug's trace is the worker's, not this process's.
    if (cause.stack) this.stack = `${this.name}: ${this.message}\n  in the worker: ${cause.stack}`;
  }
}

/** The runner was stopped before the job finished. */
export class JobsStopped extends Error {
  override name = "JobsStopped";
  constructor(readonly job: Job) {
    super(`job ${job.id} was stopped before it finished`);
  }
}

/** Submits every job and resolves with their results in order (the first failure rejects). */
export function runAll<R = unknown>(runner: JobRunner, jobs: readonly Job[]): Promise<R[]> {
  return Promise.all(jobs.map((job) => runner.submit<R>(job)));
}
