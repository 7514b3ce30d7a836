import { Space } from "./space.ts";

/** The integers {start, ..., start + n - 1}. A mask (one byte per value, 1 = allowed) restricts `sample`. */
export class Discrete extends Space<number, Uint8Array> {
  readonly shape: readonly number[] = [];
  readonly n: number;
  readonly start: number;

  constructor(n: number, opts: { start?: number; seed?: number } = {}) {
    super();
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`Discrete: n must be a positive integer (got ${n})`);
    const start = opts.start ?? 0;
    if (!Number.isInteger(start)) throw new RangeError(`Discrete: start must be an integer (got ${start})`);
    this.n = n;
    this.start = start;
    if (opts.seed !== undefined) this.seed(opts.seed);
  }

  sample(mask?: Uint8Array): number {
    if (mask === undefined) return this.start + this.rng.int(this.n);
    if (mask.length !== this.n) {
      throw new RangeError(`Discrete.sample: mask has ${mask.length} entries, expected n = ${this.n}`);
    }
    const allowed: number[] = [];
    for (let i = 0; i < this.n; i++) {
      const m = mask[i] as number;
      if (m !== 0 && m !== 1) throw new RangeError(`Discrete.sample: mask values must be 0 or 1 (got ${m})`);
      if (m === 1) allowed.push(i);
    }
    // As in Gymnasium, an all-zero mask yields `start`.
    if (allowed.length === 0) return this.start;
    return this.start + this.rng.choice(allowed);
  }

  contains(x: unknown): x is number {
    return typeof x === "number" && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  equals(other: unknown): boolean {
    return other instanceof Discrete && other.n === this.n && other.start === this.start;
  }

  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}
