import type { JobEvent } from "../jobs/runner.ts";
import { formatDuration } from "../progress.ts";

const MIN_ETA_SECONDS = 10;

/**
 * One progress line for a sweep, fed by the job runner's events: jobs weighted by their estimated work (a
 * training against an evaluation shard, as compare's line weighs them), so the bar and its ETA cover the
 * whole sweep. Jobs found finished count as done but not in the rate. On a terminal it redraws in place;
 * otherwise it prints a line every `intervalMs`.
 */
export class SweepProgress {
  private readonly weights = new Map<string, number>();
  private readonly done = new Map<string, number>();
  private readonly running = new Set<string>();
  private readonly start = performance.now();
  private finishedJobs = 0;
  private base = 0;
  private last = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;

  constructor(
    private readonly total: { work: number; jobs: number },
    private readonly opts: { stream?: NodeJS.WriteStream; intervalMs?: number } = {},
  ) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
  }

  /** A job's estimated work, known before it is submitted. */
  weigh(id: string, work: number): void {
    this.weights.set(id, work);
  }

  event(e: JobEvent): void {
    const id = e.job.id;
    const weight = this.weights.get(id) ?? 0;
    if (e.type === "started") this.running.add(id);
    else if (e.type === "progress")
      this.done.set(id, weight * Math.min(1, Math.max(0, e.total > 0 ? e.done / e.total : 0)));
    else if (e.type === "retrying") this.done.set(id, 0);
    else if (e.type === "skipped" || e.type === "finished" || e.type === "failed") {
      this.running.delete(id);
      if (e.type === "skipped") this.base += weight - (this.done.get(id) ?? 0);
      if (e.type !== "failed") {
        this.done.set(id, weight);
        this.finishedJobs += 1;
      }
    }
    this.draw(false);
  }

  /** The last line (a newline after it on a terminal). */
  finish(): void {
    this.draw(true);
    if (this.tty) this.stream.write("\n");
  }

  private draw(force: boolean): void {
    const now = performance.now();
    const interval = this.opts.intervalMs ?? (this.tty ? 200 : 5000);
    if (!force && now - this.last < interval) return;
    this.last = now;
    const done = [...this.done.values()].reduce((a, b) => a + b, 0);
    const frac = this.total.work > 0 ? Math.min(1, done / this.total.work) : 1;
    const elapsed = (now - this.start) / 1000;
    const rate = elapsed > 0 ? (done - this.base) / elapsed : 0;
    // The first seconds (workers starting, models loading) say little about the rate.
    const eta =
      frac >= 1 ? 0 : rate > 0 && elapsed >= MIN_ETA_SECONDS ? (this.total.work - done) / rate : Number.NaN;
    const filled = Math.round(frac * 24);
    const bar = `${"#".repeat(filled)}${"-".repeat(24 - filled)}`;
    const line =
      `sweep [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% jobs ${this.finishedJobs}/${this.total.jobs} ` +
      `(${this.running.size} running) elapsed ${formatDuration(elapsed)} eta ${formatDuration(eta)}`;
    this.stream.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }
}
