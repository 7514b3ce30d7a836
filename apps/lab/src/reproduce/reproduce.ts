/**
 * `hjepa reproduce DIR`: runs a training run, an evaluation or a comparison again from what its folder saved,
 * into a new folder, and compares the two metric by metric: bit for bit when both ran on the same deterministic
 * backend (wasm, cpu), within a stated tolerance otherwise. Times are reported beside and never compared. A
 * difference in commit, lockfile or backend from what made DIR is a warning line before anything runs.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "@hjepa/errors";
import { writeJsonAtomic } from "@hjepa/experiment";
import { type Comparison, compareMetrics } from "./compareMetrics.ts";
import { comparisonMetrics } from "./comparisonMetrics.ts";
import { evalMetrics } from "./evalMetrics.ts";
import type { MetricSet } from "./metricSet.ts";
import { runMetrics } from "./runMetrics.ts";
import { formatComparison, rowJson } from "./table.ts";
import {
  type CodeState,
  currentState,
  DETERMINISTIC_BACKENDS,
  defaultOut,
  detectKind,
  KIND_WORDS,
  type Kind,
  recordedState,
  shownPathFinder,
  stateWarnings,
} from "./target.ts";

/** Off the deterministic backends, numbers match when |a - b| <= this * max(1, |a|, |b|) (unless --tolerance). */
export const DEFAULT_TOLERANCE = 1e-3;

export const REPORT_FILE = "reproduce.json";

export interface ReproduceOptions {
  /** The result folder (absolute) and as the user wrote it. */
  dir: string;
  shown: string;
  /** The new folder (default DIR.reproduced-<n>). */
  out?: string;
  /** A folder that already holds the re-run: compare with it, run nothing. */
  against?: string;
  tolerance?: number;
  /** The backend to re-run on (default: the one DIR records). */
  backend?: string;
  workers?: number;
  /** A comparison: evaluate its runs again instead of training them again. */
  reuseRuns: boolean;
}

export interface ReproduceOutcome {
  kind: Kind;
  dir: string;
  /** Null when the re-run was interrupted (nothing compared). */
  comparison: Comparison | null;
  report: string | null;
}

async function metricsOf(kind: Kind, dir: string): Promise<MetricSet> {
  if (kind === "run") return runMetrics(dir);
  if (kind === "eval") return evalMetrics(dir);
  return comparisonMetrics(dir, await shownPathFinder(dir));
}

/** The backend to run on: --backend, else HJEPA_BACKEND, else the one the original recorded. */
async function chooseBackend(flag: string | undefined, original: CodeState): Promise<string | null> {
  if (flag !== undefined) {
    const { BACKEND_CHOICES } = await import("@hjepa/tensor");
    if (!(BACKEND_CHOICES as readonly string[]).includes(flag))
      throw new InputError(`--backend must be one of ${BACKEND_CHOICES.join(", ")} (got "${flag}")`);
    return flag;
  }
  const fromEnv = process.env.HJEPA_BACKEND?.trim();
  return fromEnv || original.backend;
}

export async function reproduce(o: ReproduceOptions): Promise<ReproduceOutcome> {
  const kind = detectKind(o.dir, o.shown);
  const original = await recordedState(kind, o.dir);
  const target = o.against ?? o.out ?? defaultOut(o.dir);
  if (o.against !== undefined) {
    const other = detectKind(o.against);
    if (other !== kind)
      throw new InputError(
        `--against ${o.against} is ${KIND_WORDS[other]}; ${o.shown} is ${KIND_WORDS[kind]}`,
      );
  } else if (existsSync(target))
    throw new InputError(`--out ${target} already exists; expected a new folder`);
  if (o.reuseRuns && kind !== "comparison") throw new InputError("--reuse-runs is for comparisons only");

  // Every process of the re-run (eval and compare workers too) runs on the original's backend.
  const backend = await chooseBackend(o.backend, original);
  if (backend !== null) process.env.HJEPA_BACKEND = backend;
  console.log(
    `reproduce: ${KIND_WORDS[kind]}, ${o.shown} -> ${target}` +
      (o.against !== undefined ? " (made already: compared, not run again)" : ""),
  );
  const printed = new Set<string>();
  const warn = (lines: readonly string[]) => {
    for (const l of lines) if (!printed.has(l)) console.log(l);
    for (const l of lines) printed.add(l);
  };

  let reproducedBackend: string | null = null;
  if (o.against === undefined) {
    warn(stateWarnings(original, currentState(backend)));
    if (kind === "run") {
      const { retrainRun } = await import("./rerun.ts");
      const r = await retrainRun(o.dir, target);
      if (r.interrupted) return { kind, dir: target, comparison: null, report: null };
      reproducedBackend = r.backend;
    } else if (kind === "eval") {
      const { reEvaluate } = await import("./rerun.ts");
      reproducedBackend = (await reEvaluate(o.dir, target, o.workers)).backend;
    } else {
      const { prepareRecompare, recompare } = await import("./rerunComparison.ts");
      const prepared = await prepareRecompare(o.dir, target, o.reuseRuns);
      warn(prepared.warnings);
      const { availableParallelism } = await import("node:os");
      const r = await recompare(
        prepared.source,
        target,
        prepared.runsDir,
        o.workers ?? availableParallelism(),
      );
      if (r.interrupted) return { kind, dir: target, comparison: null, report: null };
      reproducedBackend = (await recordedState(kind, target)).backend;
    }
  }
  const reproduced: CodeState =
    o.against === undefined ? currentState(reproducedBackend) : await recordedState(kind, target);
  const warnings = stateWarnings(original, reproduced);

  // Bit for bit only where it can be: the same backend, and one that gives the same numbers every time.
  const same = original.backend === null || original.backend === reproduced.backend;
  const deterministic = same && reproduced.backend !== null && DETERMINISTIC_BACKENDS.has(reproduced.backend);
  const tolerance = o.tolerance ?? (deterministic ? 0 : DEFAULT_TOLERANCE);
  const a = await metricsOf(kind, o.dir);
  const b = await metricsOf(kind, target);
  const comparison = compareMetrics(a.items, b.items, { tolerance, checksums: deterministic });

  console.log("");
  warn(warnings);
  for (const line of formatComparison(comparison)) console.log(line);
  const notes = [...new Set([...a.notes, ...b.notes])];
  if (original.backend === null)
    notes.push(
      `${original.source} records no backend (or "auto"): compared as if it ran on ${reproduced.backend ?? "an unknown one"}`,
    );
  for (const n of notes) console.log(`note: ${n}`);
  const report = writeReport(target, {
    o,
    kind,
    original,
    reproduced,
    warnings,
    deterministic,
    comparison,
    notes,
  });
  console.log(`\n${summaryLine(comparison, original, reproduced, deterministic)}`);
  console.log(`report: ${report}`);
  return { kind, dir: target, comparison, report };
}

/** The last line: match or not, how many values, and how they were compared (exactly, or within what). */
function summaryLine(
  c: Comparison,
  original: CodeState,
  reproduced: CodeState,
  deterministic: boolean,
): string {
  const t = c.tolerance;
  const how =
    t === 0
      ? `exactly (backend ${reproduced.backend ?? "unknown"}, deterministic)`
      : `within tolerance ${t} (|a - b| <= ${t} * max(1, |a|, |b|)${
          deterministic
            ? ""
            : `; backend ${original.backend ?? "unknown"} -> ${reproduced.backend ?? "unknown"}: not bit for bit`
        }; checksums ${deterministic ? "compared" : "reported beside"})`;
  const n = c.counts;
  const compared = n.exact + n.close + n.differs + n.missing;
  return c.match
    ? `reproduce: match: ${compared} values compared ${how}, ${n.exact} exact, ${n.close} close; ${n.beside} reported beside`
    : `reproduce: MISMATCH: ${n.differs} of ${compared} values differ and ${n.missing} are missing (compared ${how})`;
}

/** reproduce.json in the re-run's folder: what was compared with what, how, and every row. */
function writeReport(
  target: string,
  r: {
    o: ReproduceOptions;
    kind: Kind;
    original: CodeState;
    reproduced: CodeState;
    warnings: string[];
    deterministic: boolean;
    comparison: Comparison;
    notes: string[];
  },
): string {
  const file = join(target, REPORT_FILE);
  writeJsonAtomic(
    file,
    {
      version: 1,
      kind: r.kind,
      original: resolve(r.o.dir),
      reproduced: resolve(target),
      rerun: r.o.against === undefined,
      command: process.argv.slice(2),
      createdAt: new Date().toISOString(),
      code: { original: r.original, reproduced: r.reproduced },
      warnings: r.warnings,
      compared: r.comparison.tolerance === 0 ? "exactly" : "within tolerance",
      tolerance: r.comparison.tolerance,
      checksumsCompared: r.deterministic,
      match: r.comparison.match,
      counts: r.comparison.counts,
      notes: r.notes,
      rows: r.comparison.rows.map(rowJson),
    },
    "write reproduce.json",
  );
  return file;
}
