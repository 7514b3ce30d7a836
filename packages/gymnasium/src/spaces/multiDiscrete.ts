import { Space } from "./space.ts";

/** A vector of independent discrete choices: element i in {start[i], ..., start[i] + nvec[i] - 1}. */
export class MultiDiscrete extends Space<Int32Array, readonly (Uint8Array | undefined)[]> {
  readonly shape: readonly number[];
  readonly nvec: Int32Array;
  readonly start: Int32Array;

  constructor(nvec: ArrayLike<number>, opts: { start?: ArrayLike<number>; seed?: number } = {}) {
    super();
    this.nvec = Int32Array.from(nvec);
    if (this.nvec.length === 0 || !this.nvec.every((n) => n > 0)) {
      throw new RangeError(
        `MultiDiscrete: nvec must be positive integers (got [${Array.from(nvec).join(", ")}])`,
      );
    }
    this.start = opts.start ? Int32Array.from(opts.start) : new Int32Array(this.nvec.length);
    if (this.start.length !== this.nvec.length)
      throw new RangeError("MultiDiscrete: start and nvec lengths differ");
    this.shape = [this.nvec.length];
    if (opts.seed !== undefined) this.seed(opts.seed);
  }

  sample(mask?: readonly (Uint8Array | undefined)[]): Int32Array {
    const out = new Int32Array(this.nvec.length);
    for (let i = 0; i < out.length; i++) {
      const n = this.nvec[i] as number;
      const m = mask?.[i];
      if (m === undefined) {
        out[i] = (this.start[i] as number) + this.rng.int(n);
        continue;
      }
      if (m.length !== n)
        throw new RangeError(`MultiDiscrete.sample: mask[${i}] has ${m.length} entries, expected ${n}`);
      const allowed: number[] = [];
      for (let k = 0; k < n; k++) {
        const v = m[k] as number;
        if (v !== 0 && v !== 1)
          throw new RangeError(`MultiDiscrete.sample: mask[${i}] values must be 0 or 1 (got ${v})`);
        if (v === 1) allowed.push(k);
      }
      out[i] = (this.start[i] as number) + (allowed.length === 0 ? 0 : this.rng.choice(allowed));
    }
    return out;
  }

  contains(x: unknown): x is Int32Array {
    if (!(x instanceof Int32Array) || x.length !== this.nvec.length) return false;
    for (let i = 0; i < x.length; i++) {
      const v = (x[i] as number) - (this.start[i] as number);
      if (v < 0 || v >= (this.nvec[i] as number)) return false;
    }
    return true;
  }

  equals(other: unknown): boolean {
    return (
      other instanceof MultiDiscrete &&
      other.nvec.length === this.nvec.length &&
      other.nvec.every((v, i) => v === this.nvec[i]) &&
      other.start.every((v, i) => v === this.start[i])
    );
  }

  toString(): string {
    const nvec = `[${Array.from(this.nvec).join(" ")}]`;
    return this.start.some((v) => v !== 0)
      ? `MultiDiscrete(${nvec}, start=[${Array.from(this.start).join(" ")}])`
      : `MultiDiscrete(${nvec})`;
  }
}
