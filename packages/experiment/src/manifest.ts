import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileSha256 } from "./hashes.ts";

/** What a run was made with, so that it can be reproduced or its differences explained. */
export interface Manifest {
  name: string;
  git: { commit: string | null; dirty: boolean | null };
  lockfileSha256: string | null;
  node: string;
  platform: string;
  backend: string | null;
  seeds: Record<string, number>;
  command: string[];
  startedAt: string;
  endedAt: string | null;
  status: "running" | "finished" | "interrupted" | "failed";
  /** Free-form notes added while running (resumed-from, stop reason). */
  notes: string[];
}

/** The repository root: the nearest folder above `from` holding pnpm-workspace.yaml (else `from`). */
export function findRepoRoot(from = process.cwd()): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
}

export function gitState(cwd: string): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

export function lockfileHash(root: string): string | null {
  const path = join(root, "pnpm-lock.yaml");
  if (!existsSync(path)) return null;
  return fileSha256(path);
}

export function newManifest(opts: {
  name: string;
  backend?: string | null;
  seeds?: Record<string, number>;
  root?: string;
  now?: Date;
}): Manifest {
  // The commit and lockfile of the hjepa code that runs, wherever the user runs it from.
  const root = opts.root ?? findRepoRoot(import.meta.dirname);
  return {
    name: opts.name,
    git: gitState(root),
    lockfileSha256: lockfileHash(root),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    backend: opts.backend ?? null,
    seeds: opts.seeds ?? {},
    command: process.argv.slice(1),
    startedAt: (opts.now ?? new Date()).toISOString(),
    endedAt: null,
    status: "running",
    notes: [],
  };
}
