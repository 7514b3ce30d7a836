import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { InputError, isHjepaError } from "@hjepa/errors";
import { findRepoRoot, gitState, lockfileHash, RunFolder } from "@hjepa/experiment";
import { readJsonFile } from "./runMetrics.ts";

/** What a result folder is: a training run, an evaluation (RUN/eval/NAME) or a comparison. */
export type Kind = "run" | "eval" | "comparison";

export const KIND_WORDS: Record<Kind, string> = {
  run: "a training run",
  eval: "an evaluation",
  comparison: "a comparison",
};

/** Backends that give the same numbers bit for bit on every run (see packages/tensor/README.md). */
export const DETERMINISTIC_BACKENDS: ReadonlySet<string> = new Set(["wasm", "cpu"]);

export function detectKind(dir: string, shown = dir): Kind {
  const expected = "expected a run folder, an evaluation folder RUN/eval/NAME or a comparison folder";
  if (!existsSync(dir)) throw new InputError(`${shown}: no such folder (${expected})`);
  if (!statSync(dir).isDirectory()) throw new InputError(`${shown}: not a folder (${expected})`);
  if (existsSync(join(dir, "comparison.json"))) return "comparison";
  if (existsSync(join(dir, "manifest.json")) && existsSync(join(dir, "config.json"))) return "run";
  if (existsSync(join(dir, "results.json"))) return "eval";
  throw new InputError(
    `${shown}: holds no manifest.json and config.json, results.json or comparison.json (${expected})`,
  );
}

/** `DIR.reproduced-<n>` with the first n whose folder does not exist. */
export function defaultOut(dir: string): string {
  const base = dir.replace(/[/\\]+$/, "");
  for (let n = 1; ; n++) if (!existsSync(`${base}.reproduced-${n}`)) return `${base}.reproduced-${n}`;
}

/**
 * Finds paths as comparison.json shows them (relative to the root of the comparison file that made it, or
 * absolute): against the root of the folder itself, then the repository of the current folder, then the current
 * folder; null when in none of them. Async: the comparison planner (which has the root rule) loads the agent.
 */
export async function shownPathFinder(dir: string): Promise<(shown: string) => string | null> {
  const { comparisonRoot } = await import("../compare/plan.ts");
  const here = process.env.INIT_CWD ?? process.cwd();
  const roots = [comparisonRoot(join(dir, "comparison.json")), findRepoRoot(here), here];
  return (shown) => {
    if (isAbsolute(shown)) return existsSync(shown) ? shown : null;
    const root = roots.find((r) => existsSync(join(r, shown)));
    return root === undefined ? null : resolve(root, shown);
  };
}

/** The code and backend a result was made with (or, for `now`, what this checkout runs). */
export interface CodeState {
  commit: string | null;
  dirty: boolean | null;
  lockfileSha256: string | null;
  backend: string | null;
  /** Where it was read from ("runs/x/manifest.json"), for the warnings. */
  source: string;
}

/** The run folder an evaluation folder belongs to: RUN/eval/NAME, else the run results.json names. */
export function evalRunDir(dir: string, recorded: string | undefined): string {
  const above = dirname(dirname(resolve(dir)));
  if (existsSync(join(above, "manifest.json"))) return above;
  if (recorded !== undefined && existsSync(join(recorded, "manifest.json"))) return recorded;
  throw new InputError(
    `${dir}: the run it evaluated is not here (not ${above}${recorded ? ` nor ${recorded}` : ""}); expected RUN/eval/NAME`,
  );
}

function manifestState(runDir: string): Omit<CodeState, "source"> {
  const m = RunFolder.open(runDir).manifest;
  return {
    commit: m.git?.commit ?? null,
    dirty: m.git?.dirty ?? null,
    lockfileSha256: m.lockfileSha256 ?? null,
    // Runs trained by hjepa compare before it recorded the backend that ran say "auto": not recorded.
    backend: m.backend === "auto" ? null : (m.backend ?? null),
  };
}

/**
 * What a result folder records about the code and backend that made it. An evaluation's results.json records
 * its backend but no commit: the reproduce.json that `hjepa reproduce` writes beside it, else its run's
 * manifest, stands in. A comparison's backend is its runs'.
 */
export async function recordedState(kind: Kind, dir: string): Promise<CodeState> {
  if (kind === "run") return { ...manifestState(dir), source: join(dir, "manifest.json") };
  if (kind === "eval") {
    const results = readJsonFile(join(dir, "results.json"), "hjepa eval's results") as {
      run?: string;
      backend?: string;
    };
    const backend = results.backend ?? null;
    const own = join(dir, "reproduce.json");
    if (existsSync(own)) {
      const r = readJsonFile(own, "hjepa reproduce's report") as { code?: { reproduced?: CodeState } };
      if (r.code?.reproduced) return { ...r.code.reproduced, backend, source: own };
    }
    const run = evalRunDir(dir, results.run);
    return {
      ...manifestState(run),
      backend,
      source: `${join(run, "manifest.json")} (results.json records no commit)`,
    };
  }
  const file = readJsonFile(join(dir, "comparison.json"), "hjepa compare's results") as {
    session: { commit: string | null; dirty: boolean | null; lockfileSha256: string | null };
    runs: { dir: string }[];
  };
  let backend: string | null = null;
  const find = await shownPathFinder(dir);
  for (const r of file.runs) {
    const found = find(r.dir);
    if (found === null) continue;
    try {
      backend = manifestState(found).backend;
      if (backend !== null) break;
    } catch (e) {
      if (!isHjepaError(e)) throw e;
    }
  }
  return { ...file.session, backend, source: join(dir, "comparison.json") };
}

/** This checkout: the commit and lockfile of the hjepa code that runs, and the backend it runs on. */
export function currentState(backend: string | null): CodeState {
  const root = findRepoRoot(import.meta.dirname);
  return { ...gitState(root), lockfileSha256: lockfileHash(root), backend, source: "this checkout" };
}

const short = (s: string | null) => (s === null ? "unknown" : s.slice(0, 10));
const changes = (dirty: boolean | null) => (dirty ? " with local changes" : "");

/** One line per difference in commit, lockfile or backend between what made a result and its reproduction. */
export function stateWarnings(original: CodeState, now: CodeState): string[] {
  const out: string[] = [];
  if (original.commit !== now.commit)
    out.push(
      `warning: commit differs: ${original.source} has ${short(original.commit)}${changes(original.dirty)}, ` +
        `${now.source} ${short(now.commit)}${changes(now.dirty)}`,
    );
  else if (original.dirty || now.dirty)
    out.push(
      `warning: same commit ${short(now.commit)}, but ${original.dirty ? original.source : now.source} had ` +
        "local changes: the code may differ",
    );
  if (original.lockfileSha256 !== null && original.lockfileSha256 !== now.lockfileSha256)
    out.push(
      `warning: pnpm-lock.yaml differs: ${original.source} has sha256 ${short(original.lockfileSha256)}, ` +
        `${now.source} ${short(now.lockfileSha256)}`,
    );
  if (original.backend !== null && now.backend !== null && original.backend !== now.backend)
    out.push(
      `warning: backend differs: ${original.source} ran on ${original.backend}, ${now.source} on ${now.backend}`,
    );
  return out;
}
