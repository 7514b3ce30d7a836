import { npRandom } from "../rng.ts";
import { Space } from "./space.ts";

type ValueOf<S> = S extends Space<infer T, infer _M> ? T : never;
type MaskOf<S> = S extends Space<infer _T, infer M> ? M : never;

export type DictValue<S extends Record<string, Space<unknown, unknown>>> = { [K in keyof S]: ValueOf<S[K]> };
export type DictMask<S extends Record<string, Space<unknown, unknown>>> = { [K in keyof S]?: MaskOf<S[K]> };

/** A dictionary of named sub-spaces; keys are kept in sorted order, as Gymnasium does. */
export class Dict<S extends Record<string, Space<unknown, unknown>>> extends Space<
  DictValue<S>,
  DictMask<S>
> {
  readonly shape = null;
  readonly spaces: S;

  constructor(spaces: S, opts: { seed?: number } = {}) {
    super();
    const sorted = Object.keys(spaces).sort();
    const out: Record<string, Space<unknown, unknown>> = {};
    for (const k of sorted) {
      const s = spaces[k];
      if (!(s instanceof Space)) throw new TypeError(`Dict: value for key "${k}" is not a Space`);
      out[k] = s;
    }
    this.spaces = out as S;
    if (opts.seed !== undefined) this.seed(opts.seed);
  }

  keys(): (keyof S & string)[] {
    return Object.keys(this.spaces) as (keyof S & string)[];
  }

  /** Seeds every sub-space from one seed (each gets a seed drawn from a generator made from it). */
  override seed(seed?: number): number[] {
    const { rng, seed: used } = npRandom(seed);
    super.seed(used);
    const seeds = [used];
    for (const k of this.keys())
      seeds.push(...(this.spaces[k] as Space<unknown, unknown>).seed(rng.nextSeed()));
    return seeds;
  }

  sample(mask?: DictMask<S>): DictValue<S> {
    const out: Record<string, unknown> = {};
    for (const k of this.keys()) {
      const m = mask?.[k];
      const s = this.spaces[k] as Space<unknown, unknown>;
      out[k] = m === undefined ? s.sample() : s.sample(m);
    }
    return out as DictValue<S>;
  }

  contains(x: unknown): x is DictValue<S> {
    if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
    const keys = Object.keys(x);
    if (keys.length !== this.keys().length) return false;
    return this.keys().every((k) => k in x && this.spaces[k]!.contains((x as Record<string, unknown>)[k]));
  }

  equals(other: unknown): boolean {
    if (!(other instanceof Dict)) return false;
    const a = this.keys();
    const b = other.keys();
    return a.length === b.length && a.every((k, i) => k === b[i] && this.spaces[k]!.equals(other.spaces[k]));
  }

  toString(): string {
    return `Dict(${this.keys()
      .map((k) => `'${k}': ${this.spaces[k]!.toString()}`)
      .join(", ")})`;
  }
}
