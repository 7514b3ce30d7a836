import { type ChildProcess, fork } from "node:child_process";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { deserializeError } from "@hjepa/errors";
import type { Job } from "./job.ts";
import { type JobEvent, JobFailedError, type JobRunner, JobsStopped } from "./runner.ts";
import { readStoredResult, removeHalfWritten, removeJobTemps } from "./store.ts";
import type { FromWorker, ToWorker } from "./worker.ts";

/** The `hjepa` binary the workers run (`hjepa job-worker`). */
const HJEPA_BIN = resolve(import.meta.dirname, "../../bin/hjepa.js");

/** The job kinds this command line runs: each a module exporting `run(spec, ctx)`. */
export const BUILTIN_KINDS: Record<string, string> = {
  train: resolve(import.meta.dirname, "../compare/trainJob.ts"),
  eval: resolve(import.meta.dirname, "../compare/evalJob.ts"),
};

export interface LocalRunnerOptions {
  /** Job folders: `<root>/<job id>/` (see store.ts). */
  root: string;
  /** Worker processes (default: one per core). */
  workers?: number;
  /** Each worker's stdout and stderr are appended to `<logDir>/worker-<n>.log` (default `<root>/../logs`). */
  logDir?: string;
  /** Job kind -> handler module path (default `BUILTIN_KINDS`; tests add their own). */
  kinds?: Record<string, string>;
  /** Times a job runs again after its worker died (a job's own error is never retried: it would fail again). */
  retries?: number;
  /** Extra environment variables for the workers. */
  env?: Record<string, string>;
  /**
   * `root` is shared with processes on other machines (the queue worker's store): a temp folder's pid means
   * nothing here, so only the temp folders of a job about to run (or just killed) are removed, never the rest.
   */
  shared?: boolean;
}

interface Pending {
  job: Job;
  attempt: number;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  index: number;
  child: ChildProcess;
  busy: Pending | null;
  log: string;
}

/**
 * A pool of worker processes on this machine (`fork` of the hjepa binary with the hidden `job-worker`
 * command), started as jobs arrive, at most `workers` at a time. Each worker runs one job at a time and writes
 * its folder under `root`; the results of finished jobs are read from there instead of running them again.
 * Workers run in their own process group, so a terminal's Ctrl-C reaches only this process, which `stop`s them.
 */
export class LocalJobRunner implements JobRunner {
  readonly root: string;
  readonly workers: number;
  private readonly logDir: string;
  private readonly kinds: Record<string, string>;
  private readonly retries: number;
  private readonly env: Record<string, string>;
  private readonly shared: boolean;
  private readonly queue: Pending[] = [];
  private readonly slots: Slot[] = [];
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<(e: JobEvent) => void>();
  private stopped = false;
  private closed = false;

  constructor(opts: LocalRunnerOptions) {
    this.root = resolve(opts.root);
    this.workers = Math.max(1, opts.workers ?? availableParallelism());
    this.logDir = resolve(opts.logDir ?? join(this.root, "..", "logs"));
    this.kinds = opts.kinds ?? BUILTIN_KINDS;
    this.retries = opts.retries ?? 1;
    this.env = opts.env ?? {};
    this.shared = opts.shared ?? false;
    mkdirSync(this.root, { recursive: true });
    if (!this.shared) removeHalfWritten(this.root);
  }

  onEvent(listener: (e: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  submit<R = unknown>(job: Job): Promise<R> {
    const running = this.inFlight.get(job.id);
    if (running) return running as Promise<R>;
    if (this.stopped || this.closed) return Promise.reject(new JobsStopped(job));
    const stored = readStoredResult<R>(this.root, job);
    if (stored !== null) {
      this.emit({ type: "skipped", job, result: stored.result });
      return Promise.resolve(stored.result);
    }
    const promise = new Promise<R>((resolve, reject) => {
      this.queue.push({ job, attempt: 1, resolve: resolve as (r: unknown) => void, reject });
    });
    this.inFlight.set(job.id, promise);
    promise.then(
      () => this.inFlight.delete(job.id),
      () => this.inFlight.delete(job.id),
    );
    this.pump();
    return promise;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const p of this.queue.splice(0)) p.reject(new JobsStopped(p.job));
    const exits = this.slots.map((slot) => exited(slot.child));
    const killed = this.slots.flatMap((slot) => (slot.busy ? [slot.busy.job] : []));
    for (const slot of this.slots) {
      const busy = slot.busy;
      slot.busy = null;
      slot.child.kill("SIGKILL");
      busy?.reject(new JobsStopped(busy.job));
    }
    await Promise.all(exits);
    this.slots.length = 0;
    // What the killed jobs had written: temp folders of processes now gone.
    for (const job of killed) this.removeTemps(job);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight.values()]);
    const exits = this.slots.map((slot) => exited(slot.child));
    for (const slot of this.slots) if (slot.child.connected) slot.child.disconnect();
    await Promise.all(exits);
    this.slots.length = 0;
  }

  /** The temp folders a killed job left (shared: that job's alone; else every dead process's). */
  private removeTemps(job: Job): void {
    if (this.shared) removeJobTemps(this.root, job.id);
    else removeHalfWritten(this.root);
  }

  private emit(event: JobEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** Hands queued jobs to idle workers, starting workers up to the pool size. */
  private pump(): void {
    while (this.queue.length > 0 && !this.stopped) {
      let slot = this.slots.find((s) => s.busy === null);
      if (slot === undefined) {
        if (this.slots.length >= this.workers) return;
        slot = this.spawn();
      }
      const next = this.queue.shift() as Pending;
      slot.busy = next;
      // A job a queue hands to one worker at a time: any temp folder of it is a lost attempt's.
      if (this.shared) removeJobTemps(this.root, next.job.id);
      this.emit({ type: "started", job: next.job, worker: slot.index, attempt: next.attempt });
      slot.child.send({ type: "job", job: next.job } satisfies ToWorker);
    }
  }

  private spawn(): Slot {
    const index = firstFreeIndex(this.slots);
    mkdirSync(this.logDir, { recursive: true });
    const log = join(this.logDir, `worker-${index}.log`);
    const fd = openSync(log, "a");
    writeSync(fd, `== worker ${index} started ${new Date().toISOString()}\n`);
    const child = fork(HJEPA_BIN, ["job-worker"], {
      execArgv: [],
      env: { ...process.env, ...this.env },
      stdio: ["ignore", fd, fd, "ipc"],
      // Its own process group: Ctrl-C in the terminal goes to hjepa compare alone, which stops the workers.
      detached: true,
    });
    closeSync(fd);
    const slot: Slot = { index, child, busy: null, log };
    this.slots.push(slot);
    child.send({ type: "init", root: this.root, kinds: this.kinds } satisfies ToWorker);
    child.on("message", (m: FromWorker) => this.onMessage(slot, m));
    child.on("exit", (code, signal) => this.onExit(slot, code, signal));
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    const busy = slot.busy;
    if (busy === null || busy.job.id !== m.id) return;
    if (m.type === "progress") {
      this.emit({ type: "progress", job: busy.job, done: m.done, total: m.total, detail: m.detail });
      return;
    }
    slot.busy = null;
    if (m.type === "done") {
      this.emit({ type: "finished", job: busy.job, result: m.result, seconds: m.seconds });
      busy.resolve(m.result);
    } else {
      const error = new JobFailedError(busy.job, deserializeError(m.error), slot.log);
      this.emit({ type: "failed", job: busy.job, error });
      busy.reject(error);
    }
    this.pump();
  }

  private onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    const busy = slot.busy;
    slot.busy = null;
    if (busy === null || this.stopped) {
      this.pump();
      return;
    }
    const reason = `worker ${slot.index} exited (${signal ?? `code ${code}`}) during the job`;
    if (busy.attempt <= this.retries) {
      this.emit({ type: "retrying", job: busy.job, reason, attempt: busy.attempt + 1 });
      // Whatever the dead worker wrote is a temp folder of a dead process: removed before the job runs again.
      this.removeTemps(busy.job);
      const stored = readStoredResult(this.root, busy.job);
      if (stored !== null) busy.resolve(stored.result);
      else this.queue.unshift({ ...busy, attempt: busy.attempt + 1 });
    } else {
      const error = new JobFailedError(busy.job, new Error(reason), slot.log);
      this.emit({ type: "failed", job: busy.job, error });
      busy.reject(error);
    }
    this.pump();
  }
}

function firstFreeIndex(slots: readonly Slot[]): number {
  let i = 1;
  while (slots.some((s) => s.index === i)) i++;
  return i;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}
