/**
 * `hjepa train --add-level --from RUN`: a new run that adds levels over a finished run without retraining it.
 * Finished runs are immutable, so the parent is never written to: the new run folder gets hard links (or copies)
 * of the parent's checkpoints, its metrics so far, and `parent.json` naming the parent's folder and the sha256
 * of every checkpoint it took, which `checkParent` verifies before training starts.
 *
 * An added level with `frozenBelow: false` trains the parent's levels too (joint training), but their new
 * weights are saved with the added level, in the new run's `checkpoints/level-<k>/`: the files taken from the
 * parent (hard links to its own) are only read, and loading the new run gives the jointly trained levels.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError, InputError } from "@hjepa/errors";
import { type ExperimentConfig, type RunFolder, writeJsonAtomic } from "@hjepa/experiment";

export interface ParentRecord {
  /** The parent run's folder (absolute). */
  path: string;
  /** Levels taken from the parent (trained there). */
  levels: number;
  /** Each copied checkpoint file (relative to checkpoints/) and its sha256. */
  files: Record<string, string>;
}

/** What may differ between a parent and a child run: their names, descriptions, agents and added levels. */
function comparable(config: ExperimentConfig, levels: number): string {
  const { name: _n, description: _d, agent: _a, world, ...rest } = config;
  return JSON.stringify({ ...rest, levels: world.levels.slice(0, levels) });
}

/** Checks that `config` extends the finished run `parent` with at least one level, and nothing else. */
export function checkAddLevel(
  parent: RunFolder,
  parentConfig: ExperimentConfig,
  config: ExperimentConfig,
): void {
  if (parent.manifest.status !== "finished") {
    throw new InputError(
      `--from ${parent.dir} has status ${parent.manifest.status}; a level is added over a finished run (hjepa train --resume it first)`,
    );
  }
  const n = parentConfig.world.levels.length;
  if (config.world.levels.length <= n) {
    throw new InputError(
      `the config has ${config.world.levels.length} level(s), the parent run ${n}; add world.levels[${n}] (e.g. --set 'world.levels[${n}]={"stride":...,"train":{"steps":...}}')`,
    );
  }
  if (comparable(config, n) !== comparable(parentConfig, n)) {
    throw new InputError(
      `the config differs from the parent run's beyond the added levels (only name, description, agent and world.levels[${n}..] may change)`,
    );
  }
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function filesUnder(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const rel = prefix ? `${prefix}/${name}` : name;
    // Temp files of an interrupted save are never taken.
    if (name.startsWith(".")) continue;
    if (statSync(join(dir, name)).isDirectory()) out.push(...filesUnder(join(dir, name), rel));
    else out.push(rel);
  }
  return out;
}

/** Links the parent's checkpoints and metrics into the new run `child` and records them in parent.json. */
export function adoptParent(parent: RunFolder, levels: number, child: RunFolder): ParentRecord {
  const files: Record<string, string> = {};
  for (const rel of filesUnder(parent.checkpointsDir)) {
    const from = join(parent.checkpointsDir, rel);
    const to = join(child.checkpointsDir, rel);
    mkdirSync(join(to, ".."), { recursive: true });
    try {
      linkSync(from, to);
    } catch {
      cpSync(from, to);
    }
    files[rel] = sha256(from);
  }
  for (const record of parent.metrics()) child.logMetrics({ ...record, fromParent: true });
  const record: ParentRecord = { path: parent.dir, levels, files };
  writeJsonAtomic(join(child.dir, "parent.json"), record, "record the parent run");
  return record;
}

/** Verifies the checkpoints a child run took from its parent against parent.json (a no-op without one). */
export function checkParent(child: RunFolder): void {
  const file = join(child.dir, "parent.json");
  if (!existsSync(file)) return;
  const record = JSON.parse(readFileSync(file, "utf8")) as ParentRecord;
  for (const [rel, digest] of Object.entries(record.files)) {
    const path = join(child.checkpointsDir, rel);
    if (!existsSync(path) || sha256(path) !== digest)
      throw new CheckpointError(
        `${path}: does not match the checksum recorded in ${file} (taken from ${record.path}); the file was changed`,
      );
  }
}
