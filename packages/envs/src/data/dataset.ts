import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { type Data, DataType, type Table, tableFromIPC, type Vector } from "apache-arrow";
import type { Rng } from "gymnasium-js";
import { DATASET_FORMAT, DATASET_VERSION, METADATA_KEY } from "./datasetWriter.ts";

/**
 * Reads a dataset written by `collect` into contiguous typed arrays and samples sub-trajectories from it.
 * Frames of one episode are consecutive rows; a window never crosses an episode boundary.
 */

export class DatasetError extends Error {
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
      throw new RangeError(
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

const MAGIC = "ARROW1";

/** Reads a whole dataset file; errors name the file and what was expected. */
export function openDataset(path: string): Dataset {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new DatasetError(
      `${path}: cannot read dataset (${code}); expected an Arrow IPC file written by collect`,
    );
  }
  const head = Buffer.from(bytes.subarray(0, 6)).toString("latin1");
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 6))).toString("latin1");
  if (bytes.length < 12 || head !== MAGIC || tail !== MAGIC) {
    throw new DatasetError(
      `${path}: not a complete Arrow IPC file (expected the magic ${MAGIC} at the start and at the end; ` +
        `the file is ${bytes.length} bytes${head === MAGIC ? ", so it looks truncated" : ""})`,
    );
  }
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    throw new DatasetError(
      `${path}: corrupted Arrow IPC file (${(e as Error).message}); expected a dataset written by collect`,
    );
  }
  const raw = table.schema.metadata.get(METADATA_KEY);
  if (raw === undefined) {
    throw new DatasetError(
      `${path}: no '${METADATA_KEY}' schema metadata; expected a dataset written by collect`,
    );
  }
  let meta: DatasetMetadata;
  try {
    meta = JSON.parse(raw) as DatasetMetadata;
  } catch {
    throw new DatasetError(`${path}: the '${METADATA_KEY}' schema metadata is not valid JSON`);
  }
  if (meta.format !== DATASET_FORMAT || meta.version !== DATASET_VERSION) {
    throw new DatasetError(
      `${path}: dataset format ${String(meta.format)} v${String(meta.version)}, expected ${DATASET_FORMAT} v${DATASET_VERSION}`,
    );
  }
  const sum = meta.checksum;
  if (sum) {
    const got = sum.bytes <= bytes.length ? crc32(bytes.subarray(0, sum.bytes)) : Number.NaN;
    if (got !== sum.crc32) {
      throw new DatasetError(
        `${path}: corrupted data (CRC-32 of the first ${sum.bytes} bytes is ${got}, the metadata expects ${sum.crc32})`,
      );
    }
  }
  return readColumns(path, table, meta);
}

function readColumns(path: string, table: Table, meta: DatasetMetadata): Dataset {
  const n = table.numRows;
  const col = (name: string): Vector => {
    const v = table.getChild(name);
    if (!v) throw new DatasetError(`${path}: missing column '${name}'`);
    return v;
  };
  const expectType = (name: string, ok: boolean, expected: string) => {
    if (!ok)
      throw new DatasetError(`${path}: column '${name}' has type ${col(name).type}, expected ${expected}`);
  };
  const listSize = (name: string, valueOk: (t: DataType) => boolean): number => {
    const t = col(name).type;
    expectType(name, DataType.isFixedSizeList(t) && valueOk(t.valueType), "FixedSizeList<...>");
    return (t as { listSize: number }).listSize;
  };
  const isF32 = (t: DataType) => DataType.isFloat(t) && t.precision === 1;
  const isI32 = (t: DataType) => DataType.isInt(t) && t.bitWidth === 32;
  expectType("episode", isI32(col("episode").type), "Int32");
  expectType("step", isI32(col("step").type), "Int32");
  const episode = flat(col("episode"), 1, Int32Array);
  const step = flat(col("step"), 1, Int32Array);
  const d = listSize("state", isF32);
  const states = flat(col("state"), d, Float32Array);
  const actionType = col("action").type;
  const discrete = isI32(actionType);
  const k = discrete ? 1 : listSize("action", isF32);
  const actions = discrete
    ? Float32Array.from(flat(col("action"), 1, Int32Array))
    : flat(col("action"), k, Float32Array);
  expectType("cost", isF32(col("cost").type), "Float32");
  const costs = flat(col("cost"), 1, Float32Array);
  expectType("terminated", DataType.isBool(col("terminated").type), "Bool");
  const terminated = bools(col("terminated"));
  let obs: Float32Array | Uint8Array | null = null;
  let obsSize = 0;
  if (table.getChild("obs")) {
    const t = col("obs").type;
    const u8 = DataType.isFixedSizeList(t) && DataType.isInt(t.valueType) && t.valueType.bitWidth === 8;
    obsSize = listSize("obs", (v) => isF32(v) || (DataType.isInt(v) && v.bitWidth === 8));
    obs = u8 ? flat(col("obs"), obsSize, Uint8Array) : flat(col("obs"), obsSize, Float32Array);
  }

  // Episodes: consecutive rows with one episode id, steps 0, 1, 2, ...
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    const newEpisode = i === 0 || episode[i] !== episode[i - 1];
    if (newEpisode && i > 0 && (episode[i] as number) < (episode[i - 1] as number)) {
      throw new DatasetError(
        `${path}: row ${i}: episode ${episode[i]} after ${episode[i - 1]}; expected increasing episodes`,
      );
    }
    const expected = newEpisode ? 0 : (step[i - 1] as number) + 1;
    if (step[i] !== expected) {
      throw new DatasetError(
        `${path}: row ${i}: step ${step[i]}, expected ${expected} (episode ${episode[i]})`,
      );
    }
    if (newEpisode) starts.push(i);
  }
  const episodeStarts = Int32Array.from(starts);
  const episodeLengths = new Int32Array(starts.length);
  for (let e = 0; e < starts.length; e++) episodeLengths[e] = (starts[e + 1] ?? n) - (starts[e] as number);
  if (typeof meta.numFrames === "number" && meta.numFrames !== n) {
    throw new DatasetError(`${path}: ${n} rows, but the metadata says numFrames = ${meta.numFrames}`);
  }
  return new Dataset(path, meta, {
    stateDim: d,
    actionDim: k,
    actionKind: discrete ? "discrete" : "box",
    states,
    actions,
    costs,
    terminated,
    episodeStarts,
    episodeLengths,
    obs,
    obsSize,
  });
}

type TypedCtor<T> = { new (n: number): T; BYTES_PER_ELEMENT: number };

/** Copies a primitive or FixedSizeList column (all record batches) into one typed array. */
function flat<T extends Float32Array | Int32Array | Uint8Array>(
  v: Vector,
  width: number,
  Ctor: TypedCtor<T>,
): T {
  const out = new Ctor(v.length * width);
  let at = 0;
  for (const chunk of v.data as Data[]) {
    const leaf = DataType.isFixedSizeList(chunk.type) ? (chunk.children[0] as Data) : chunk;
    const start = DataType.isFixedSizeList(chunk.type) ? leaf.offset + chunk.offset * width : chunk.offset;
    const count = chunk.length * width;
    out.set((leaf.values as T).subarray(start, start + count), at);
    at += count;
  }
  return out;
}

function bools(v: Vector): Uint8Array {
  const out = new Uint8Array(v.length);
  let at = 0;
  for (const chunk of v.data as Data[]) {
    const bits = chunk.values as Uint8Array;
    for (let i = 0; i < chunk.length; i++) {
      const j = chunk.offset + i;
      out[at++] = ((bits[j >> 3] as number) >> (j & 7)) & 1;
    }
  }
  return out;
}
