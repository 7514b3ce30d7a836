/**
 * A seedable pseudo-random number generator shared by the whole monorepo (no unseeded global randomness).
 *
 * Core: xoshiro128** (32-bit state words, fast in JS), seeded through splitmix32 so that nearby seeds give
 * unrelated streams. Floats use 53 bits (two draws). `spawn()` derives an independent child stream from
 * this one, the way NumPy's `SeedSequence.spawn` is used in Gymnasium's vector envs.
 */

/** The full internal state of an `Rng`: restore it with `Rng.fromState`. */
export interface RngState {
  s: [number, number, number, number];
  /** A cached second normal deviate from the Box-Muller pair, or null. */
  spare: number | null;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Checks that a seed is a non-negative safe integer, as Gymnasium requires. */
export function assertSeed(seed: unknown, where = "seed"): asserts seed is number {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${where} must be a non-negative integer (got ${String(seed)})`);
  }
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;
  /** The seed this generator was created from (undefined when restored from a state or spawned). */
  readonly seed: number | undefined;

  constructor(seed: number) {
    assertSeed(seed);
    this.seed = seed;
    // Mix both 32-bit halves of the seed so seeds above 2^32 are distinct too.
    const st = { x: (seed % TWO_POW_32) ^ 0x6a09e667 };
    const hi = Math.floor(seed / TWO_POW_32);
    st.x = (st.x + Math.imul(hi, 0x27d4eb2f)) | 0;
    this.s0 = splitmix32(st);
    this.s1 = splitmix32(st);
    this.s2 = splitmix32(st);
    this.s3 = splitmix32(st);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator restored from `state()`; it continues exactly where the original was. */
  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** A float in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.float();
  }

  /** An integer in [low, high) (like NumPy's `integers`). With one argument: [0, low). */
  int(low: number, high?: number): number {
    if (high === undefined) {
      high = low;
      low = 0;
    }
    const span = high - low;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(span) || span <= 0) {
      throw new RangeError(`Rng.int needs integers low < high (got ${low}, ${high})`);
    }
    if (span <= TWO_POW_32) {
      // Rejection sampling: unbiased for any span up to 2^32.
      const limit = TWO_POW_32 - (TWO_POW_32 % span);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return low + (x % span);
    }
    return low + Math.floor(this.float() * span);
  }

  /** A standard normal deviate times `std` plus `mean` (Box-Muller, the pair's second value cached). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = this.float();
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** An exponential deviate with the given rate. */
  exponential(rate = 1): number {
    let u = this.float();
    while (u === 0) u = this.float();
    return -Math.log(u) / rate;
  }

  /** A normal deviate conditioned on [low, high] (rejection, then inverse-free fallback to clamping). */
  truncNormal(mean: number, std: number, low: number, high: number): number {
    if (!(low <= high)) throw new RangeError(`Rng.truncNormal needs low <= high (got ${low}, ${high})`);
    for (let i = 0; i < 1000; i++) {
      const x = this.normal(mean, std);
      if (x >= low && x <= high) return x;
    }
    // The interval holds almost no mass: fall back to a uniform draw inside it.
    return this.uniform(low, high);
  }

  /** A von Mises deviate on (-pi, pi] with mean `mu` and concentration `kappa` (Best & Fisher, 1979). */
  vonMises(mu: number, kappa: number): number {
    if (kappa < 1e-8) return wrapAngle(mu + Math.PI * (2 * this.float() - 1));
    const tau = 1 + Math.sqrt(1 + 4 * kappa * kappa);
    const rho = (tau - Math.sqrt(2 * tau)) / (2 * kappa);
    const r = (1 + rho * rho) / (2 * rho);
    for (;;) {
      const z = Math.cos(Math.PI * this.float());
      const f = (1 + r * z) / (r + z);
      const c = kappa * (r - f);
      const u2 = this.float();
      if (c * (2 - c) - u2 > 0 || Math.log(c / u2) + 1 - c >= 0) {
        const theta = this.float() > 0.5 ? Math.acos(f) : -Math.acos(f);
        return wrapAngle(mu + theta);
      }
    }
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty array, uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Rng.choice needs a non-empty array");
    return items[this.int(items.length)] as T;
  }

  /** Shuffles an array in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }

  /** A fresh seed (a 53-bit integer) drawn from this stream: for seeding other components. */
  nextSeed(): number {
    return Math.floor(this.float() * TWO_POW_53);
  }

  /** `n` independent child generators; drawing from them does not advance each other. */
  spawn(n: number): Rng[];
  spawn(): Rng;
  spawn(n?: number): Rng | Rng[] {
    const make = () => {
      const child = Rng.fromState({
        s: [this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32()],
        spare: null,
      });
      // Run the fresh state through a few rounds so its first outputs are decorrelated from the parent's.
      for (let i = 0; i < 8; i++) child.nextUint32();
      return child;
    };
    if (n === undefined) return make();
    return Array.from({ length: n }, make);
  }

  /**
   * A child stream named `name`, derived from this generator's current state without advancing it: the same
   * parent state and name always give the same stream, different names independent ones. Use it instead of
   * seed arithmetic (`seed + 7`) so that adding a stream never shifts the others.
   */
  derive(name: string): Rng {
    // FNV-1a over the name's UTF-16 code units, mixed into each state word through splitmix32.
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    const st = { x: h ^ this.s0 };
    const words = [this.s0, this.s1, this.s2, this.s3].map((w) => {
      st.x = (st.x ^ w) | 0;
      return splitmix32(st);
    });
    const child = Rng.fromState({ s: words as [number, number, number, number], spare: null });
    for (let i = 0; i < 8; i++) child.nextUint32();
    return child;
  }

  /** A snapshot of the full state (JSON-serialisable). */
  state(): RngState {
    // Unsigned words, so that equal generator states compare equal however they were reached.
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spare };
  }

  /** Restores a snapshot taken with `state()`. */
  setState(state: RngState): void {
    const [a, b, c, d] = state.s;
    if ([a, b, c, d].some((v) => typeof v !== "number" || !Number.isInteger(v))) {
      throw new TypeError("Rng state must hold four 32-bit integers");
    }
    this.s0 = a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = state.spare;
  }

  /** An independent copy that will produce the same numbers as this one from now on. */
  clone(): Rng {
    return Rng.fromState(this.state());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function wrapAngle(a: number): number {
  let x = a % (2 * Math.PI);
  if (x > Math.PI) x -= 2 * Math.PI;
  if (x <= -Math.PI) x += 2 * Math.PI;
  return x;
}

/**
 * Gymnasium's `np_random(seed)`: a generator and the seed actually used. Without a seed, one is drawn from
 * the process's entropy (crypto), which is the one place where the monorepo takes non-reproducible randomness,
 * and only when a caller asked for it by passing no seed.
 */
export function npRandom(seed?: number | null): { rng: Rng; seed: number } {
  if (seed === undefined || seed === null) {
    const buf = new Uint32Array(2);
    globalThis.crypto.getRandomValues(buf);
    const s = (buf[0] as number) * 2097152 + ((buf[1] as number) >>> 11);
    return { rng: new Rng(s), seed: s };
  }
  assertSeed(seed);
  return { rng: new Rng(seed), seed };
}
