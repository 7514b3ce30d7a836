import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError, fileSystemError, oneLine, onFileSystem } from "@hjepa/errors";
import { z } from "zod";
import { ensureFolder, writeFileAtomic, writeJsonAtomic } from "./atomicWrite.ts";
import { issueLines } from "./config.ts";
import { type Manifest, newManifest } from "./manifest.ts";
import { migrateConfig } from "./migrate.ts";

/** What `RunFolder` reads back from manifest.json (other fields are kept as they are). */
const manifestSchema = z
  .object({
    name: z.string(),
    status: z.enum(["running", "finished", "interrupted", "failed"]),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    seeds: z.record(z.string(), z.number()),
    notes: z.array(z.string()),
  })
  .loose();

/** Reads and parses a JSON file of a run folder; a missing, unreadable or invalid file is a CheckpointError. */
function readRunJson(file: string, expected: string): unknown {
  if (!existsSync(file)) throw new CheckpointError(`${file}: not found; expected ${expected}`);
  const text = onFileSystem(file, "read the run folder", () => readFileSync(file, "utf8"));
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CheckpointError(
      `${file}: not valid JSON (${oneLine((e as Error).message)}); expected ${expected}`,
    );
  }
}

/**
 * A run folder `runs/<date>-<name>-<shorthash>/` holding `config.json` (the resolved config), `manifest.json`,
 * `metrics.jsonl` (one JSON object per line) and `checkpoints/`. The short hash is of the resolved config, so
 * two runs of the same config on one day share a prefix and differ by a counter suffix.
 */
export class RunFolder {
  private constructor(
    readonly dir: string,
    private manifestValue: Manifest,
    private readonly configValue: unknown,
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
    const manifest = newManifest({ name: opts.name, backend: opts.backend, seeds: opts.seeds, now });
    try {
      ensureFolder(join(dir, "checkpoints"));
      writeJsonAtomic(join(dir, "config.json"), opts.config);
      writeJsonAtomic(join(dir, "manifest.json"), manifest);
      writeFileAtomic(join(dir, "metrics.jsonl"), "");
    } catch (e) {
      // The folder did not exist before: a failed create leaves nothing behind.
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // Nothing was created (a file in the path): nothing to remove.
      }
      throw fileSystemError(e, dir, "create the run folder");
    }
    return new RunFolder(dir, manifest, opts.config);
  }

  /**
   * Opens an existing run folder (to resume or inspect). A missing folder or file, a file that is not JSON or a
   * manifest without its fields is a `CheckpointError` naming the file; the config's fields are checked by
   * whoever reads `config()` against their schema.
   */
  static open(dir: string): RunFolder {
    for (const f of ["config.json", "manifest.json"]) {
      if (!existsSync(join(dir, f))) throw new CheckpointError(`${dir}: not a run folder (missing ${f})`);
    }
    const config = readRunJson(join(dir, "config.json"), "the resolved config of the run");
    const manifestFile = join(dir, "manifest.json");
    const raw = readRunJson(manifestFile, "the run manifest");
    const r = manifestSchema.safeParse(raw);
    if (!r.success) throw new CheckpointError(issueLines(r.error, raw, manifestFile).join("\n"));
    return new RunFolder(dir, raw as Manifest, config);
  }

  get manifest(): Readonly<Manifest> {
    return this.manifestValue;
  }

  get checkpointsDir(): string {
    return join(this.dir, "checkpoints");
  }

  /** The resolved config (a copy), as read when the folder was opened or created. */
  config<T = unknown>(): T {
    return structuredClone(this.configValue) as T;
  }

  /**
   * The config checked against `schema` (defaults filled in). A config.json that does not fit it (written by an
   * older schema version, or edited) is a `CheckpointError`, one line per problem naming config.json's field.
   */
  validConfig<S extends z.ZodType>(schema: S): z.output<S> {
    // A run saved by an older hjepa has an older config version: migrate it as a config file would be.
    const raw = migrateConfig(this.config(), join(this.dir, "config.json")).config;
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    throw new CheckpointError(issueLines(r.error, raw, join(this.dir, "config.json")).join("\n"));
  }

  /** Updates the manifest (atomically). */
  updateManifest(patch: Partial<Manifest>): void {
    this.manifestValue = { ...this.manifestValue, ...patch };
    writeJsonAtomic(join(this.dir, "manifest.json"), this.manifestValue, "update the run manifest");
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
    const path = join(this.dir, "metrics.jsonl");
    onFileSystem(path, "append to the metrics", () => appendFileSync(path, `${JSON.stringify(record)}\n`));
  }

  /** All complete metrics records (a torn last line from a crash is skipped). */
  metrics(): Record<string, unknown>[] {
    const path = join(this.dir, "metrics.jsonl");
    if (!existsSync(path)) return [];
    const out: Record<string, unknown>[] = [];
    const text = onFileSystem(path, "read the metrics", () => readFileSync(path, "utf8"));
    for (const line of text.split("\n")) {
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
    const text = kept.map((r) => `${JSON.stringify(r)}\n`).join("");
    writeFileAtomic(join(this.dir, "metrics.jsonl"), text, "rewrite the metrics");
  }
}

/** A name as a folder-name part: lower case, runs of other characters as one "-" ("run" when nothing is left). */
export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "run"
  );
}
