/**
 * Planning a comparison: everything `hjepa compare` checks before it starts a worker or writes a file. The
 * comparison file, each arm's config per budget and seed (the experiment config, the arm's `set`, the budget's
 * `set`, then `seed`), the task set and its bins, and the runs: arms whose configs agree outside `agent` share a
 * run per seed (the run key), which is reused when a finished one with its key is in the runs folder and holds
 * the agent parts the arms need, and trained otherwise. Bad input is one `InputError` naming the file, arm and
 * field; nothing is written.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fullExperimentSchema, plannedLevels } from "@hjepa/configurator";
import { loadTaskSet, type TaskSet } from "@hjepa/envs";
import { deserializeError, InputError, isHjepaError, oneLine, serializeError } from "@hjepa/errors";
import {
  type AgentConfig,
  applyOverride,
  type ComparisonConfig,
  ConfigError,
  type ExperimentConfig,
  fileSha256,
  findRepoRoot,
  loadComparison,
  migrateConfig,
  parseOverride,
  validateConfig,
} from "@hjepa/experiment";
import { checkConfigEnv } from "../envFlags.ts";
import { groupRuns, type RunUnit } from "./runUnits.ts";

export type { Cell, RunUnit } from "./runUnits.ts";

/** Tasks per eval job: small enough to spread over the workers and to lose little to a Ctrl-C. */
export const EVAL_SHARD_TASKS = 10;

export interface PlannedBudget {
  /** The budget's label, or null for an arm without budgets. */
  label: string | null;
  /** Compute per env step the agent schedules, in cost units (its plot point and its `budget` in the report). */
  computePerStep: number;
  /** The arm's and the budget's overrides, as applied. */
  set: Record<string, unknown>;
  /** The resolved config per training seed. */
  configs: ExperimentConfig[];
}

export interface PlannedArm {
  name: string;
  description: string;
  /** The experiment config, relative to the comparison's root. */
  experiment: string;
  budgets: PlannedBudget[];
}

export interface ComparisonPlan {
  file: string;
  /** Relative paths of the comparison file are relative to this folder. */
  root: string;
  comparison: ComparisonConfig;
  envId: string;
  tasks: { file: string; sha256: string; set: TaskSet; bins: string[]; selected: number[] };
  arms: PlannedArm[];
  units: RunUnit[];
  runsDir: string;
}

/**
 * Relative paths in a comparison file are relative to the repository that holds it (the nearest folder above
 * it with pnpm-workspace.yaml), or to its own folder outside a repository.
 */
export function comparisonRoot(file: string): string {
  const dir = dirname(file);
  const repo = findRepoRoot(dir);
  return existsSync(join(repo, "pnpm-workspace.yaml")) ? repo : dir;
}

export function planComparison(file: string, opts: { runsDir: string }): ComparisonPlan {
  const comparison = loadComparison(file);
  const root = comparisonRoot(file);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(root, p));

  const experiments = new Map<string, unknown>();
  const experimentRaw = (path: string, field: string): unknown => {
    const abs = at(path);
    const cached = experiments.get(abs);
    if (cached !== undefined) return cached;
    if (!existsSync(abs))
      throw new InputError(`${file}: ${field} ${path}: no such file (expected an experiment config)`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(abs, "utf8"));
    } catch (e) {
      throw new ConfigError(`${abs}: not valid JSON (${oneLine((e as Error).message)})`);
    }
    const migrated = migrateConfig(raw, abs).config;
    experiments.set(abs, migrated);
    return migrated;
  };

  const tasksFile = at(comparison.tasks);
  if (!existsSync(tasksFile))
    throw new InputError(
      `${file}: tasks ${comparison.tasks}: no such file (expected a task set from hjepa tasks)`,
    );

  const arms: PlannedArm[] = comparison.arms.map((arm, i) => {
    const experiment = arm.experiment ?? comparison.experiment;
    const field = arm.experiment ? `arms[${i}].experiment` : "experiment";
    const base = experimentRaw(experiment, field);
    const budgets = (arm.budgets ?? [null]).map((b, k) => {
      const set = { ...arm.set, ...(b?.set ?? {}) };
      const where = `${file}: arms[${i}] "${arm.name}"${b ? ` budgets[${k}] "${b.label}"` : ""}`;
      const configs = comparison.seeds.map((seed) => armConfig(base, set, seed, where, experiment, root));
      return {
        label: b?.label ?? null,
        computePerStep: scheduledCompute(configs[0]?.agent as AgentConfig),
        set,
        configs,
      };
    });
    const seen = new Map<number, string | null>();
    for (const b of budgets) {
      if (seen.has(b.computePerStep))
        throw new InputError(
          `${file}: arms[${i}] "${arm.name}": budgets "${seen.get(b.computePerStep)}" and "${b.label}" both schedule ` +
            `${b.computePerStep} cost units per env step; a budget curve needs a different compute at each point`,
        );
      seen.set(b.computePerStep, b.label);
    }
    const first = budgets[0]?.configs[0] as ExperimentConfig;
    checkConfigEnv(`${file}: arms[${i}] "${arm.name}" (${experiment})`, first.env.id, {
      ...first.env.kwargs,
      ...first.data.collectKwargs,
    });
    return { name: arm.name, description: arm.description, experiment, budgets };
  });

  const envIds = new Set(arms.flatMap((a) => a.budgets.flatMap((b) => b.configs.map((c) => c.env.id))));
  if (envIds.size > 1)
    throw new InputError(
      `${file}: the arms plan in different environments (${[...envIds].join(", ")}); every arm must run on the same tasks`,
    );
  const envId = [...envIds][0] as string;
  let set: TaskSet;
  try {
    set = loadTaskSet(tasksFile, { envId });
  } catch (e) {
    if (!isHjepaError(e)) throw e;
    // The task set's own message, with the comparison that named it in front.
    throw deserializeError({ ...serializeError(e), message: `${file}: tasks: ${e.message}` });
  }
  const tasks = selectTasks(set, comparison, file);

  const units = groupRuns(comparison, arms, file, opts.runsDir);
  return {
    file,
    root,
    comparison,
    envId,
    tasks: { file: tasksFile, sha256: fileSha256(tasksFile), set, ...tasks },
    arms,
    units,
    runsDir: opts.runsDir,
  };
}

/** The experiment config with an arm's overrides and the training seed, validated with the registries. */
function armConfig(
  base: unknown,
  set: Record<string, unknown>,
  seed: number,
  where: string,
  experiment: string,
  root: string,
): ExperimentConfig {
  let raw = base;
  for (const [path, value] of Object.entries(set)) {
    const text = `${path}=${JSON.stringify(value)}`;
    try {
      raw = applyOverride(raw, { path: parseOverride(`${path}=null`).path, value, text });
    } catch (e) {
      if (!isHjepaError(e)) throw e;
      throw new ConfigError(`${where}: ${e.message.replace(/^--set /, "set ")}`);
    }
  }
  raw = applyOverride(raw, { path: ["seed"], value: seed, text: `seed=${seed}` });
  const config = validateConfig(
    fullExperimentSchema,
    raw,
    `${where} (${experiment} with its set, seed ${seed})`,
  );
  const mapFile = config.env.kwargs.mapFile;
  if (typeof mapFile === "string" && !isAbsolute(mapFile))
    return {
      ...config,
      env: { ...config.env, kwargs: { ...config.env.kwargs, mapFile: resolve(root, mapFile) } },
    };
  return config;
}

/** Compute per env step an agent schedules: each planned level's budget per plan over its replanning interval. */
export function scheduledCompute(agent: AgentConfig): number {
  return plannedLevels(agent).reduce((sum, level) => {
    if (level === 1) return sum + agent.budget / agent.replanEvery;
    const l = agent.levels.find((x) => x.level === level);
    return l ? sum + l.budget / l.replanEvery : sum;
  }, 0);
}

/** The tasks evaluated: those of the chosen bins (all by default), the first `limit` of each, in file order. */
function selectTasks(
  set: TaskSet,
  c: ComparisonConfig,
  file: string,
): { bins: string[]; selected: number[] } {
  const names = set.bins.map((b) => b.name);
  const bins = c.bins ?? names;
  bins.forEach((b, i) => {
    if (!names.includes(b))
      throw new InputError(
        `${file}: bins[${i}] "${b}" is not a bin of ${c.tasks} (it has ${names.map((n) => `"${n}"`).join(", ")})`,
      );
  });
  const taken = new Map<string, number>();
  const selected: number[] = [];
  set.tasks.forEach((t, i) => {
    if (!bins.includes(t.bin)) return;
    const n = taken.get(t.bin) ?? 0;
    if (c.limit !== undefined && n >= c.limit) return;
    taken.set(t.bin, n + 1);
    selected.push(i);
  });
  if (selected.length === 0)
    throw new InputError(`${file}: ${c.tasks} has no task in bins ${bins.join(", ")}`);
  return { bins: bins.filter((b) => taken.has(b)), selected };
}

/** A path for messages and files: relative to `root` when inside it. */
export function shownPath(root: string, path: string): string {
  const rel = relative(root, path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
