import { npRandom } from "../rng.ts";
import { Space } from "./space.ts";

type Values<S extends readonly Space<unknown, unknown>[]> = {
  [K in keyof S]: S[K] extends Space<infer T, infer _M> ? T : never;
};

/** A fixed-length sequence of sub-spaces; values are arrays with one element per sub-space. */
export class Tuple<S extends readonly Space<unknown, unknown>[]> extends Space<
  Values<S>,
  readonly unknown[]
> {
  readonly shape = null;
  readonly spaces: S;

  constructor(spaces: S, opts: { seed?: number } = {}) {
    super();
    spaces.forEach((s, i) => {
      if (!(s instanceof Space)) throw new TypeError(`Tuple: element ${i} is not a Space`);
    });
    this.spaces = spaces;
    if (opts.seed !== undefined) this.seed(opts.seed);
  }

  override seed(seed?: number): number[] {
    const { rng, seed: used } = npRandom(seed);
    super.seed(used);
    const seeds = [used];
    for (const s of this.spaces) seeds.push(...s.seed(rng.nextSeed()));
    return seeds;
  }

  sample(mask?: readonly unknown[]): Values<S> {
    return this.spaces.map((s, i) =>
      mask?.[i] === undefined ? s.sample() : (s as Space<unknown, unknown>).sample(mask[i]),
    ) as Values<S>;
  }

  contains(x: unknown): x is Values<S> {
    return (
      Array.isArray(x) && x.length === this.spaces.length && this.spaces.every((s, i) => s.contains(x[i]))
    );
  }

  equals(other: unknown): boolean {
    return (
      other instanceof Tuple &&
      other.spaces.length === this.spaces.length &&
      this.spaces.every((s, i) => s.equals(other.spaces[i]))
    );
  }

  toString(): string {
    return `Tuple(${this.spaces.map((s) => s.toString()).join(", ")})`;
  }
}
