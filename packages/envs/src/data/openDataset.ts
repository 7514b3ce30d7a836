import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { oneLine, onFileSystem } from "@hjepa/errors";
import { type Data, DataType, type Table, tableFromIPC, type Vector } from "apache-arrow";
import { Dataset, DatasetError, type DatasetMetadata } from "./dataset.ts";
import { DATASET_FORMAT, DATASET_VERSION, METADATA_KEY } from "./datasetWriter.ts";

const MAGIC = "ARROW1";

/**
 * Reads a whole dataset file. A truncated, corrupted or foreign file is a `DatasetError` (a `DataError`) and a
 * file the system cannot read a `FileSystemError`, each naming the file and what was expected, on one line.
 */
export function openDataset(path: string): Dataset {
  const bytes: Uint8Array = onFileSystem(path, "read the dataset", () => readFileSync(path));
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
      `${path}: corrupted Arrow IPC file (${oneLine(String((e as Error)?.message ?? e))}); expected a dataset written by collect`,
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
