import { describe, expect, it } from "vitest";
import { Box } from "./box.ts";
import { Dict } from "./dict.ts";
import { Discrete } from "./discrete.ts";

function space(seed?: number) {
  return new Dict(
    { pos: new Box({ low: -1, high: 1, shape: [2] }), mode: new Discrete(3) },
    seed === undefined ? {} : { seed },
  );
}

describe("Dict", () => {
  it("keeps keys sorted and samples values it contains", () => {
    const d = space(0);
    expect(d.keys()).toEqual(["mode", "pos"]);
    for (let i = 0; i < 100; i++) expect(d.contains(d.sample())).toBe(true);
    expect(() => new Dict({ a: 3 as unknown as Discrete })).toThrow(/value for key "a" is not a Space/);
  });

  it("seeds every sub-space from one seed, reproducibly", () => {
    const a = space(11);
    const b = space();
    const seeds = b.seed(11);
    expect(seeds.length).toBe(3);
    expect(seeds[0]).toBe(11);
    const x = a.sample();
    const y = b.sample();
    expect(x.mode).toBe(y.mode);
    expect(Array.from(x.pos)).toEqual(Array.from(y.pos));
  });

  it("passes masks to sub-spaces", () => {
    const d = space(1);
    for (let i = 0; i < 30; i++) expect(d.sample({ mode: Uint8Array.of(0, 0, 1) }).mode).toBe(2);
  });

  it("rejects missing or extra keys, wrong sub-values and non-objects", () => {
    const d = space();
    const ok = { pos: Float32Array.of(0, 0), mode: 1 };
    expect(d.contains(ok)).toBe(true);
    expect(d.contains({ pos: Float32Array.of(0, 0) })).toBe(false);
    expect(d.contains({ ...ok, extra: 1 })).toBe(false);
    expect(d.contains({ ...ok, mode: 3 })).toBe(false);
    expect(d.contains({ ...ok, pos: Float64Array.of(0, 0) })).toBe(false);
    expect(d.contains(null)).toBe(false);
    expect(d.contains([ok])).toBe(false);
  });

  it("compares and prints like Gymnasium", () => {
    expect(space().equals(space())).toBe(true);
    expect(space().equals(new Dict({ pos: new Box({ low: -1, high: 1, shape: [2] }) }))).toBe(false);
    expect(
      space().equals(new Dict({ pos: new Box({ low: -1, high: 1, shape: [2] }), mode: new Discrete(4) })),
    ).toBe(false);
    expect(space().toString()).toBe("Dict('mode': Discrete(3), 'pos': Box(-1.0, 1.0, (2,), float32))");
  });
});
