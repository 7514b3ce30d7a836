import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { crc32 } from "node:zlib";
import { fileSystemError } from "@hjepa/errors";
import { ensureFolder } from "@hjepa/experiment/atomicWrite";
import { removeOnExit, removeStaleTemps, tempPathFor } from "@hjepa/experiment/crashSafety";
import {
  Bool,
  type Data,
  Field,
  FixedSizeList,
  Float32,
  Int32,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Uint8,
} from "apache-arrow";

/**
 * Streams dataset frames into an Apache Arrow IPC **file** (Feather v2, `.arrow`) with bounded memory.
 *
 * Each column accumulates in a preallocated typed array of `batchSize` rows; a full batch becomes one record
 * batch (zero-copy Arrow `Data` over those arrays) and is written to disk at once, then the arrays are reused.
 * The IPC file format can be written incrementally because its footer (the schema and the offsets of every
 * record batch) comes last: the writer's byte sink is replaced by synchronous writes to a file descriptor, so
 * nothing accumulates in memory. The footer's schema carries the metadata, so values known only at the end
 * (frame and episode counts) are in it too. Everything goes to a temp file beside the target, renamed over the
 * target by `commit()`; `discard()` removes it, so a failed or interrupted run never leaves a partial dataset.
 * A process that exits mid-write removes its temp file on exit; one killed outright (SIGKILL) leaves it, and the
 * next writer to the same target removes it (see `@hjepa/experiment/crashSafety`).
 * Arrow has no checksum of its own: the metadata's `checksum` is the CRC-32 of the file's first `bytes` bytes
 * (everything before the end-of-stream marker and footer), checked by `openDataset`.
 */

export const DATASET_FORMAT = "hjepa-dataset";
export const DATASET_VERSION = 1;
/** The schema metadata key holding the dataset's JSON metadata. */
export const METADATA_KEY = "hjepa";
export const DEFAULT_BATCH_SIZE = 65_536;

export type ActionColumn = { kind: "box"; dim: number } | { kind: "discrete" };
export interface ObsColumn {
  size: number;
  dtype: "float32" | "uint8";
}
export interface DatasetLayout {
  stateDim: number;
  action: ActionColumn;
  /** Null when observations are not stored. */
  obs: ObsColumn | null;
}

// Redirects the Arrow writer's output to a file descriptor as it is produced (see the header comment).
// Also keeps a CRC-32 of everything written, recorded in the metadata to detect corrupted data on reading.
class FdFileWriter extends RecordBatchFileWriter {
  fd = -1;
  crc = 0;
  get position(): number {
    return this._position;
  }
  protected override _write(chunk: ArrayBufferView): this {
    if (this._started && chunk.byteLength > 0) {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let done = 0;
      while (done < bytes.byteLength) done += writeSync(this.fd, bytes, done, bytes.byteLength - done);
      this.crc = crc32(bytes, this.crc);
      this._position += bytes.byteLength;
    }
    return this;
  }
}

const WRITING = "write the dataset";

export class DatasetWriter {
  readonly path: string;
  readonly tempPath: string;
  readonly batchSize: number;
  readonly layout: DatasetLayout;
  private readonly schema: Schema;
  private readonly writer = new FdFileWriter();
  private readonly meta: Record<string, unknown>;
  private readonly episode: Int32Array;
  private readonly step: Int32Array;
  private readonly state: Float32Array;
  private readonly actionF: Float32Array | null;
  private readonly actionI: Int32Array | null;
  private readonly cost: Float32Array;
  private readonly terminated: Uint8Array;
  private readonly obsF: Float32Array | null;
  private readonly obsU: Uint8Array | null;
  private rows = 0;
  private frames = 0;
  private batches = 0;
  private open = true;
  private readonly keepTempUntilExit: () => void;

  constructor(
    path: string,
    layout: DatasetLayout,
    metadata: Record<string, unknown>,
    opts: { batchSize?: number } = {},
  ) {
    const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(`DatasetWriter: batchSize must be a positive integer (got ${batchSize})`);
    }
    if (!Number.isInteger(layout.stateDim) || layout.stateDim <= 0) {
      throw new RangeError(`DatasetWriter: stateDim must be a positive integer (got ${layout.stateDim})`);
    }
    this.path = path;
    this.batchSize = batchSize;
    this.layout = layout;
    this.meta = { format: DATASET_FORMAT, version: DATASET_VERSION, ...metadata };
    const n = batchSize;
    const d = layout.stateDim;
    this.episode = new Int32Array(n);
    this.step = new Int32Array(n);
    this.state = new Float32Array(n * d);
    this.actionF = layout.action.kind === "box" ? new Float32Array(n * layout.action.dim) : null;
    this.actionI = layout.action.kind === "discrete" ? new Int32Array(n) : null;
    this.cost = new Float32Array(n);
    this.terminated = new Uint8Array(Math.ceil(n / 8));
    this.obsF = layout.obs?.dtype === "float32" ? new Float32Array(n * layout.obs.size) : null;
    this.obsU = layout.obs?.dtype === "uint8" ? new Uint8Array(n * layout.obs.size) : null;

    const list = (size: number, type: Float32 | Uint8) =>
      new FixedSizeList(size, new Field("item", type, false));
    const fields = [
      new Field("episode", new Int32(), false),
      new Field("step", new Int32(), false),
      new Field("state", list(d, new Float32()), false),
      new Field(
        "action",
        layout.action.kind === "box" ? list(layout.action.dim, new Float32()) : new Int32(),
        false,
      ),
      new Field("cost", new Float32(), false),
      new Field("terminated", new Bool(), false),
    ];
    if (layout.obs) {
      fields.push(
        new Field(
          "obs",
          list(layout.obs.size, layout.obs.dtype === "uint8" ? new Uint8() : new Float32()),
          false,
        ),
      );
    }
    this.schema = new Schema(fields, new Map([[METADATA_KEY, JSON.stringify(this.meta)]]));

    try {
      ensureFolder(dirname(path));
      // A folder as the target is refused now, not after collecting everything (the final rename would fail).
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
        throw Object.assign(new Error(`EISDIR: ${path} is a folder`), { code: "EISDIR" });
      }
    } catch (e) {
      throw fileSystemError(e, path, WRITING);
    }
    removeStaleTemps(dirname(path), path);
    this.tempPath = tempPathFor(path);
    try {
      this.writer.fd = openSync(this.tempPath, "w");
    } catch (e) {
      throw fileSystemError(e, path, WRITING);
    }
    this.keepTempUntilExit = removeOnExit(this.tempPath);
    this.writer.reset(undefined, this.schema);
  }

  /** Frames appended so far (flushed or not). */
  get numFrames(): number {
    return this.frames;
  }
  /** Record batches written so far. */
  get numBatches(): number {
    return this.batches;
  }

  /**
   * Appends one frame. `action` is a Box action (`k` numbers), a Discrete action (an integer), or null on an
   * episode's last frame (stored as NaN / -1). `obs` is required exactly when the layout stores observations.
   */
  append(
    episode: number,
    step: number,
    state: ArrayLike<number>,
    action: ArrayLike<number> | number | null,
    cost: number,
    terminated: boolean,
    obs: ArrayLike<number> | null,
  ): void {
    if (!this.open) throw new Error(`DatasetWriter(${this.path}): append after commit or discard`);
    const r = this.rows;
    const d = this.layout.stateDim;
    if (state.length !== d) {
      throw new RangeError(`DatasetWriter(${this.path}): state has ${state.length} numbers, expected ${d}`);
    }
    this.episode[r] = episode;
    this.step[r] = step;
    this.state.set(state, r * d);
    if (this.actionF) {
      const k = (this.layout.action as { dim: number }).dim;
      if (action === null) this.actionF.fill(Number.NaN, r * k, (r + 1) * k);
      else if (typeof action === "number" || action.length !== k) {
        throw new RangeError(
          `DatasetWriter(${this.path}): action ${String(action)} is not ${k} numbers (a Box action)`,
        );
      } else this.actionF.set(action, r * k);
    } else if (this.actionI) {
      if (action !== null && typeof action !== "number") {
        throw new TypeError(`DatasetWriter(${this.path}): action must be an integer (a Discrete action)`);
      }
      this.actionI[r] = action === null ? -1 : action;
    }
    this.cost[r] = cost;
    if (terminated) this.terminated[r >> 3] = (this.terminated[r >> 3] as number) | (1 << (r & 7));
    const obsCol = this.obsF ?? this.obsU;
    if (obsCol) {
      const m = (this.layout.obs as ObsColumn).size;
      if (obs === null || obs.length !== m) {
        throw new RangeError(
          `DatasetWriter(${this.path}): obs has ${obs?.length ?? 0} numbers, expected ${m}`,
        );
      }
      obsCol.set(obs, r * m);
    }
    this.rows++;
    this.frames++;
    if (this.rows === this.batchSize) this.flush();
  }

  /** Writes the buffered rows as one record batch (no-op when empty). */
  flush(): void {
    const n = this.rows;
    if (n === 0) return;
    const d = this.layout.stateDim;
    const float = (a: Float32Array, width: number) =>
      makeData({ type: new Float32(), length: n * width, data: a.subarray(0, n * width) });
    const list = (child: Data, width: number) =>
      makeData({ type: new FixedSizeList(width, new Field("item", child.type, false)), length: n, child });
    const children: Data[] = [
      makeData({ type: new Int32(), length: n, data: this.episode.subarray(0, n) }),
      makeData({ type: new Int32(), length: n, data: this.step.subarray(0, n) }),
      list(float(this.state, d), d),
      this.actionF
        ? list(
            float(this.actionF, (this.layout.action as { dim: number }).dim),
            (this.layout.action as { dim: number }).dim,
          )
        : makeData({ type: new Int32(), length: n, data: (this.actionI as Int32Array).subarray(0, n) }),
      makeData({ type: new Float32(), length: n, data: this.cost.subarray(0, n) }),
      makeData({ type: new Bool(), length: n, data: this.terminated.subarray(0, Math.ceil(n / 8)) }),
    ];
    const m = this.layout.obs?.size ?? 0;
    if (this.obsF) children.push(list(float(this.obsF, m), m));
    if (this.obsU) {
      children.push(
        list(makeData({ type: new Uint8(), length: n * m, data: this.obsU.subarray(0, n * m) }), m),
      );
    }
    const data = makeData({ type: new Struct(this.schema.fields), length: n, children });
    // The write is synchronous (FdFileWriter), so the buffers can be reused right after.
    try {
      this.writer.write(new RecordBatch(this.schema, data));
    } catch (e) {
      throw fileSystemError(e, this.path, WRITING);
    }
    this.terminated.fill(0);
    this.rows = 0;
    this.batches++;
  }

  /**
   * Flushes, records `finalMetadata` (merged over the initial metadata) in the footer's schema, writes the
   * footer, and atomically renames the temp file to `path`.
   */
  commit(finalMetadata: Record<string, unknown> = {}): void {
    if (!this.open) throw new Error(`DatasetWriter(${this.path}): commit after commit or discard`);
    try {
      this.flush();
      Object.assign(this.meta, finalMetadata, {
        checksum: { crc32: this.writer.crc, bytes: this.writer.position },
      });
      // The file writer only writes the schema in the footer, so updating it now still reaches the file.
      this.schema.metadata.set(METADATA_KEY, JSON.stringify(this.meta));
      this.writer.finish();
      fsyncSync(this.writer.fd);
      closeSync(this.writer.fd);
      this.open = false;
      renameSync(this.tempPath, this.path);
      this.keepTempUntilExit();
    } catch (e) {
      this.discard();
      throw fileSystemError(e, this.path, WRITING);
    }
  }

  /** Closes and deletes the temp file; the target path is left untouched. Safe to call more than once. */
  discard(): void {
    if (this.open) {
      this.open = false;
      try {
        closeSync(this.writer.fd);
      } catch {
        // Already closed by a failed commit.
      }
    }
    rmSync(this.tempPath, { force: true });
    this.keepTempUntilExit();
  }
}
