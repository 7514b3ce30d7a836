import { describe, expect, it } from "vitest";
import { Box } from "./box.ts";
import { Discrete } from "./discrete.ts";
import { Tuple } from "./tuple.ts";

function space(seed?: number) {
  return new Tuple(
    [new Discrete(2), new Box({ low: 0, high: 1, shape: [3] })] as const,
    seed === undefined ? {} : { seed },
  );
}

describe("Tuple", () => {
  it("samples arrays it contains, reproducibly from a seed", () => {
    const t = space(4);
    for (let i = 0; i < 100; i++) expect(t.contains(t.sample())).toBe(true);
    const [a0, a1] = space(4).sample();
    const [b0, b1] = space(4).sample();
    expect(a0).toBe(b0);
    expect(Array.from(a1)).toEqual(Array.from(b1));
    expect(space().seed(4).length).toBe(3);
    expect(() => new Tuple([new Discrete(2), "x" as unknown as Discrete])).toThrow(
      /element 1 is not a Space/,
    );
  });

  it("passes masks to sub-spaces", () => {
    const t = space(2);
    for (let i = 0; i < 30; i++) expect(t.sample([Uint8Array.of(1, 0), undefined])[0]).toBe(0);
  });

  it("rejects the wrong length, wrong elements and non-arrays", () => {
    const t = space();
    expect(t.contains([1, Float32Array.of(0, 0.5, 1)])).toBe(true);
    expect(t.contains([1])).toBe(false);
    expect(t.contains([2, Float32Array.of(0, 0, 0)])).toBe(false);
    expect(t.contains([1, Float32Array.of(0, 0, 2)])).toBe(false);
    expect(t.contains({ 0: 1, 1: Float32Array.of(0, 0, 0) })).toBe(false);
  });

  it("compares and prints like Gymnasium", () => {
    expect(space().equals(space())).toBe(true);
    expect(space().equals(new Tuple([new Discrete(2)]))).toBe(false);
    expect(space().toString()).toBe("Tuple(Discrete(2), Box(0.0, 1.0, (3,), float32))");
  });
});
