import { readFileSync } from "node:fs";
import { writeJsonAtomic } from "@hjepa/experiment";
import { make, Rng } from "gymnasium-js";
import { isPlanningEnv, type PlanningEnv, type TrueState } from "./types.ts";

/**
 * Evaluation task sets: start-goal pairs binned by their oracle (shortest-path) distance, saved as JSON so
 * that every planner is compared on the same pairs.
 *
 * A task belongs to the first bin with `min <= distance < max` (`max: null` = no upper bound). The default
 * bins `near`, `mid`, `far` split the distance range into terciles: the range is the smallest and largest
 * distance among `pilot` pairs drawn (from a generator spawned from the seed, with the same sampler and
 * filter as the tasks), and the bins are [0, lo + r/3), [lo + r/3, lo + 2r/3), [lo + 2r/3, no bound) with
 * r = hi - lo, so every reachable pair falls in a bin and the same seed gives the same bins.
 */

export const TASK_SET_VERSION = 1;

export interface TaskBin {
  name: string;
  min: number;
  /** Exclusive upper bound; null for none. */
  max: number | null;
}

export interface Task {
  id: string;
  bin: string;
  start: number[];
  goal: number[];
  /** Oracle shortest-path distance from start to goal (the env's units). */
  distance: number;
}

export interface TaskSet {
  version: number;
  envId: string | null;
  kwargs: Record<string, unknown>;
  seed: number;
  bins: TaskBin[];
  tasks: Task[];
}

export interface TaskSetOptions {
  seed: number;
  /** Tasks per bin. */
  count: number;
  bins?: TaskBin[];
  /** Keeps a pair only when it returns true. */
  filter?: (start: TrueState, goal: TrueState) => boolean;
  /** Pairs drawn to find the distance range of the default bins. */
  pilot?: number;
  /** Pairs drawn at most before giving up on filling the bins (default max(10000, 200 * count * bins)). */
  maxTries?: number;
  /** Recorded in the set when the env has no `spec` (envs made without the registry). */
  envId?: string;
  kwargs?: Record<string, unknown>;
}

export class TaskSetError extends Error {
  override name = "TaskSetError";
}

const DEFAULT_PILOT = 1000;

export function makeTaskSetFromEnv(env: PlanningEnv, opts: TaskSetOptions): TaskSet {
  const where = `makeTaskSet(${env.spec?.id ?? opts.envId ?? env.constructor.name})`;
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) {
    throw new RangeError(`${where}: seed must be a non-negative integer (got ${opts.seed})`);
  }
  if (!Number.isSafeInteger(opts.count) || opts.count <= 0) {
    throw new RangeError(`${where}: count must be a positive integer (got ${opts.count})`);
  }
  const root = new Rng(opts.seed);
  const pilotRng = root.spawn();
  const rng = root.spawn();
  const oracle = env.oracle();
  const draw = (r: Rng) => {
    const pair = env.sampleTask
      ? env.sampleTask(r)
      : { start: env.sampleFreeState(r), goal: env.sampleFreeState(r) };
    const distance = oracle.distance(pair.start, pair.goal);
    const ok =
      Number.isFinite(distance) &&
      !env.isSuccess(pair.start, pair.goal) &&
      (opts.filter?.(pair.start, pair.goal) ?? true);
    return { ...pair, distance, ok };
  };

  const bins = opts.bins
    ? checkBins(opts.bins, where)
    : defaultBins(draw, pilotRng, opts.pilot ?? DEFAULT_PILOT, where);
  const maxTries = opts.maxTries ?? Math.max(10_000, 200 * opts.count * bins.length);
  const filled: Task[][] = bins.map(() => []);
  let remaining = bins.length;
  let tries = 0;
  let seenMin = Number.POSITIVE_INFINITY;
  let seenMax = Number.NEGATIVE_INFINITY;
  while (remaining > 0 && tries < maxTries) {
    tries++;
    const p = draw(rng);
    if (!p.ok) continue;
    seenMin = Math.min(seenMin, p.distance);
    seenMax = Math.max(seenMax, p.distance);
    const b = bins.findIndex((bin) => p.distance >= bin.min && (bin.max === null || p.distance < bin.max));
    const list = filled[b];
    if (b < 0 || !list || list.length >= opts.count) continue;
    const bin = (bins[b] as TaskBin).name;
    list.push({
      id: `${bin}-${list.length}`,
      bin,
      start: [...p.start],
      goal: [...p.goal],
      distance: p.distance,
    });
    if (list.length === opts.count) remaining--;
  }
  if (remaining > 0) {
    const status = bins.map(
      (b, i) => `${b.name} [${b.min}, ${b.max ?? "inf"}): ${filled[i]?.length}/${opts.count}`,
    );
    const range = Number.isFinite(seenMin) ? `[${seenMin}, ${seenMax}]` : "none (no valid pair)";
    throw new TaskSetError(
      `${where}: could not fill every bin after ${tries} tries (${status.join("; ")}); distances seen: ${range}. ` +
        "Widen the bins, lower count, relax the filter or raise maxTries",
    );
  }
  return {
    version: TASK_SET_VERSION,
    envId: env.spec?.id ?? opts.envId ?? null,
    kwargs: { ...(env.spec?.kwargs ?? opts.kwargs ?? {}) },
    seed: opts.seed,
    bins,
    tasks: filled.flat(),
  };
}

/** `makeTaskSetFromEnv` on `make(envId, {kwargs})` from the gymnasium-js registry; the env is closed after. */
export function makeTaskSet(envId: string, opts: Omit<TaskSetOptions, "envId">): TaskSet {
  const env = make(envId, { kwargs: opts.kwargs ?? {} });
  try {
    const inner = env.unwrapped;
    if (!isPlanningEnv(inner)) {
      throw new TypeError(
        `makeTaskSet: ${envId} is not a planning environment (it lacks trueState/oracle/observe)`,
      );
    }
    return makeTaskSetFromEnv(inner, { ...opts, envId });
  } finally {
    env.close();
  }
}

function defaultBins(
  draw: (r: Rng) => { distance: number; ok: boolean },
  rng: Rng,
  pilot: number,
  where: string,
): TaskBin[] {
  if (!Number.isSafeInteger(pilot) || pilot <= 0) {
    throw new RangeError(`${where}: pilot must be a positive integer (got ${pilot})`);
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < pilot; i++) {
    const p = draw(rng);
    if (!p.ok) continue;
    lo = Math.min(lo, p.distance);
    hi = Math.max(hi, p.distance);
  }
  if (!Number.isFinite(lo)) {
    throw new TaskSetError(
      `${where}: none of ${pilot} pilot pairs was valid (reachable, not already at the goal, kept by the filter)`,
    );
  }
  const r = hi - lo;
  return [
    { name: "near", min: 0, max: lo + r / 3 },
    { name: "mid", min: lo + r / 3, max: lo + (2 * r) / 3 },
    { name: "far", min: lo + (2 * r) / 3, max: null },
  ];
}

function checkBins(bins: TaskBin[], where: string): TaskBin[] {
  validateBins(bins, where);
  if (bins.length === 0) throw new TaskSetError(`${where}: bins must not be empty`);
  return bins.map((b) => ({ name: b.name, min: b.min, max: b.max }));
}

function validateBins(bins: unknown, where: string): asserts bins is TaskBin[] {
  if (!Array.isArray(bins)) throw new TaskSetError(`${where}: bins must be an array of {name, min, max}`);
  const names = new Set<string>();
  bins.forEach((b: Partial<TaskBin>, i) => {
    const at = `${where}: bins[${i}]`;
    if (typeof b !== "object" || b === null)
      throw new TaskSetError(`${at} must be an object {name, min, max}`);
    if (typeof b.name !== "string" || b.name === "")
      throw new TaskSetError(`${at}.name must be a non-empty string`);
    if (names.has(b.name))
      throw new TaskSetError(`${at}.name '${b.name}' is repeated; expected unique names`);
    names.add(b.name);
    if (typeof b.min !== "number" || !Number.isFinite(b.min)) {
      throw new TaskSetError(`${at}.min must be a finite number (got ${JSON.stringify(b.min)})`);
    }
    if (b.max !== null && (typeof b.max !== "number" || !(b.max > b.min))) {
      throw new TaskSetError(`${at}.max must be a number above min or null (got ${JSON.stringify(b.max)})`);
    }
  });
}

/** Checks that `value` is a task set; errors name `source`, the field and what was expected. */
export function validateTaskSet(value: unknown, source: string): TaskSet {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new TaskSetError(`${source}: ${field} must be ${expected} (got ${JSON.stringify(got)})`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail("the task set", "an object", value);
  const v = value as Record<string, unknown>;
  if (v.version !== TASK_SET_VERSION) fail("version", String(TASK_SET_VERSION), v.version);
  if (v.envId !== null && typeof v.envId !== "string") fail("envId", "a string or null", v.envId);
  if (typeof v.kwargs !== "object" || v.kwargs === null || Array.isArray(v.kwargs))
    fail("kwargs", "an object", v.kwargs);
  if (!Number.isSafeInteger(v.seed) || (v.seed as number) < 0) fail("seed", "a non-negative integer", v.seed);
  validateBins(v.bins, source);
  const binNames = new Set(v.bins.map((b) => b.name));
  if (!Array.isArray(v.tasks)) fail("tasks", "an array", v.tasks);
  const ids = new Set<string>();
  const isState = (s: unknown) =>
    Array.isArray(s) && s.length > 0 && s.every((x) => typeof x === "number" && Number.isFinite(x));
  (v.tasks as unknown[]).forEach((t, i) => {
    const at = `tasks[${i}]`;
    if (typeof t !== "object" || t === null) fail(at, "an object {id, bin, start, goal, distance}", t);
    const task = t as Record<string, unknown>;
    if (typeof task.id !== "string" || ids.has(task.id)) fail(`${at}.id`, "a unique string", task.id);
    ids.add(task.id as string);
    if (typeof task.bin !== "string" || !binNames.has(task.bin)) {
      fail(`${at}.bin`, `one of the bin names (${[...binNames].join(", ")})`, task.bin);
    }
    if (!isState(task.start)) fail(`${at}.start`, "a non-empty array of finite numbers", task.start);
    if (!isState(task.goal)) fail(`${at}.goal`, "a non-empty array of finite numbers", task.goal);
    if (typeof task.distance !== "number" || !Number.isFinite(task.distance) || task.distance < 0) {
      fail(`${at}.distance`, "a finite number >= 0", task.distance);
    }
  });
  return v as unknown as TaskSet;
}

/** Writes a task set as JSON, atomically (temp file + rename); the folder is created if missing. */
export function saveTaskSet(path: string, set: TaskSet): void {
  validateTaskSet(set, `saveTaskSet(${path})`);
  writeJsonAtomic(path, set);
}

/** Reads and validates a task set file. */
export function loadTaskSet(path: string): TaskSet {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new TaskSetError(
      `${path}: cannot read task set (${code}); expected a JSON file written by saveTaskSet`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TaskSetError(`${path}: not valid JSON (${(e as Error).message}); expected a task set`);
  }
  return validateTaskSet(value, path);
}
