import {
  type AnyTypedArray,
  canCastSafely,
  type DType,
  dtypeArray,
  dtypeOf,
  isIntegerDType,
  Space,
  shapeSize,
  shapeString,
  type TypedArrayOf,
} from "./space.ts";

const DTYPE_RANGE: Record<DType, [number, number]> = {
  float32: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
  float64: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
  uint8: [0, 255],
  int32: [-2147483648, 2147483647],
};

export interface BoxOptions<D extends DType> {
  low: number | ArrayLike<number>;
  high: number | ArrayLike<number>;
  /** Required when both bounds are scalars; otherwise taken from the bounds. */
  shape?: readonly number[];
  dtype?: D;
  seed?: number;
}

/**
 * A (possibly unbounded) box in R^n: values are typed arrays of `prod(shape)` elements in row-major order.
 * Sampling follows Gymnasium: uniform on bounded dimensions, normal on unbounded ones, shifted exponential on
 * half-bounded ones; integer dtypes sample integers in [low, high].
 */
export class Box<D extends DType = "float32"> extends Space<TypedArrayOf<D>> {
  readonly shape: readonly number[];
  readonly dtype: D;
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly size: number;

  constructor(opts: BoxOptions<D>) {
    super();
    this.dtype = (opts.dtype ?? "float32") as D;
    let shape = opts.shape;
    if (shape === undefined) {
      if (typeof opts.low !== "number") shape = [opts.low.length];
      else if (typeof opts.high !== "number") shape = [opts.high.length];
      else throw new TypeError("Box: shape is required when low and high are both scalars");
    }
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new TypeError(`Box: shape must be non-negative integers (got [${shape.join(", ")}])`);
    }
    this.shape = [...shape];
    this.size = shapeSize(shape);
    this.low = broadcast(opts.low, this.size, "low");
    this.high = broadcast(opts.high, this.size, "high");
    const [dmin, dmax] = DTYPE_RANGE[this.dtype];
    for (let i = 0; i < this.size; i++) {
      const lo = Math.max(this.low[i] as number, dmin);
      const hi = Math.min(this.high[i] as number, dmax);
      if (Number.isNaN(lo) || Number.isNaN(hi)) throw new RangeError("Box: bounds must not be NaN");
      if (lo > hi) throw new RangeError(`Box: low[${i}] = ${lo} is above high[${i}] = ${hi}`);
      this.low[i] = lo;
      this.high[i] = hi;
    }
    if (opts.seed !== undefined) this.seed(opts.seed);
  }

  /** True when every dimension has finite bounds on the side(s) asked for. */
  isBounded(manner: "both" | "below" | "above" = "both"): boolean {
    const below = this.low.every((v) => Number.isFinite(v));
    const above = this.high.every((v) => Number.isFinite(v));
    if (manner === "below") return below;
    if (manner === "above") return above;
    return below && above;
  }

  sample(): TypedArrayOf<D> {
    const out = dtypeArray(this.dtype, this.size);
    const rng = this.rng;
    const integer = isIntegerDType(this.dtype);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i] as number;
      const hi = this.high[i] as number;
      const loF = Number.isFinite(lo);
      const hiF = Number.isFinite(hi);
      let v: number;
      if (integer) {
        v = rng.int(Math.ceil(lo), Math.floor(hi) + 1);
      } else if (loF && hiF) {
        v = rng.uniform(lo, hi);
      } else if (loF) {
        v = lo + rng.exponential();
      } else if (hiF) {
        v = hi - rng.exponential();
      } else {
        v = rng.normal();
      }
      out[i] = v;
    }
    // float32 rounding can push a value just past a bound: clamp after the cast.
    if (this.dtype === "float32") {
      for (let i = 0; i < this.size; i++) {
        if ((out[i] as number) > (this.high[i] as number)) out[i] = Math.fround(this.high[i] as number);
        if ((out[i] as number) < (this.low[i] as number)) out[i] = Math.fround(this.low[i] as number);
        if ((out[i] as number) > (this.high[i] as number)) out[i] = prevFloat32(this.high[i] as number);
      }
    }
    return out as TypedArrayOf<D>;
  }

  contains(x: unknown): x is TypedArrayOf<D> {
    const d = dtypeOf(x);
    if (d === null) return false;
    const arr = x as AnyTypedArray;
    if (arr.length !== this.size) return false;
    // As Gymnasium (`np.can_cast(x.dtype, box.dtype)`): a float64 array is not in a float32 box.
    if (!canCastSafely(d, this.dtype)) return false;
    for (let i = 0; i < this.size; i++) {
      const v = arr[i] as number;
      // Compare in the box's precision: a float32 bound is met by the float32-rounded value.
      const lo = this.dtype === "float32" ? Math.fround(this.low[i] as number) : (this.low[i] as number);
      const hi = this.dtype === "float32" ? Math.fround(this.high[i] as number) : (this.high[i] as number);
      if (!(v >= lo && v <= hi)) return false;
    }
    return true;
  }

  equals(other: unknown): boolean {
    return (
      other instanceof Box &&
      other.dtype === this.dtype &&
      other.shape.length === this.shape.length &&
      other.shape.every((d, i) => d === this.shape[i]) &&
      other.low.every((v, i) => Object.is(v, this.low[i])) &&
      other.high.every((v, i) => Object.is(v, this.high[i]))
    );
  }

  toString(): string {
    const uniform = (a: Float64Array) => a.every((v) => v === a[0]);
    const fmt = (a: Float64Array) =>
      uniform(a) ? numStr(a[0] ?? 0) : `[${Array.from(a, numStr).join(" ")}]`;
    return `Box(${fmt(this.low)}, ${fmt(this.high)}, ${shapeString(this.shape)}, ${this.dtype})`;
  }
}

function broadcast(v: number | ArrayLike<number>, n: number, name: string): Float64Array {
  if (typeof v === "number") return new Float64Array(n).fill(v);
  if (v.length !== n) throw new RangeError(`Box: ${name} has ${v.length} elements, shape needs ${n}`);
  return Float64Array.from(v);
}

function numStr(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return "inf";
  if (v === Number.NEGATIVE_INFINITY) return "-inf";
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

function prevFloat32(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  if (x > 0) u[0] = (u[0] as number) - 1;
  else u[0] = (u[0] as number) + 1;
  return f[0] as number;
}
