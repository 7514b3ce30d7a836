import { describe, expect, it } from "vitest";
import { Box } from "../spaces/box.ts";
import { Dict } from "../spaces/dict.ts";
import { Discrete } from "../spaces/discrete.ts";
import { MultiDiscrete } from "../spaces/multiDiscrete.ts";
import { Space } from "../spaces/space.ts";
import { Tuple } from "../spaces/tuple.ts";
import {
  batchSpace,
  cloneBatch,
  concatenate,
  createEmptyArray,
  getBatchItem,
  iterate,
  setBatchItem,
} from "./batching.ts";

describe("batchSpace", () => {
  it("stacks Box, Discrete and MultiDiscrete spaces as Gymnasium", () => {
    const box = new Box({ low: [0, -1], high: [1, 2], dtype: "float64" });
    const b = batchSpace(box, 3) as Box<"float64">;
    expect(b.shape).toEqual([3, 2]);
    expect(b.dtype).toBe("float64");
    expect(Array.from(b.low)).toEqual([0, -1, 0, -1, 0, -1]);
    expect(Array.from(b.high)).toEqual([1, 2, 1, 2, 1, 2]);
    expect(batchSpace(new Discrete(4, { start: 1 }), 3).toString()).toBe(
      "MultiDiscrete([4 4 4], start=[1 1 1])",
    );
    const md = batchSpace(new MultiDiscrete([2, 3], { start: [0, 5] }), 2) as Box<"int32">;
    expect(md.toString()).toBe("Box([0.0 5.0 0.0 5.0], [1.0 7.0 1.0 7.0], (2, 2), int32)");
  });

  it("stacks Dict and Tuple spaces entry by entry", () => {
    const d = new Dict({ pos: new Box({ low: 0, high: 1, shape: [2] }), t: new Discrete(5) });
    expect(batchSpace(d, 2).toString()).toBe(
      "Dict('pos': Box(0.0, 1.0, (2, 2), float32), 't': MultiDiscrete([5 5]))",
    );
    const t = new Tuple([new Discrete(2), new Box({ low: -1, high: 1, shape: [1] })]);
    expect(batchSpace(t, 2).toString()).toBe("Tuple(MultiDiscrete([2 2]), Box(-1.0, 1.0, (2, 1), float32))");
  });

  it("gives the batched space a copy of the single space's generator", () => {
    const single = new Discrete(1000, { seed: 4 });
    const batched = batchSpace(single, 2);
    expect(batched.rng).not.toBe(single.rng);
    expect(batched.rng.state()).toEqual(single.rng.state());
    expect(() => batchSpace(single, 0)).toThrow(/positive integer \(got 0\)/);
    class Odd extends Space<number> {
      readonly shape = [];
      sample(): number {
        return 0;
      }
      contains(x: unknown): x is number {
        return x === 0;
      }
      equals(o: unknown): boolean {
        return o instanceof Odd;
      }
      toString(): string {
        return "Odd";
      }
    }
    expect(() => batchSpace(new Odd(), 2)).toThrow(/unsupported space Odd/);
  });
});

describe("concatenate / iterate", () => {
  const space = new Dict({
    pos: new Box({ low: -10, high: 10, shape: [2] }),
    pair: new Tuple([new Discrete(3), new MultiDiscrete([2, 2])]),
  });
  const items = [
    { pos: Float32Array.of(1, 2), pair: [0, Int32Array.of(1, 0)] },
    { pos: Float32Array.of(3, 4), pair: [2, Int32Array.of(0, 1)] },
    { pos: Float32Array.of(5, 6), pair: [1, Int32Array.of(1, 1)] },
  ];

  it("lays batches out row-major and reads the same values back", () => {
    const out = createEmptyArray(space, 3) as { pos: Float32Array; pair: [Int32Array, Int32Array] };
    expect(concatenate(space, items, out)).toBe(out);
    expect(Array.from(out.pos)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(out.pair[0])).toEqual([0, 2, 1]);
    expect(Array.from(out.pair[1])).toEqual([1, 0, 0, 1, 1, 1]);
    expect(batchSpace(space, 3).contains(out)).toBe(true);
    const back = iterate(space, out, 3) as typeof items;
    back.forEach((v, i) => {
      expect(Array.from(v.pos)).toEqual(Array.from(items[i]!.pos));
      expect(v.pair[0]).toBe(items[i]!.pair[0]);
      expect(Array.from(v.pair[1] as Int32Array)).toEqual(Array.from(items[i]!.pair[1] as Int32Array));
    });
    // Box rows are views into the batch.
    const row = getBatchItem(space.spaces.pos, out.pos, 1) as Float32Array;
    out.pos[2] = 30;
    expect(row[0]).toBe(30);
  });

  it("deep-copies batches and rejects rows of the wrong length", () => {
    const out = createEmptyArray(space, 3) as { pos: Float32Array };
    concatenate(space, items, out);
    const copy = cloneBatch(out);
    copy.pos[0] = 99;
    expect(out.pos[0]).toBe(1);
    expect(() => setBatchItem(space.spaces.pos, out.pos, 0, Float32Array.of(1))).toThrow(
      /row 0 of a Box\(-10.0, 10.0, \(2,\), float32\) batch needs 2 values \(got Float32Array of length 1\)/,
    );
  });
});
