import { readFileSync } from "node:fs";
import { DataError, EnvironmentError, InputError, oneLine, onFileSystem } from "@hjepa/errors";
import { writeJsonAtomic } from "@hjepa/experiment/atomicWrite";
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
  /** Oracle shortest-path distance from start to goal (the env's units; expected moves in a stochastic env). */
  distance: number;
  /**
   * Which realisation of its start-goal pair this task is (0-based), in a set made with `rollouts` > 1: every
   * realisation is its own task (own id, own index, so its own env seed), and success counts per realisation.
   */
  rollout?: number;
}

export interface TaskSet {
  version: number;
  envId: string | null;
  kwargs: Record<string, unknown>;
  seed: number;
  bins: TaskBin[];
  tasks: Task[];
  /** Realisations per start-goal pair (absent: 1); see `Task.rollout`. */
  rollouts?: number;
}

export interface TaskSetOptions {
  seed: number;
  /** Tasks per bin. */
  count: number;
  bins?: TaskBin[];
  /** Keeps a pair only when it returns true. */
  filter?: (start: TrueState, goal: TrueState) => boolean;
  /** The filter's name for messages (e.g. the `--filter` value). */
  filterName?: string;
  /**
   * Pairs drawn to find the distance range of the default bins; also how many draws without a single valid pair
   * (reachable, not already at the goal, kept by the filter) make the search give up (default 1000).
   */
  pilot?: number;
  /** Pairs drawn at most before giving up on filling the bins (default max(10000, 200 * count * bins)). */
  maxTries?: number;
  /**
   * Realisations per start-goal pair (default 1): each pair is listed this many times, as tasks `<id>/r<k>`, so
   * that a stochastic env runs it under as many env seeds (an episode's seed comes from its task's index).
   */
  rollouts?: number;
  /** Recorded in the set when the env has no `spec` (envs made without the registry). */
  envId?: string;
  kwargs?: Record<string, unknown>;
}

export class TaskSetError extends DataError {
  override name = "TaskSetError";
}

const DEFAULT_PILOT = 1000;

export function makeTaskSetFromEnv(env: PlanningEnv, opts: TaskSetOptions): TaskSet {
  const where = `makeTaskSet(${env.spec?.id ?? opts.envId ?? env.constructor.name})`;
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) {
    throw new InputError(`${where}: seed must be a non-negative integer (got ${opts.seed})`);
  }
  if (!Number.isSafeInteger(opts.count) || opts.count <= 0) {
    throw new InputError(`${where}: count must be a positive integer (got ${opts.count})`);
  }
  const rollouts = opts.rollouts ?? 1;
  if (!Number.isSafeInteger(rollouts) || rollouts <= 0) {
    throw new InputError(`${where}: rollouts must be a positive integer (got ${opts.rollouts})`);
  }
  const pilot = opts.pilot ?? DEFAULT_PILOT;
  if (!Number.isSafeInteger(pilot) || pilot <= 0) {
    throw new InputError(`${where}: pilot must be a positive integer (got ${pilot})`);
  }
  const noPair = (draws: number) => noValidPair(where, draws, opts.filterName);
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

  const bins = opts.bins ? checkBins(opts.bins, where) : defaultBins(draw, pilotRng, pilot, noPair);
  const maxTries = opts.maxTries ?? Math.max(10_000, 200 * opts.count * bins.length);
  const filled: Task[][] = bins.map(() => []);
  let remaining = bins.length;
  let tries = 0;
  let seenMin = Number.POSITIVE_INFINITY;
  let seenMax = Number.NEGATIVE_INFINITY;
  while (remaining > 0 && tries < maxTries) {
    tries++;
    const p = draw(rng);
    // A filter or map where no pair qualifies would otherwise draw until maxTries: give up after `pilot` draws.
    if (!p.ok && tries >= pilot && !Number.isFinite(seenMin)) throw noPair(tries);
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
    throw new InputError(
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
    tasks: rollouts === 1 ? filled.flat() : filled.flat().flatMap((t) => realisations(t, rollouts)),
    ...(rollouts === 1 ? {} : { rollouts }),
  };
}

/** `count` copies of a task, one per realisation, with ids `<id>/r<k>`. */
function realisations(task: Task, count: number): Task[] {
  return Array.from({ length: count }, (_, k) => ({ ...task, id: `${task.id}/r${k}`, rollout: k }));
}

/** `makeTaskSetFromEnv` on `make(envId, {kwargs})` from the gymnasium-js registry; the env is closed after. */
export function makeTaskSet(envId: string, opts: Omit<TaskSetOptions, "envId">): TaskSet {
  const env = make(envId, { kwargs: opts.kwargs ?? {} });
  try {
    const inner = env.unwrapped;
    if (!isPlanningEnv(inner)) {
      throw new EnvironmentError(
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
  noPair: (draws: number) => Error,
): TaskBin[] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < pilot; i++) {
    const p = draw(rng);
    if (!p.ok) continue;
    lo = Math.min(lo, p.distance);
    hi = Math.max(hi, p.distance);
  }
  if (!Number.isFinite(lo)) throw noPair(pilot);
  const r = hi - lo;
  return [
    { name: "near", min: 0, max: lo + r / 3 },
    { name: "mid", min: lo + r / 3, max: lo + (2 * r) / 3 },
    { name: "far", min: lo + (2 * r) / 3, max: null },
  ];
}

/** The env and filter give no valid pair: the user asked for tasks that do not exist (a filter or a map). */
function noValidPair(where: string, draws: number, filterName: string | undefined): InputError {
  const filter = filterName === undefined ? "the filter" : `the filter ${filterName}`;
  return new InputError(
    `${where}: none of ${draws} pairs drawn was valid (reachable, not already at the goal, kept by ${filter}); ` +
      "relax the filter or use another map",
  );
}

/** Bins given as an option (not read from a file): a problem is the caller's input. */
function checkBins(bins: TaskBin[], where: string): TaskBin[] {
  validateBins(bins, where, (m) => new InputError(m));
  if (bins.length === 0) throw new InputError(`${where}: bins must not be empty`);
  return bins.map((b) => ({ name: b.name, min: b.min, max: b.max }));
}

function validateBins(
  bins: unknown,
  where: string,
  error: (message: string) => Error = (m) => new TaskSetError(m),
): asserts bins is TaskBin[] {
  if (!Array.isArray(bins)) throw error(`${where}: bins must be an array of {name, min, max}`);
  const names = new Set<string>();
  bins.forEach((b: Partial<TaskBin>, i) => {
    const at = `${where}: bins[${i}]`;
    if (typeof b !== "object" || b === null) throw error(`${at} must be an object {name, min, max}`);
    if (typeof b.name !== "string" || b.name === "") throw error(`${at}.name must be a non-empty string`);
    if (names.has(b.name)) throw error(`${at}.name '${b.name}' is repeated; expected unique names`);
    names.add(b.name);
    if (typeof b.min !== "number" || !Number.isFinite(b.min)) {
      throw error(`${at}.min must be a finite number (got ${JSON.stringify(b.min)})`);
    }
    if (b.max !== null && (typeof b.max !== "number" || !(b.max > b.min))) {
      throw error(`${at}.max must be a number above min or null (got ${JSON.stringify(b.max)})`);
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
  if (!Array.isArray(v.tasks) || v.tasks.length === 0) {
    fail("tasks", "a non-empty array of {id, bin, start, goal, distance}", v.tasks);
  }
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
    const size = ((v.tasks as Task[])[0] as Task).start.length;
    for (const end of ["start", "goal"] as const) {
      const s = task[end] as number[];
      if (s.length !== size) fail(`${at}.${end}`, `${size} numbers like tasks[0].start`, s);
    }
  });
  return v as unknown as TaskSet;
}

/** What the reader of a task set expects it to be for. */
export interface TaskSetExpectation {
  /** The registered id of the env the tasks will run on. */
  envId?: string;
  /** The size of that env's true state (`trueState().length`). */
  stateSize?: number;
}

/**
 * Checks that `set` (read from `source`) is for the env described by `expected`: tasks for another env, or
 * states of another size, are a `TaskSetError` naming the file and the field.
 */
export function checkTaskSetFits(set: TaskSet, source: string, expected: TaskSetExpectation): void {
  if (expected.envId !== undefined && set.envId !== null && set.envId !== expected.envId) {
    throw new TaskSetError(
      `${source}: envId is "${set.envId}", but the tasks are to run on "${expected.envId}"; ` +
        `make a task set for ${expected.envId} (hjepa tasks --env ${expected.envId})`,
    );
  }
  const first = set.tasks[0];
  if (expected.stateSize !== undefined && first !== undefined && first.start.length !== expected.stateSize) {
    throw new TaskSetError(
      `${source}: tasks[0].start has ${first.start.length} numbers, but ${expected.envId ?? "the env"}'s ` +
        `states have ${expected.stateSize}; expected a task set made for this env`,
    );
  }
}

/** Writes a task set as JSON, atomically (temp file + rename); the folder is created if missing. */
export function saveTaskSet(path: string, set: TaskSet): void {
  validateTaskSet(set, `saveTaskSet(${path})`);
  writeJsonAtomic(path, set, "write the task set");
}

/**
 * Reads and validates a task set file, and (with `expected`) checks that it is for that env. A malformed file
 * is a `TaskSetError` (a `DataError`) naming the file and the field; an unreadable one a `FileSystemError`.
 */
export function loadTaskSet(path: string, expected: TaskSetExpectation = {}): TaskSet {
  const text = onFileSystem(path, "read the task set", () => readFileSync(path, "utf8"));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TaskSetError(`${path}: not valid JSON (${oneLine((e as Error).message)}); expected a task set`);
  }
  const set = validateTaskSet(value, path);
  checkTaskSetFits(set, path, expected);
  return set;
}
