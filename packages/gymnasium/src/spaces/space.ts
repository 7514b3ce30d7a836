import { npRandom, type Rng } from "../rng.ts";

/** Numeric element types of `Box` values, named as in NumPy. */
export type DType = "float32" | "float64" | "uint8" | "int32";

export type TypedArrayOf<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "float64"
    ? Float64Array
    : D extends "uint8"
      ? Uint8Array
      : Int32Array;

export type AnyTypedArray = Float32Array | Float64Array | Uint8Array | Int32Array;

/**
 * A set of values with a way to sample from it (Gymnasium's `Space`). Every space owns a seeded `Rng`
 * (`rng`), reseeded with `seed()`; `sample()` draws from it, `contains()` checks membership.
 */
export abstract class Space<T, Mask = never> {
  private _rng: Rng | null = null;

  /** The shape of one value (`[]` for scalars, `null` for composite spaces). */
  abstract readonly shape: readonly number[] | null;

  /** The generator `sample()` draws from; created from fresh entropy on first use unless seeded. */
  get rng(): Rng {
    if (this._rng === null) this._rng = npRandom().rng;
    return this._rng;
  }

  /** Replaces the generator (for example with a clone of another space's, as `batchSpace` does). */
  set rng(rng: Rng) {
    this._rng = rng;
  }

  /** Reseeds this space (and, for composite spaces, its children). Returns the seeds used. */
  seed(seed?: number): number[] {
    const { rng, seed: used } = npRandom(seed);
    this._rng = rng;
    return [used];
  }

  abstract sample(mask?: Mask): T;
  abstract contains(x: unknown): x is T;
  abstract equals(other: unknown): boolean;
  /** A short description, like Gymnasium's `repr`: `Box(-1.0, 1.0, (2,), float32)`. */
  abstract toString(): string;
}

export function dtypeArray(dtype: DType, n: number): AnyTypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    case "uint8":
      return new Uint8Array(n);
    case "int32":
      return new Int32Array(n);
  }
}

export function dtypeOf(x: unknown): DType | null {
  if (x instanceof Float32Array) return "float32";
  if (x instanceof Float64Array) return "float64";
  if (x instanceof Uint8Array) return "uint8";
  if (x instanceof Int32Array) return "int32";
  return null;
}

/**
 * NumPy's `can_cast(from, to)` under "safe" casting: every value of `from` is exactly representable in `to`
 * (uint8 -> anything; int32 -> int32, float64; float32 -> float32, float64; float64 -> float64).
 */
export function canCastSafely(from: DType, to: DType): boolean {
  return from === to || from === "uint8" || to === "float64";
}

export function isIntegerDType(d: DType): boolean {
  return d === "uint8" || d === "int32";
}

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function shapeString(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}
