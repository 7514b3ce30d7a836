import { DataError } from "@hjepa/errors";
import type { Rng } from "gymnasium-js";

/**
 * Reads a dataset written by `collect` into contiguous typed arrays and samples sub-trajectories from it.
 * Frames of one episode are consecutive rows; a window never crosses an episode boundary.
 */

export class DatasetError extends DataError {
  override name = "DatasetError";
}

/** The `hjepa` schema metadata written by `collect` (JSON). */
export interface DatasetMetadata {
  format: string;
  version: number;
  envId: string | null;
  kwargs: Record<string, unknown>;
  policy: string;
  policyOptions: Record<string, unknown>;
  seed: number;
  episodes: number;
  steps: number;
  stateDim: number;
  action: { type: string; shape?: number[]; n?: number; start?: number; low?: number[]; high?: number[] };
  obs: { shape?: number[]; dtype?: string; storedDtype?: string; stored: boolean; space?: string };
  numEpisodes: number;
  numFrames: number;
  numTransitions: number;
  terminatedEpisodes: number;
  aborted: boolean;
  /** CRC-32 of the file's first `bytes` bytes (all record batches). */
  checksum?: { crc32: number; bytes: number };
  [key: string]: unknown;
}

export interface SampleOptions {
  /** Renders the observation of a true state; used when observations were not stored in the file. */
  render?: (state: number[]) => ArrayLike<number>;
  /** Sample only from episodes [from, to) (e.g. a train/validation split by episode). */
  episodes?: readonly [from: number, to: number];
}

export interface SubTrajectories {
  batch: number;
  length: number;
  /** [B, L, d] true states. */
  states: Float32Array;
  /** [B, L-1, k] actions taken at the window's first L-1 frames (Discrete: the action index, k = 1). */
  actions: Float32Array;
  /** [B, L, ...obs shape] when observations were stored or `render` was given. */
  obs?: Float32Array | Uint8Array;
  /** [B, L] cost of entering each frame's state. */
  costs: Float32Array;
  /** [B] the episode each window comes from, and the step of its first frame in that episode. */
  episodeIndex: Int32Array;
  startStep: Int32Array;
}

/** The arrays of a dataset (rows are frames, episodes are consecutive rows). */
export interface DatasetColumns {
  stateDim: number;
  /** Numbers per action (1 for Discrete). */
  actionDim: number;
  actionKind: "box" | "discrete";
  /** [N, d] */
  states: Float32Array;
  /** [N, k]; NaN (Box) or -1 (Discrete) on each episode's last frame. */
  actions: Float32Array;
  /** [N] cost of entering each frame's state (0 on an episode's first frame). */
  costs: Float32Array;
  /** [N] 1 on a frame where the episode terminated. */
  terminated: Uint8Array;
  /** [E] first row of each episode, and its number of frames. */
  episodeStarts: Int32Array;
  episodeLengths: Int32Array;
  /** [N, obsSize] when stored, else null. */
  obs: Float32Array | Uint8Array | null;
  obsSize: number;
}

export class Dataset implements DatasetColumns {
  readonly stateDim: number;
  readonly actionDim: number;
  readonly actionKind: "box" | "discrete";
  readonly states: Float32Array;
  readonly actions: Float32Array;
  readonly costs: Float32Array;
  readonly terminated: Uint8Array;
  readonly episodeStarts: Int32Array;
  readonly episodeLengths: Int32Array;
  readonly obs: Float32Array | Uint8Array | null;
  readonly obsSize: number;
  /** Window counts per episode, cumulative, per window length. */
  private readonly windows = new Map<number, Float64Array>();

  constructor(
    readonly path: string,
    readonly metadata: DatasetMetadata,
    cols: DatasetColumns,
  ) {
    this.stateDim = cols.stateDim;
    this.actionDim = cols.actionDim;
    this.actionKind = cols.actionKind;
    this.states = cols.states;
    this.actions = cols.actions;
    this.costs = cols.costs;
    this.terminated = cols.terminated;
    this.episodeStarts = cols.episodeStarts;
    this.episodeLengths = cols.episodeLengths;
    this.obs = cols.obs;
    this.obsSize = cols.obsSize;
  }

  get numFrames(): number {
    return this.costs.length;
  }
  get numEpisodes(): number {
    return this.episodeStarts.length;
  }

  /** How many windows of `length` frames lie fully inside one episode. */
  windowCount(length: number): number {
    const cum = this.cumulativeWindows(length);
    return cum[cum.length - 1] as number;
  }

  /** `batch` windows of `length` frames, uniform over all windows that lie inside one episode. */
  sampleSubTrajectories(batch: number, length: number, rng: Rng, opts: SampleOptions = {}): SubTrajectories {
    if (!Number.isInteger(batch) || batch <= 0) {
      throw new RangeError(
        `${this.path}: sampleSubTrajectories batch must be a positive integer (got ${batch})`,
      );
    }
    const cum = this.cumulativeWindows(length);
    const [e0, e1] = opts.episodes ?? [0, this.numEpisodes];
    if (!(Number.isInteger(e0) && Number.isInteger(e1) && 0 <= e0 && e0 < e1 && e1 <= this.numEpisodes)) {
      throw new RangeError(
        `${this.path}: episodes must be a range [from, to) within [0, ${this.numEpisodes}) (got [${e0}, ${e1}))`,
      );
    }
    const base = cum[e0] as number;
    const total = (cum[e1] as number) - base;
    if (total === 0) {
      const longest = this.episodeLengths.reduce((a, b) => Math.max(a, b), 0);
      // The dataset does not fit what reads it (a horizon longer than its episodes): the user can fix that.
      throw new DatasetError(
        `${this.path}: no episode has ${length} frames (the longest has ${longest}); use a shorter length`,
      );
    }
    const d = this.stateDim;
    const k = this.actionDim;
    const L = length;
    const states = new Float32Array(batch * L * d);
    const actions = new Float32Array(batch * (L - 1) * k);
    const costs = new Float32Array(batch * L);
    const episodeIndex = new Int32Array(batch);
    const startStep = new Int32Array(batch);
    const m = this.obsSize;
    const obs = this.obs
      ? this.obs instanceof Uint8Array
        ? new Uint8Array(batch * L * m)
        : new Float32Array(batch * L * m)
      : undefined;
    for (let b = 0; b < batch; b++) {
      const u = base + rng.int(total);
      const e = upperBound(cum, u) - 1;
      const offset = u - (cum[e] as number);
      const f = (this.episodeStarts[e] as number) + offset;
      episodeIndex[b] = e;
      startStep[b] = offset;
      states.set(this.states.subarray(f * d, (f + L) * d), b * L * d);
      actions.set(this.actions.subarray(f * k, (f + L - 1) * k), b * (L - 1) * k);
      costs.set(this.costs.subarray(f, f + L), b * L);
      if (obs && this.obs) obs.set(this.obs.subarray(f * m, (f + L) * m), b * L * m);
    }
    const out: SubTrajectories = { batch, length, states, actions, costs, episodeIndex, startStep };
    if (obs) out.obs = obs;
    else if (opts.render) out.obs = this.renderObs(states, batch * L, opts.render);
    return out;
  }

  // Renders every window frame into one buffer sized from the first rendered observation.
  private renderObs(
    states: Float32Array,
    frames: number,
    render: (s: number[]) => ArrayLike<number>,
  ): Float32Array | Uint8Array {
    const d = this.stateDim;
    let buf: Float32Array | Uint8Array | null = null;
    let m = 0;
    for (let i = 0; i < frames; i++) {
      const o = render(Array.from(states.subarray(i * d, (i + 1) * d)));
      if (buf === null) {
        m = o.length;
        buf = o instanceof Uint8Array ? new Uint8Array(frames * m) : new Float32Array(frames * m);
      } else if (o.length !== m) {
        throw new RangeError(
          `${this.path}: render returned ${o.length} numbers for frame ${i}, expected ${m} like frame 0`,
        );
      }
      buf.set(o, i * m);
    }
    return buf ?? new Float32Array(0);
  }

  private cumulativeWindows(length: number): Float64Array {
    if (!Number.isInteger(length) || length <= 0) {
      throw new RangeError(`${this.path}: window length must be a positive integer (got ${length})`);
    }
    let cum = this.windows.get(length);
    if (!cum) {
      cum = new Float64Array(this.numEpisodes + 1);
      for (let e = 0; e < this.numEpisodes; e++) {
        cum[e + 1] = (cum[e] as number) + Math.max(0, (this.episodeLengths[e] as number) - length + 1);
      }
      this.windows.set(length, cum);
    }
    return cum;
  }
}

/** The first index i with a[i] > x (a sorted ascending). */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
