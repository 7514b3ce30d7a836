import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "./atomicWrite.ts";
import { type Manifest, newManifest } from "./manifest.ts";

/**
 * A run folder `runs/<date>-<name>-<shorthash>/` holding `config.json` (the resolved config), `manifest.json`,
 * `metrics.jsonl` (one JSON object per line) and `checkpoints/`. The short hash is of the resolved config, so
 * two runs of the same config on one day share a prefix and differ by a counter suffix.
 */
export class RunFolder {
  private constructor(
    readonly dir: string,
    private manifestValue: Manifest,
  ) {}

  static create(opts: {
    name: string;
    config: unknown;
    root?: string;
    out?: string;
    backend?: string | null;
    seeds?: Record<string, number>;
    now?: Date;
  }): RunFolder {
    const now = opts.now ?? new Date();
    const configText = `${JSON.stringify(opts.config, null, 2)}\n`;
    const hash = createHash("sha256").update(configText).digest("hex").slice(0, 7);
    const base =
      opts.out ?? join(opts.root ?? "runs", `${now.toISOString().slice(0, 10)}-${slug(opts.name)}-${hash}`);
    let dir = base;
    for (let k = 2; existsSync(dir); k++) dir = `${base}-${k}`;
    mkdirSync(join(dir, "checkpoints"), { recursive: true });
    writeJsonAtomic(join(dir, "config.json"), opts.config);
    const manifest = newManifest({ name: opts.name, backend: opts.backend, seeds: opts.seeds, now });
    writeJsonAtomic(join(dir, "manifest.json"), manifest);
    writeFileSync(join(dir, "metrics.jsonl"), "");
    return new RunFolder(dir, manifest);
  }

  /** Opens an existing run folder (to resume or inspect); errors name the folder and the missing file. */
  static open(dir: string): RunFolder {
    for (const f of ["config.json", "manifest.json"]) {
      if (!existsSync(join(dir, f))) throw new Error(`${dir}: not a run folder (missing ${f})`);
    }
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
    return new RunFolder(dir, manifest);
  }

  get manifest(): Readonly<Manifest> {
    return this.manifestValue;
  }

  get checkpointsDir(): string {
    return join(this.dir, "checkpoints");
  }

  config<T = unknown>(): T {
    return JSON.parse(readFileSync(join(this.dir, "config.json"), "utf8")) as T;
  }

  /** Updates the manifest (atomically). */
  updateManifest(patch: Partial<Manifest>): void {
    this.manifestValue = { ...this.manifestValue, ...patch };
    writeJsonAtomic(join(this.dir, "manifest.json"), this.manifestValue);
  }

  finish(status: Manifest["status"], note?: string): void {
    this.updateManifest({
      status,
      endedAt: new Date().toISOString(),
      notes: note ? [...this.manifestValue.notes, note] : this.manifestValue.notes,
    });
  }

  /** Appends one metrics record as a single line (a line is written whole or, on a crash, not at all usable). */
  logMetrics(record: Record<string, unknown>): void {
    appendFileSync(join(this.dir, "metrics.jsonl"), `${JSON.stringify(record)}\n`);
  }

  /** All complete metrics records (a torn last line from a crash is skipped). */
  metrics(): Record<string, unknown>[] {
    const path = join(this.dir, "metrics.jsonl");
    if (!existsSync(path)) return [];
    const out: Record<string, unknown>[] = [];
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // A torn final line after a crash: ignore it.
      }
    }
    return out;
  }

  /** Rewrites metrics.jsonl keeping only records that pass `keep` (used when resuming from a checkpoint). */
  truncateMetrics(keep: (r: Record<string, unknown>) => boolean): void {
    const kept = this.metrics().filter(keep);
    writeFileAtomic(join(this.dir, "metrics.jsonl"), kept.map((r) => `${JSON.stringify(r)}\n`).join(""));
  }
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "run"
  );
}
