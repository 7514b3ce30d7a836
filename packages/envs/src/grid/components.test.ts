import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { parseMap } from "../map.ts";
import { labelComponents, pickExcept, reachableCells } from "./components.ts";

describe("components", () => {
  it("labels 4-connected non-wall cells, doors included, walls -1", () => {
    expect(Array.from(labelComponents(parseMap(".#.\n#D.\n..#")))).toEqual([0, -1, 1, -1, 1, 1, 1, 1, -1]);
  });

  it("finds the cells reachable from a cell with the door closed or open", () => {
    const map = parseMap("K.D..");
    expect(Array.from(reachableCells(map, 0, { doorPassable: false }))).toEqual([1, 1, 0, 0, 0]);
    expect(Array.from(reachableCells(map, 0, { doorPassable: true }))).toEqual([1, 1, 1, 1, 1]);
  });

  it("picks uniformly among the pool without the excluded element", () => {
    const rng = new Rng(0);
    const pool = Int32Array.from([10, 11, 12, 13]);
    const counts = new Map<number, number>();
    for (let i = 0; i < 30_000; i++) {
      const v = pickExcept(pool, 12, true, rng);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([10, 11, 13]);
    for (const n of counts.values()) expect(Math.abs(n / 30_000 - 1 / 3)).toBeLessThan(0.015);
    expect(pickExcept(Int32Array.from([5]), 5, true, rng)).toBe(-1);
    expect(pickExcept(Int32Array.from([5]), 9, false, rng)).toBe(5);
    expect(pickExcept(new Int32Array(0), 9, false, rng)).toBe(-1);
  });
});
