import { fileSystemError } from "@hjepa/errors";
import { pauseForTest } from "@hjepa/experiment/crashSafety";
import { Box, Discrete, make, Rng, type Space } from "gymnasium-js";
import { type DataPolicy, isPlanningEnv, type PlanningEnv } from "../types.ts";
import { type ActionColumn, DatasetWriter, DEFAULT_BATCH_SIZE, type ObsColumn } from "./datasetWriter.ts";
import { dataPolicy, type PolicyOptions } from "./policies.ts";

/**
 * Offline data collection: runs a behaviour policy in a planning env and streams every frame to an Arrow IPC
 * file (see `datasetWriter.ts` for the format and `README.md` for the columns).
 *
 * Seeding: a root `Rng(seed)` first spawns the policy's generator, then draws one reset seed per episode, so
 * the same env, policy and seed give a byte-identical file.
 * Abort: the signal is checked between episodes and, inside an episode, every time the loop gives the event
 * loop a turn (every `YIELD_EVERY_MS`), so collection stops within a moment whatever `steps` is. With
 * `onAbort: "save"` (the default) everything collected so far is saved as a complete, valid dataset
 * (`aborted: true` in its metadata; an episode still running is cut where it stands, a shorter truncated
 * episode); with `onAbort: "discard"` nothing is saved. Either way, when nothing is saved `collect` throws
 * `CollectionInterrupted`. An error removes the temp file; the target is only ever replaced whole.
 */

/** Collection stopped by its abort signal with nothing saved (an interruption, not a failure). */
export class CollectionInterrupted extends Error {
  override name = "CollectionInterrupted";
}

export type StoreObs = "auto" | "always" | "never";

/**
 * Where a collection's episodes start: `env` where the env's reset puts them, `free` at a uniformly random free
 * state, `{ free: f }` (0 < f < 1) a fraction f of the episodes free (spread evenly: episode e is free when
 * floor((e + 1) f) > floor(e f)), the rest where the env puts them.
 */
export type Starts = "env" | "free" | { free: number };

/** The share of episodes a `Starts` starts at free states (0 for `env`, 1 for `free`); throws on a bad value. */
export function freeStartFraction(starts: Starts, where: string): number {
  if (starts === "env") return 0;
  if (starts === "free") return 1;
  const f = typeof starts === "object" && starts !== null ? starts.free : Number.NaN;
  if (!(typeof f === "number" && f > 0 && f < 1)) {
    throw new RangeError(
      `${where}: starts must be "env", "free" or { free: f } with 0 < f < 1 (got ${JSON.stringify(starts)})`,
    );
  }
  return f;
}

/**
 * How `starts` is written in a dataset's metadata and cache key: absent for `env` (so datasets collected before
 * the option keep their metadata and keys), else the value itself.
 */
export function startsRecord(starts: Starts | undefined): { starts?: "free" | { free: number } } {
  return starts === undefined || starts === "env" ? {} : { starts };
}
/** `auto` stores observations of at most this many elements; pixels are rendered from states when sampling. */
export const AUTO_OBS_MAX_ELEMENTS = 64;

export interface CollectOptions {
  episodes: number;
  /** Maximum steps per episode; an episode that terminates (or is truncated) earlier ends there. */
  steps: number;
  /** A policy name for `dataPolicy` (e.g. `uniform`, `momentum`, or one of the env's own) or a policy. */
  policy: string | DataPolicy;
  policyOptions?: PolicyOptions;
  seed: number;
  /** The dataset file to write (`.arrow`); its folder is created if missing. */
  out: string;
  storeObs?: StoreObs;
  onProgress?: (p: CollectProgress) => void;
  signal?: AbortSignal;
  /**
   * What an abort keeps: `save` (default) writes the episodes collected so far as a dataset marked
   * `aborted`; `discard` writes nothing, for a caller that needs the full dataset or none.
   */
  onAbort?: "save" | "discard";
  /** Rows per record batch (memory bound of the writer). */
  batchSize?: number;
  /**
   * Where episodes start: `env` (default) where the env's reset puts them (its map's start, or its own
   * sampler); `free` at a uniformly random free state of the env (`PlanningEnv.sampleFreeState`: on KeyDoor
   * behind the door too, with the key), so that the data covers states a walk from the start rarely reaches.
   * `{ free: f }` mixes the two (a fraction f free, spread evenly over the episodes), for data that covers the
   * far states and still has the walks from the start. A policy that picks its own start (`traverse`) keeps it.
   */
  starts?: Starts;
  /** Recorded in the metadata when the env has no `spec` (envs made without the registry). */
  envId?: string;
  kwargs?: Record<string, unknown>;
}

export interface CollectProgress {
  episodes: number;
  frames: number;
  transitions: number;
  elapsedMs: number;
}

export interface CollectResult extends CollectProgress {
  path: string;
  /** Episodes that ended by `terminated` before `steps` steps. */
  terminatedEpisodes: number;
  batches: number;
  aborted: boolean;
}

// How often the loop gives the event loop a turn (so a signal handler or a progress display can run). A wrapper
// such as the tsx CLI kills its child outright when a signal is not taken within about 60 ms.
const YIELD_EVERY_MS = 20;

export async function collectFromEnv(env: PlanningEnv, opts: CollectOptions): Promise<CollectResult> {
  const where = `collect(${opts.out})`;
  positiveInt(opts.episodes, "episodes", where);
  positiveInt(opts.steps, "steps", where);
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) {
    throw new RangeError(`${where}: seed must be a non-negative integer (got ${opts.seed})`);
  }
  const storeObs = opts.storeObs ?? "auto";
  if (!["auto", "always", "never"].includes(storeObs)) {
    throw new RangeError(`${where}: storeObs must be "auto", "always" or "never" (got ${String(storeObs)})`);
  }
  const nothingWritten = (episodes: number) =>
    new CollectionInterrupted(
      `${where}: interrupted after ${episodes} of ${opts.episodes} episodes; nothing was written`,
    );
  if (opts.signal?.aborted) throw nothingWritten(0);

  const policy =
    typeof opts.policy === "string" ? dataPolicy(opts.policy, env, opts.policyOptions) : opts.policy;
  const action = actionColumn(env.actionSpace, where);
  const obsInfo = obsColumn(env.observationSpace, storeObs, where);
  const root = new Rng(opts.seed);
  const policyRng = root.spawn();
  const freeFraction = freeStartFraction(opts.starts ?? "env", where);
  // Only free starts draw from it, so "env" collections are the same bytes as before it existed.
  const startRng = freeFraction > 0 ? root.spawn() : null;
  const startsFree = (e: number) => Math.floor((e + 1) * freeFraction) > Math.floor(e * freeFraction);

  const t0 = performance.now();
  let lastYield = t0;
  let writer: DatasetWriter | null = null;
  let frames = 0;
  let transitions = 0;
  let done = 0;
  let terminatedEpisodes = 0;
  // An abort inside an episode ends it where it stands (the last episode saved is then shorter).
  let cut = false;
  const progress = (): CollectProgress => ({
    episodes: done,
    frames,
    transitions,
    elapsedMs: performance.now() - t0,
  });
  const maybeYield = async () => {
    const now = performance.now();
    if (now - lastYield < YIELD_EVERY_MS) return;
    opts.onProgress?.(progress());
    await new Promise((resolve) => setImmediate(resolve));
    lastYield = performance.now();
  };

  try {
    for (let e = 0; e < opts.episodes; e++) {
      if (opts.signal?.aborted) break;
      let options = policy.beginEpisode(env, policyRng, { episodeIndex: e, steps: opts.steps }) as
        | Record<string, unknown>
        | undefined;
      if (startRng !== null && options?.start === undefined && startsFree(e)) {
        options = { ...options, start: env.sampleFreeState(startRng) };
      }
      let { obs } = env.reset({ seed: root.nextSeed(), options });
      let state = env.trueState();
      writer ??= new DatasetWriter(
        opts.out,
        { stateDim: state.length, action, obs: obsInfo.stored },
        metadata(env, opts, policy.name, state.length, obsInfo.describe),
        { batchSize: opts.batchSize },
      );
      let cost = 0;
      let terminated = false;
      let t = 0;
      for (; t < opts.steps; t++) {
        const a = policy.act(env, policyRng);
        writer.append(
          e,
          t,
          state,
          a as ArrayLike<number> | number,
          cost,
          false,
          obsInfo.stored ? (obs as ArrayLike<number>) : null,
        );
        const r = env.step(a);
        obs = r.obs;
        state = env.trueState();
        cost = typeof r.info.cost === "number" ? r.info.cost : 0;
        terminated = r.terminated;
        transitions++;
        if (r.terminated || r.truncated) {
          t++;
          break;
        }
        if ((t & 63) === 63) {
          await maybeYield();
          if (opts.signal?.aborted) {
            t++;
            cut = true;
            break;
          }
        }
      }
      writer.append(e, t, state, null, cost, terminated, obsInfo.stored ? (obs as ArrayLike<number>) : null);
      frames = writer.numFrames;
      if (terminated) terminatedEpisodes++;
      done++;
      if (cut) break;
      await pauseForTest("collecting");
      await maybeYield();
    }
    if (writer === null) throw nothingWritten(0);
    const aborted = opts.signal?.aborted === true && (done < opts.episodes || cut);
    if (aborted && opts.onAbort === "discard") {
      writer.discard();
      throw nothingWritten(done);
    }
    await pauseForTest("saving-dataset");
    writer.commit({
      numEpisodes: done,
      numFrames: frames,
      numTransitions: transitions,
      terminatedEpisodes,
      aborted,
    });
    const result = { path: opts.out, ...progress(), terminatedEpisodes, batches: writer.numBatches, aborted };
    opts.onProgress?.(progress());
    return result;
  } catch (err) {
    writer?.discard();
    throw fileSystemError(err, opts.out, "write the dataset");
  }
}

/** `collectFromEnv` on `make(envId, {kwargs})` from the gymnasium-js registry; the env is closed after. */
export async function collect(
  envId: string,
  opts: Omit<CollectOptions, "envId"> & { kwargs?: Record<string, unknown> },
): Promise<CollectResult> {
  const env = make(envId, { kwargs: opts.kwargs ?? {} });
  try {
    const inner = env.unwrapped;
    if (!isPlanningEnv(inner)) {
      throw new TypeError(
        `collect: ${envId} is not a planning environment (it lacks trueState/oracle/observe)`,
      );
    }
    return await collectFromEnv(inner, { ...opts, envId });
  } finally {
    env.close();
  }
}

function actionColumn(space: Space<unknown, unknown>, where: string): ActionColumn {
  if (space instanceof Box) return { kind: "box", dim: space.size };
  if (space instanceof Discrete) return { kind: "discrete" };
  throw new TypeError(`${where}: unsupported action space ${space} (expected a Box or a Discrete)`);
}

function obsColumn(
  space: Space<unknown, unknown>,
  storeObs: StoreObs,
  where: string,
): { stored: ObsColumn | null; describe: Record<string, unknown> } {
  if (!(space instanceof Box)) {
    if (storeObs === "always") {
      throw new TypeError(`${where}: storeObs "always" needs a Box observation space (got ${space})`);
    }
    return { stored: null, describe: { space: String(space), stored: false } };
  }
  const store = storeObs === "always" || (storeObs === "auto" && space.size <= AUTO_OBS_MAX_ELEMENTS);
  // uint8 pixels stay uint8; every other dtype is stored as float32.
  const dtype = space.dtype === "uint8" ? "uint8" : "float32";
  return {
    stored: store ? { size: space.size, dtype } : null,
    describe: { shape: [...space.shape], dtype: space.dtype, storedDtype: dtype, stored: store },
  };
}

function describeSpace(space: Space<unknown, unknown>): Record<string, unknown> {
  if (space instanceof Box) {
    return {
      type: "Box",
      shape: [...space.shape],
      dtype: space.dtype,
      low: [...space.low],
      high: [...space.high],
    };
  }
  if (space instanceof Discrete) return { type: "Discrete", n: space.n, start: space.start };
  return { type: String(space) };
}

function metadata(
  env: PlanningEnv,
  opts: CollectOptions,
  policyName: string,
  stateDim: number,
  obs: Record<string, unknown>,
): Record<string, unknown> {
  return {
    envId: env.spec?.id ?? opts.envId ?? null,
    kwargs: env.spec?.kwargs ?? opts.kwargs ?? {},
    policy: policyName,
    policyOptions: opts.policyOptions ?? {},
    seed: opts.seed,
    episodes: opts.episodes,
    steps: opts.steps,
    stateDim,
    action: describeSpace(env.actionSpace),
    obs,
    batchSize: opts.batchSize ?? DEFAULT_BATCH_SIZE,
    // Recorded only when not the default, so datasets collected before the option keep their metadata.
    ...startsRecord(opts.starts),
  };
}

function positiveInt(v: number, name: string, where: string): void {
  if (!Number.isSafeInteger(v) || v <= 0)
    throw new RangeError(`${where}: ${name} must be a positive integer (got ${v})`);
}
