/**
 * A one-line progress bar with rate and ETA for long commands. On a terminal it redraws in place; otherwise
 * (CI logs, pipes) it prints a plain line at most every `intervalMs`, so logs stay short.
 */
export interface ProgressOptions {
  label: string;
  total: number;
  unit?: string;
  stream?: NodeJS.WriteStream;
  intervalMs?: number;
}

export class ProgressBar {
  private start = performance.now();
  private last = 0;
  private done = 0;
  /** Units done before this process started (a resumed run): not counted in the rate. */
  private base = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
  }

  update(done: number, extra = ""): void {
    this.done = done;
    const now = performance.now();
    const interval = this.opts.intervalMs ?? (this.tty ? 100 : 5000);
    if (now - this.last < interval && done < this.opts.total) return;
    this.last = now;
    this.draw(extra);
  }

  /** This process starts at `done` (a resumed run): the rate and ETA count only the work done from here. */
  startFrom(done: number): void {
    this.base = done;
    this.done = done;
    this.start = performance.now();
  }

  finish(extra = ""): void {
    this.done = Math.max(this.done, this.opts.total);
    this.draw(extra);
    if (this.tty) this.stream.write("\n");
  }

  private draw(extra: string): void {
    const { total, label } = this.opts;
    const unit = this.opts.unit ?? "";
    const elapsed = (performance.now() - this.start) / 1000;
    const frac = total > 0 ? Math.min(1, this.done / total) : 1;
    const rate = elapsed > 0 ? (this.done - this.base) / elapsed : 0;
    const eta = rate > 0 ? (total - this.done) / rate : Number.NaN;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
    const line = `${label} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${formatCount(this.done)}/${formatCount(total)}${unit} ${formatRate(rate)}${unit}/s elapsed ${formatDuration(elapsed)} eta ${formatDuration(eta)}${extra ? ` ${extra}` : ""}`;
    this.stream.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
}

function formatRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)}M`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)}k`;
  return r.toFixed(1);
}

/** An integer count with thousands separators (never in exponent notation). */
export function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? n.toLocaleString("en-US") : String(n);
}
