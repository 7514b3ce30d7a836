/**
 * The pieces scripts/reproduce-all.entries.ts lists results with: steps (hjepa commands, far-bin task sets),
 * checks (a quoted text and the text the re-run's results make for it), and the numbers as README.md prints
 * them (success with its Wilson interval pooled over evaluations, SPL, measured compute per env step).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { wilsonInterval } from "../packages/experiment/src/stats.ts";

/** One command: hjepa arguments ("{out}" is the output folder), or a far-bin-only copy of a task set. */
export type Step =
  | { hjepa: string[]; makes: string; original?: string }
  | { farTasks: string; makes: string };

/** A quoted text and the text the re-run's results give for it. */
export interface Check {
  file: string;
  quoted: string;
  made: (out: string) => string;
}

export interface Entry {
  id: string;
  /** Where the numbers are quoted, in words. */
  what: string;
  /** Minutes on 2 cores, from the original runs' manifests and comparisons' sessions (for --list). */
  minutes: number;
  steps: Step[];
  checks: Check[];
  /** A comparison whose table README.md quotes: its folder under the output folder. */
  table?: string;
}

interface Summary {
  bin: string;
  episodes: number;
  successes: number;
  spl: number;
  violations: number;
  violationRate: number;
}

interface Results {
  summaries: Summary[];
  episodes: { bin: string; costUnitsPerStep: number }[];
}

export const results = (out: string, dir: string): Results =>
  JSON.parse(readFileSync(join(out, dir, "results.json"), "utf8")) as Results;

export const summary = (r: Results, bin: string): Summary => {
  const s = r.summaries.find((x) => x.bin === bin);
  if (s === undefined) throw new Error(`no summary for bin ${bin}`);
  return s;
};

export const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;

/** Successes and episodes in a bin, pooled over evaluations. */
function pooledCounts(out: string, dirs: string[], bin: string): { k: number; n: number } {
  const s = dirs.map((d) => summary(results(out, d), bin));
  return { k: s.reduce((a, x) => a + x.successes, 0), n: s.reduce((a, x) => a + x.episodes, 0) };
}

/** Success pooled over evaluations (every episode one trial), without its interval: "98.4%". */
export function pooledRate(out: string, dirs: string[], bin: string): string {
  const { k, n } = pooledCounts(out, dirs, bin);
  return pct(k / n);
}

/** Success pooled over evaluations (every episode one trial) with its 95% Wilson interval: "98.4% [96.2, 99.3]". */
export function pooledSuccess(out: string, dirs: string[], bin: string): string {
  const { k, n } = pooledCounts(out, dirs, bin);
  const [lo, hi] = wilsonInterval(k, n);
  return `${pct(k / n)} [${(100 * lo).toFixed(1)}, ${(100 * hi).toFixed(1)}]`;
}

/** SPL over every episode of the evaluations (each bin summary weighted by its episodes), 3 decimals. */
export function pooledSpl(out: string, dirs: string[], bin: string): string {
  const s = dirs.map((d) => summary(results(out, d), bin));
  const n = s.reduce((a, x) => a + x.episodes, 0);
  return (s.reduce((a, x) => a + x.spl * x.episodes, 0) / n).toFixed(3);
}

/** Measured compute per env step, mean over the episodes of the evaluations, rounded. */
export function costUnits(out: string, dirs: string[], bin: string): string {
  const xs = dirs.flatMap((d) =>
    results(out, d)
      .episodes.filter((e) => bin === "all" || e.bin === bin)
      .map((e) => e.costUnitsPerStep),
  );
  return (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(0);
}

/** One evaluation's success rate in a bin: "91.2%" (or "0%" with `digits` 0). */
export function success(out: string, dir: string, bin: string, digits = 1): string {
  const s = summary(results(out, dir), bin);
  return pct(s.successes / s.episodes, digits);
}

/** Episodes with a guardrail violation over the evaluations, and all their episodes. */
export function violations(out: string, dirs: string[]): { episodes: number; violated: number } {
  const s = dirs.map((d) => summary(results(out, d), "all"));
  return {
    episodes: s.reduce((a, x) => a + x.episodes, 0),
    violated: s.reduce((a, x) => a + Math.round(x.violationRate * x.episodes), 0),
  };
}

export const README = "README.md";
export const EXP = "configs/experiments";

/**
 * Level 1's held-out prediction error against not moving at the end of training, at a horizon (err@H/base in
 * `hjepa inspect`), as words: "about a fifth" for 0.21.
 */
export function levelOneRatio(out: string, run: string, horizon: number): string {
  const lines = readFileSync(join(out, run, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n");
  const last = lines
    .map(
      (l) =>
        JSON.parse(l) as { kind: string; level?: number; prediction?: { horizon: number; ratio: number }[] },
    )
    .filter((r) => r.kind === "diagnostics" && r.level === undefined)
    .at(-1);
  const ratio = last?.prediction?.find((p) => p.horizon === horizon)?.ratio;
  if (ratio === undefined) throw new Error(`${run}: no level-1 diagnostics at horizon ${horizon}`);
  const parts = ["", "", "half", "third", "quarter", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
  const k = Math.round(1 / ratio);
  return k >= 2 && k <= 10 ? `about a ${parts[k]}` : `about ${ratio.toFixed(2)} times that`;
}

/**
 * hjepa train of an experiment config at a seed into {out}/runs/<name> (default <config>-s<seed>): a comparison
 * with --runs {out}/runs finds it by its training config and evaluates it, as the original comparisons did.
 */
export const train = (
  config: string,
  seed: number,
  original: string,
  extra: string[] = [],
  name = `${config}-s${seed}`,
): Step => ({
  hjepa: [
    "train",
    "--config",
    `${EXP}/${config}.json`,
    "--set",
    `seed=${seed}`,
    ...extra,
    "--out",
    `{out}/runs/${name}`,
  ],
  makes: `runs/${name}`,
  original,
});

/** hjepa eval of a run under {out}/runs on a task set, named as the original evaluation. */
export const evaluate = (
  run: string,
  tasks: string,
  name: string,
  original: string,
  flags: string[] = [],
): Step => ({
  hjepa: ["eval", "--run", `{out}/runs/${run}`, "--tasks", tasks, "--name", name, ...flags],
  makes: `runs/${run}/eval/${name}`,
  original,
});

/**
 * hjepa compare of configs/comparisons/<name>.json into {out}/<name>, its runs looked up (and trained) in
 * {out}/runs, checked against `original` (default runs/comparisons/<name>).
 */
export const compare = (name: string, original = `runs/comparisons/${name}`): Step => ({
  hjepa: [
    "compare",
    "--config",
    `configs/comparisons/${name}.json`,
    "--out",
    `{out}/${name}`,
    "--runs",
    "{out}/runs",
  ],
  makes: `${name}/comparison.json`,
  original,
});

export const far = (set: string): Step => ({
  farTasks: `configs/tasks/${set}.json`,
  makes: `tasks/${set}-far.json`,
});
export const farFile = (set: string) => `{out}/tasks/${set}-far.json`;

/** Level 2 planned with MPPI over its predictor (not the experience graph), as first measured. */
export const mppiTop = (horizon: number) => [
  ...["--set", "agent.landmarks=null"],
  ...[
    "--set",
    `agent.levels=[{"level":2,"planner":"mppi","plannerOptions":{"iterations":2},"horizon":${horizon},"budget":4800,"replanEvery":4,"subgoalStep":1}]`,
  ],
];
/** The 3-level agent of the nine-rooms comparison's "3 levels" arm. */
export const THREE_LEVELS = [
  ...["--set", "agent.hierarchy.use=3"],
  ...[
    "--set",
    'agent.levels=[{"level":3,"planner":"landmark-graph","plannerOptions":{"waypoints":"straight","tolerance":3},"horizon":4,"budget":1,"replanEvery":4,"subgoalStep":1},{"level":2,"planner":"mppi","plannerOptions":{"iterations":2},"horizon":4,"budget":1600,"replanEvery":4,"subgoalStep":1}]',
  ],
];
/** FourRooms' agent with MPPI at level 2, and level 1 MPPI at its default sigma. */
export const FOUR_ROOMS_MPPI_TOP = ["--set", 'agent.plannerOptions={"iterations":2}', ...mppiTop(10)];

/** A row of README's table of other maps, made from the evaluations of seeds 1, 2, 3 (or 1). */
export function mapRow(config: string, tasks: string, seeds: string, n: string, cells: string[]): string {
  return `| \`${config}.json\` | ${tasks}, ${n} | ${seeds} | ${cells.join(" | ")} |`;
}
