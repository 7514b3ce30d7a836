/**
 * Gymnasium's `data_equivalence`: structural equality of observations, actions and infos. Values must have
 * the same type (same typed-array class, both arrays, both plain objects with the same keys, ...); typed
 * arrays are compared element-wise, exactly or within `|a - b| <= atol + rtol * |b|` (NumPy's `allclose`).
 */
export interface EquivalenceOptions {
  /** Compare numbers in typed arrays exactly (default false: rtol = atol = 1e-5, as Gymnasium). */
  exact?: boolean;
  rtol?: number;
  atol?: number;
}

export function dataEquivalence(a: unknown, b: unknown, opts: EquivalenceOptions = {}): boolean {
  const exact = opts.exact ?? false;
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-5;
  return equivalent(a, b, exact, rtol, atol);
}

/** Exact structural equality (NaN equals NaN), for typed arrays, arrays, plain objects and primitives. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return equivalent(a, b, true, 0, 0);
}

function equivalent(a: unknown, b: unknown, exact: boolean, rtol: number, atol: number): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a !== "object" || a === null || b === null) {
    return a === b || (Number.isNaN(a) && Number.isNaN(b));
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) {
      const u = x[i] as number;
      const v = y[i] as number;
      if (u === v || (Number.isNaN(u) && Number.isNaN(v))) continue;
      if (exact || !(Math.abs(u - v) <= atol + rtol * Math.abs(v))) return false;
    }
    return true;
  }
  if (Array.isArray(a)) {
    const y = b as unknown[];
    return a.length === y.length && a.every((v, i) => equivalent(v, y[i], exact, rtol, atol));
  }
  if (a instanceof Map || a instanceof Set) {
    const x = [...(a as Map<unknown, unknown>)];
    const y = [...(b as Map<unknown, unknown>)];
    return equivalent(x, y, exact, rtol, atol);
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && equivalent(ra[k], rb[k], exact, rtol, atol));
}
