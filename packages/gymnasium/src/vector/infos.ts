import type { Info } from "../core.ts";
import { isPlainObject } from "../utils/passiveEnvChecker.ts";

/**
 * Gymnasium's `VectorEnv._add_info`: merges sub-env `i`'s info into the batched `infos`. For every key, the
 * batch holds an array of n values and `_key` a presence mask (`Uint8Array`, 1 where sub-env i set the key):
 * - numbers -> `Float64Array(n)`; booleans -> `Uint8Array(n)` (0/1);
 * - typed arrays of length m -> one typed array of the same class with n * m elements (row i = sub-env i);
 * - plain objects -> merged recursively (a nested batched info, with its own masks);
 * - anything else (strings, arrays, class instances, and the key `finalObs`) -> an `Array(n)` of values, null
 *   where absent.
 * Returns `infos` (mutated).
 */
export function addInfo(infos: Info, envInfo: Info, i: number, numEnvs: number): Info {
  // for-in rather than Object.keys: no allocation for the (common) empty info.
  for (const key in envInfo) {
    if (!Object.hasOwn(envInfo, key)) continue;
    const value = envInfo[key];
    let batch: unknown;
    if (key === "finalObs") {
      batch = infos[key] ?? new Array(numEnvs).fill(null);
      (batch as unknown[])[i] = value;
    } else if (isPlainObject(value)) {
      batch = addInfo((infos[key] as Info | undefined) ?? {}, value, i, numEnvs);
    } else {
      batch = infos[key];
      if (batch === undefined) batch = emptyBatch(value, numEnvs);
      writeRow(batch, value, i, numEnvs, key);
    }
    const maskKey = `_${key}`;
    const mask = (infos[maskKey] as Uint8Array | undefined) ?? new Uint8Array(numEnvs);
    mask[i] = 1;
    infos[key] = batch;
    infos[maskKey] = mask;
  }
  return infos;
}

function emptyBatch(value: unknown, n: number): unknown {
  if (typeof value === "number") return new Float64Array(n);
  if (typeof value === "boolean") return new Uint8Array(n);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const ctor = (value as unknown as { constructor: new (len: number) => unknown }).constructor;
    return new ctor(n * (value as unknown as ArrayLike<number>).length);
  }
  return new Array(n).fill(null);
}

function writeRow(batch: unknown, value: unknown, i: number, n: number, key: string): void {
  if (Array.isArray(batch)) {
    batch[i] = value;
    return;
  }
  const arr = batch as Float64Array;
  if ((typeof value === "number" || typeof value === "boolean") && arr.length === n) {
    arr[i] = Number(value);
    return;
  }
  if (isTypedArray(value) && value.length * n === arr.length) {
    arr.set(value, i * value.length);
    return;
  }
  throw new TypeError(
    `addInfo: info["${key}"] of sub-env ${i} is ${describe(value)}, but earlier sub-envs gave values batched as a ` +
      `${arr.constructor.name} of ${arr.length} elements; every sub-env must give the same type (and length) for a key`,
  );
}

function describe(v: unknown): string {
  if (isTypedArray(v)) return `a ${v.constructor.name} of length ${v.length}`;
  if (v === null || typeof v !== "object") return `${typeof v} ${String(v)}`;
  return `a ${(v as object).constructor?.name ?? "object"}`;
}

function isTypedArray(v: unknown): v is ArrayLike<number> & ArrayBufferView {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}
