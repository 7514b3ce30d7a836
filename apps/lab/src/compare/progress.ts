import { formatDuration } from "../progress.ts";

const MIN_ETA_SECONDS = 10;

/**
 * One progress line for a whole comparison: trainings and evaluation episodes weighted by their estimated cost
 * (work.ts), so the bar and its ETA cover both. Work finished before this process started (jobs found done) is
 * counted as done but not in the rate. On a terminal it redraws in place; otherwise a line every `intervalMs`.
 */
export class ComparisonProgress {
  private readonly weights = new Map<string, number>();
  private readonly done = new Map<string, number>();
  private readonly start = performance.now();
  private base = 0;
  private last = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private trains = { done: 0, total: 0 };
  private episodes = { done: 0, total: 0, successes: 0 };
  private readonly jobEpisodes = new Map<string, { done: number; successes: number }>();

  constructor(private readonly opts: { stream?: NodeJS.WriteStream; intervalMs?: number } = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
  }

  /** A job to be done: `kind` says what it counts toward; `episodes` for an eval job. */
  add(id: string, weight: number, kind: "train" | "eval", episodes = 0): void {
    this.weights.set(id, weight);
    if (kind === "train") this.trains.total += 1;
    else this.episodes.total += episodes;
  }

  /** A job found finished before this process started. */
  skipped(id: string, kind: "train" | "eval", episodes = 0, successes = 0): void {
    this.base += (this.weights.get(id) ?? 0) - (this.done.get(id) ?? 0);
    this.finished(id, kind, episodes, successes);
  }

  /** Progress within a job: a fraction of its work, and for an eval job its episodes and successes so far. */
  progress(id: string, fraction: number, episodes?: { done: number; successes: number }): void {
    this.done.set(id, Math.min(1, Math.max(0, fraction)) * (this.weights.get(id) ?? 0));
    if (episodes) {
      const before = this.jobEpisodes.get(id) ?? { done: 0, successes: 0 };
      this.episodes.done += episodes.done - before.done;
      this.episodes.successes += episodes.successes - before.successes;
      this.jobEpisodes.set(id, episodes);
    }
    this.draw(false);
  }

  finished(id: string, kind: "train" | "eval", episodes = 0, successes = 0): void {
    this.done.set(id, this.weights.get(id) ?? 0);
    if (kind === "train") this.trains.done += 1;
    else this.progress(id, 1, { done: episodes, successes });
    this.draw(false);
  }

  /** A job that will run again (its worker died): its progress so far is lost. */
  restarted(id: string): void {
    this.done.set(id, 0);
    const before = this.jobEpisodes.get(id);
    if (before) {
      this.episodes.done -= before.done;
      this.episodes.successes -= before.successes;
      this.jobEpisodes.delete(id);
    }
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
    const total = [...this.weights.values()].reduce((a, b) => a + b, 0);
    const done = [...this.done.values()].reduce((a, b) => a + b, 0);
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const elapsed = (now - this.start) / 1000;
    const rate = elapsed > 0 ? (done - this.base) / elapsed : 0;
    // The first seconds (worker start-up, loading) say little about the rate: no ETA before MIN_ETA_SECONDS.
    const eta = frac >= 1 ? 0 : rate > 0 && elapsed >= MIN_ETA_SECONDS ? (total - done) / rate : Number.NaN;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
    const parts = [
      ...(this.trains.total > 0 ? [`train ${this.trains.done}/${this.trains.total}`] : []),
      `eval ${this.episodes.done}/${this.episodes.total} episodes (${this.episodes.successes} reached)`,
    ];
    const line = `compare [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${parts.join(", ")} elapsed ${formatDuration(elapsed)} eta ${formatDuration(eta)}`;
    this.stream.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }
}
