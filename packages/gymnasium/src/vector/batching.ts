/**
 * Batching of space values for vector envs (Gymnasium's `batch_space`, `create_empty_array`, `concatenate`,
 * `iterate`). A batch of n values of a space is laid out as:
 * - `Box` (shape s, dtype d): one typed array of dtype d holding n * prod(s) elements, shape `[n, ...s]`;
 * - `Discrete`: an `Int32Array` of n values; `MultiDiscrete` (k values): an `Int32Array` of n * k, shape [n, k];
 * - `Dict` / `Tuple`: the same structure with each entry batched (recursively).
 */
import { Box } from "../spaces/box.ts";
import { Dict } from "../spaces/dict.ts";
import { Discrete } from "../spaces/discrete.ts";
import { MultiDiscrete } from "../spaces/multiDiscrete.ts";
import { type AnyTypedArray, dtypeArray, type Space } from "../spaces/space.ts";
import { Tuple } from "../spaces/tuple.ts";

/** The type of a batch of values of type `T` (see the module comment). */
export type Batch<T> = T extends AnyTypedArray
  ? T
  : T extends number
    ? Int32Array
    : T extends readonly unknown[]
      ? { [K in keyof T]: Batch<T[K]> }
      : T extends object
        ? { [K in keyof T]: Batch<T[K]> }
        : unknown;

type AnySpace = Space<unknown, unknown>;

function unsupported(space: unknown, where: string): never {
  const name = (space as { constructor?: { name?: string } })?.constructor?.name ?? typeof space;
  throw new TypeError(
    `${where}: unsupported space ${name}; expected Box, Discrete, MultiDiscrete, Dict or Tuple`,
  );
}

/** The space of n stacked values of `space`; its generator is a copy of `space`'s (as Gymnasium). */
export function batchSpace(space: AnySpace, n: number): AnySpace {
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new RangeError(`batchSpace: n must be a positive integer (got ${n})`);
  let out: AnySpace;
  if (space instanceof Box) {
    out = new Box({
      low: tile(space.low, n),
      high: tile(space.high, n),
      shape: [n, ...space.shape],
      dtype: space.dtype,
    }) as AnySpace;
  } else if (space instanceof Discrete) {
    out = new MultiDiscrete(new Int32Array(n).fill(space.n), { start: new Int32Array(n).fill(space.start) });
  } else if (space instanceof MultiDiscrete) {
    const k = space.nvec.length;
    const low = new Float64Array(n * k);
    const high = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        low[i * k + j] = space.start[j] as number;
        high[i * k + j] = (space.start[j] as number) + (space.nvec[j] as number) - 1;
      }
    }
    out = new Box({ low, high, shape: [n, k], dtype: "int32" }) as AnySpace;
  } else if (space instanceof Dict) {
    const subs: Record<string, AnySpace> = {};
    for (const k of space.keys()) subs[k] = batchSpace(space.spaces[k] as AnySpace, n);
    out = new Dict(subs) as AnySpace;
  } else if (space instanceof Tuple) {
    out = new Tuple(space.spaces.map((s: AnySpace) => batchSpace(s, n))) as AnySpace;
  } else {
    unsupported(space, "batchSpace");
  }
  out.rng = space.rng.clone();
  return out;
}

function tile(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(a.length * n);
  for (let i = 0; i < n; i++) out.set(a, i * a.length);
  return out;
}

/** A zero-filled batch of n values of `space`. */
export function createEmptyArray(space: AnySpace, n: number): unknown {
  if (space instanceof Box) return dtypeArray(space.dtype, n * space.size);
  if (space instanceof Discrete) return new Int32Array(n);
  if (space instanceof MultiDiscrete) return new Int32Array(n * space.nvec.length);
  if (space instanceof Dict) {
    const out: Record<string, unknown> = {};
    for (const k of space.keys()) out[k] = createEmptyArray(space.spaces[k] as AnySpace, n);
    return out;
  }
  if (space instanceof Tuple) return space.spaces.map((s: AnySpace) => createEmptyArray(s, n));
  unsupported(space, "createEmptyArray");
}

/** Writes one value of `space` into row `i` of the batch `out`. */
export function setBatchItem(space: AnySpace, out: unknown, i: number, value: unknown): void {
  if (space instanceof Box) {
    const arr = value as ArrayLike<number>;
    if (arr?.length !== space.size) {
      throw new RangeError(
        `setBatchItem: row ${i} of a ${space.toString()} batch needs ${space.size} values (got ${describeValue(value)})`,
      );
    }
    (out as AnyTypedArray).set(arr, i * space.size);
  } else if (space instanceof Discrete) {
    (out as Int32Array)[i] = value as number;
  } else if (space instanceof MultiDiscrete) {
    const k = space.nvec.length;
    const arr = value as ArrayLike<number>;
    if (arr?.length !== k) {
      throw new RangeError(
        `setBatchItem: row ${i} of a ${space.toString()} batch needs ${k} values (got ${describeValue(value)})`,
      );
    }
    (out as Int32Array).set(arr, i * k);
  } else if (space instanceof Dict) {
    const o = out as Record<string, unknown>;
    const v = value as Record<string, unknown>;
    for (const k of space.keys()) setBatchItem(space.spaces[k] as AnySpace, o[k], i, v[k]);
  } else if (space instanceof Tuple) {
    const o = out as unknown[];
    const v = value as unknown[];
    space.spaces.forEach((s: AnySpace, j: number) => {
      setBatchItem(s, o[j], i, v[j]);
    });
  } else {
    unsupported(space, "setBatchItem");
  }
}

/**
 * Row `i` of a batch of `space` values. Box and MultiDiscrete rows are views (`subarray`) into the batch:
 * copy them if the batch will be overwritten while the row is still in use.
 */
export function getBatchItem(space: AnySpace, batch: unknown, i: number): unknown {
  if (space instanceof Box) return (batch as AnyTypedArray).subarray(i * space.size, (i + 1) * space.size);
  if (space instanceof Discrete) return (batch as ArrayLike<number>)[i];
  if (space instanceof MultiDiscrete) {
    const k = space.nvec.length;
    return (batch as Int32Array).subarray(i * k, (i + 1) * k);
  }
  if (space instanceof Dict) {
    const b = batch as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of space.keys()) out[k] = getBatchItem(space.spaces[k] as AnySpace, b[k], i);
    return out;
  }
  if (space instanceof Tuple) {
    const b = batch as unknown[];
    return space.spaces.map((s: AnySpace, j: number) => getBatchItem(s, b[j], i));
  }
  unsupported(space, "getBatchItem");
}

/** Writes one value into row i of a batch (see `batchWriter`). */
export type BatchWriter = (out: unknown, i: number, value: unknown) => void;

/**
 * `setBatchItem` specialised for one space once, for hot loops (vector envs write every sub-env's obs every
 * step): no space dispatch per call, and short rows are copied element by element (cheaper than `set`).
 */
export function batchWriter(space: AnySpace): BatchWriter {
  if (space instanceof Box || space instanceof MultiDiscrete) {
    const size = space instanceof Box ? space.size : space.nvec.length;
    const name = space.toString();
    return (out, i, value) => {
      const v = value as ArrayLike<number>;
      if (v?.length !== size) {
        throw new RangeError(
          `setBatchItem: row ${i} of a ${name} batch needs ${size} values (got ${describeValue(value)})`,
        );
      }
      const o = out as AnyTypedArray;
      if (size > 16) {
        o.set(v, i * size);
        return;
      }
      const base = i * size;
      for (let k = 0; k < size; k++) o[base + k] = v[k] as number;
    };
  }
  if (space instanceof Discrete) {
    return (out, i, value) => {
      (out as Int32Array)[i] = value as number;
    };
  }
  if (space instanceof Dict) {
    const keys = space.keys();
    const writers = keys.map((k) => batchWriter(space.spaces[k] as AnySpace));
    return (out, i, value) => {
      const o = out as Record<string, unknown>;
      const v = value as Record<string, unknown>;
      for (let j = 0; j < keys.length; j++) {
        const k = keys[j] as string;
        (writers[j] as BatchWriter)(o[k], i, v[k]);
      }
    };
  }
  if (space instanceof Tuple) {
    const writers = space.spaces.map((s: AnySpace) => batchWriter(s));
    return (out, i, value) => {
      const o = out as unknown[];
      const v = value as unknown[];
      for (let j = 0; j < writers.length; j++) (writers[j] as BatchWriter)(o[j], i, v[j]);
    };
  }
  unsupported(space, "batchWriter");
}

/** Stacks `items` (values of `space`) into `out` (a batch from `createEmptyArray`) and returns `out`. */
export function concatenate(space: AnySpace, items: readonly unknown[], out: unknown): unknown {
  for (let i = 0; i < items.length; i++) setBatchItem(space, out, i, items[i]);
  return out;
}

/** The n values of `space` in a batch (Box rows are views into it). */
export function iterate(space: AnySpace, batch: unknown, n: number): unknown[] {
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = getBatchItem(space, batch, i);
  return out;
}

/** A deep copy of a batch (typed arrays copied, structure rebuilt). */
export function cloneBatch<T>(batch: T): T {
  if (ArrayBuffer.isView(batch)) return (batch as unknown as AnyTypedArray).slice() as unknown as T;
  if (Array.isArray(batch)) return batch.map(cloneBatch) as unknown as T;
  if (typeof batch === "object" && batch !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(batch)) out[k] = cloneBatch(v);
    return out as T;
  }
  return batch;
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === "object" && "length" in v)
    return `${(v as object).constructor.name} of length ${(v as ArrayLike<unknown>).length}`;
  return typeof v;
}
