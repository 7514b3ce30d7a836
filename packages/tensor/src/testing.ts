/**
 * Test helpers for code that uses tensors: leak checks and numeric comparison. They throw plain Errors (no
 * test-framework import), so any runner reports them as failures.
 */
import { tf } from "./tf.ts";

type Numbers = ArrayLike<number> | tf.Tensor;

function isPromiseLike<T>(x: unknown): x is PromiseLike<T> {
  return typeof x === "object" && x !== null && typeof (x as { then?: unknown }).then === "function";
}

function leakError(what: string, before: number, after: number, allowed: number): Error {
  const expected = allowed === 0 ? "" : ` (${allowed} new tensor(s) allowed)`;
  return new Error(
    `${what}: ${after - before - allowed} tensor(s) leaked: tf.memory().numTensors went from ${before} to ` +
      `${after}${expected}; dispose them or wrap the work in tf.tidy`,
  );
}

/**
 * Runs `fn` and throws when it leaves more tensors alive than it found; a returned tensor counts as a leak
 * unless `allowed` says how many new tensors are expected. Async functions are awaited.
 */
export function expectNoLeaks<T>(fn: () => T, allowed?: number): T;
export function expectNoLeaks<T>(fn: () => Promise<T>, allowed?: number): Promise<T>;
export function expectNoLeaks<T>(fn: () => T | Promise<T>, allowed = 0): T | Promise<T> {
  const before = tf.memory().numTensors;
  const check = (value: T): T => {
    const after = tf.memory().numTensors;
    if (after - before > allowed) throw leakError("expectNoLeaks", before, after, allowed);
    return value;
  };
  const result = fn();
  return isPromiseLike<T>(result) ? Promise.resolve(result).then(check) : check(result);
}

/** `expectNoLeaks` for async work, always returning a promise (handy as a test body wrapper). */
export async function withLeakCheck<T>(fn: () => T | Promise<T>, allowed = 0): Promise<T> {
  const before = tf.memory().numTensors;
  const value = await fn();
  const after = tf.memory().numTensors;
  if (after - before > allowed) throw leakError("withLeakCheck", before, after, allowed);
  return value;
}

function toArray(x: Numbers): ArrayLike<number> {
  return x instanceof tf.Tensor ? (x.dataSync() as ArrayLike<number>) : x;
}

/**
 * max |actual - expected| / max |expected| (the absolute error when `expected` is all zeros). Scaling by the
 * largest magnitude, not elementwise, keeps the measure meaningful for sums whose outputs cancel near zero.
 */
export function maxRelativeError(actual: Numbers, expected: Numbers): number {
  const a = toArray(actual);
  const e = toArray(expected);
  if (a.length !== e.length) {
    throw new Error(`maxRelativeError: lengths differ (actual ${a.length}, expected ${e.length})`);
  }
  let maxErr = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    if (!(d <= maxErr)) maxErr = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
    scale = Math.max(scale, Math.abs(e[i]));
  }
  return scale > 0 ? maxErr / scale : maxErr;
}

/**
 * Throws unless `actual` and `expected` have the same shape (when both are tensors) and length, and
 * `maxRelativeError(actual, expected) <= rtol`. The message names the worst element.
 */
export function expectArraysClose(actual: Numbers, expected: Numbers, rtol = 1e-5, what = "arrays"): void {
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor) {
    const sa = actual.shape.join(",");
    const se = expected.shape.join(",");
    if (sa !== se)
      throw new Error(`expectArraysClose(${what}): shapes differ: actual [${sa}], expected [${se}]`);
  }
  const a = toArray(actual);
  const e = toArray(expected);
  const err = maxRelativeError(a, e);
  if (err <= rtol) return;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - e[i]) <= Math.abs(a[worst] - e[worst]))) worst = i;
  }
  throw new Error(
    `expectArraysClose(${what}): relative error ${err.toExponential(3)} > ${rtol} (worst at index ${worst}: ` +
      `actual ${a[worst]}, expected ${e[worst]}; ${a.length} elements)`,
  );
}

export interface BackendValues {
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

/**
 * Runs `fn` on `backend` (inside `tf.tidy`), reads its result and disposes it, then switches back to the
 * previous backend. Build inputs inside `fn` from a seeded `Rng` so every backend sees the same numbers.
 */
export async function valuesOn(backend: string, fn: () => tf.Tensor): Promise<BackendValues> {
  const previous = tf.getBackend();
  if (!(await tf.setBackend(backend))) throw new Error(`valuesOn: backend '${backend}' is not available`);
  try {
    const out = tf.tidy(fn);
    const result = { shape: [...out.shape], values: out.dataSync().slice() as BackendValues["values"] };
    out.dispose();
    return result;
  } finally {
    await tf.setBackend(previous);
  }
}

/**
 * Runs `fn` on `backend` and on `reference` (default "cpu") and throws unless shapes match and the values
 * are within `rtol` (see `maxRelativeError`). Returns the relative error.
 */
export async function expectBackendsClose(
  backend: string,
  fn: () => tf.Tensor,
  { rtol = 1e-5, reference = "cpu", what = "result" } = {},
): Promise<number> {
  const got = await valuesOn(backend, fn);
  const want = await valuesOn(reference, fn);
  if (got.shape.join(",") !== want.shape.join(",")) {
    throw new Error(`${what}: shape on ${backend} [${got.shape}] differs from ${reference} [${want.shape}]`);
  }
  expectArraysClose(got.values, want.values, rtol, `${what} on ${backend} vs ${reference}`);
  return maxRelativeError(got.values, want.values);
}
