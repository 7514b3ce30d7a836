import { EnvironmentError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { CELL, formatMap, type GridMap, parseMap } from "../map.ts";
import { labelComponents } from "./components.ts";
import { generateMaze } from "./mazeGen.ts";

/** Free cells, edges between 4-neighbouring free cells, and connected components of a map. */
function graphStats(map: GridMap): { vertices: number; edges: number; components: number } {
  let vertices = 0;
  let edges = 0;
  const free = (r: number, c: number) =>
    r < map.rows && c < map.cols && map.cells[r * map.cols + c] !== CELL.wall;
  for (let r = 0; r < map.rows; r++) {
    for (let c = 0; c < map.cols; c++) {
      if (!free(r, c)) continue;
      vertices++;
      if (free(r + 1, c)) edges++;
      if (free(r, c + 1)) edges++;
    }
  }
  const components = new Set(Array.from(labelComponents(map)).filter((l) => l >= 0)).size;
  return { vertices, edges, components };
}

describe("generateMaze", () => {
  it("is deterministic per seed and differs between seeds", () => {
    const a = generateMaze(15, { seed: 3 });
    expect(formatMap(generateMaze(15, { seed: 3 }))).toBe(formatMap(a));
    expect(formatMap(generateMaze(15, { seed: 4 }))).not.toBe(formatMap(a));
    expect(a.source).toBe("maze(size=15, seed=3, loops=0.1)");
  });

  it("has walls all around and corridor cells at odd coordinates", () => {
    const m = generateMaze(11, { seed: 1 });
    expect([m.rows, m.cols]).toEqual([11, 11]);
    for (let i = 0; i < 11; i++) {
      for (const [r, c] of [
        [0, i],
        [10, i],
        [i, 0],
        [i, 10],
      ] as const) {
        expect(m.cells[r * 11 + c]).toBe(CELL.wall);
      }
    }
    for (let r = 1; r < 11; r += 2)
      for (let c = 1; c < 11; c += 2) expect(m.cells[r * 11 + c]).toBe(CELL.free);
  });

  it("is a perfect maze (a tree over free cells) with loops = 0, for 20 seeds and three sizes", () => {
    for (const size of [5, 9, 21]) {
      for (let seed = 0; seed < 20; seed++) {
        const s = graphStats(generateMaze(size, { seed, loops: 0 }));
        expect(s.components).toBe(1);
        expect(s.edges).toBe(s.vertices - 1);
      }
    }
  });

  it("connects every free cell and adds exactly round(loops * k) independent loops", () => {
    for (let seed = 0; seed < 20; seed++) {
      const perfect = generateMaze(15, { seed, loops: 0 });
      // Walls between two corridor cells: one odd and one even coordinate, inside the border.
      let k = 0;
      for (let r = 1; r < 14; r++)
        for (let c = 1; c < 14; c++) if ((r + c) % 2 === 1 && perfect.cells[r * 15 + c] === CELL.wall) k++;
      expect(k).toBe(2 * 7 * 6 - 48); // 84 neighbour pairs of the 7x7 corridor cells, 48 opened by the tree
      for (const loops of [0.1, 0.5]) {
        const s = graphStats(generateMaze(15, { seed, loops }));
        expect(s.components).toBe(1);
        // Cyclomatic number = number of independent cycles.
        expect(s.edges - s.vertices + 1).toBe(Math.round(loops * k));
      }
    }
  });

  it("round-trips through the map format", () => {
    const m = generateMaze(9, { seed: 2 });
    expect(parseMap(formatMap(m)).cells).toEqual(m.cells);
  });

  it("rejects bad sizes, seeds and loop fractions, naming the value", () => {
    expect(() => generateMaze(14)).toThrow(EnvironmentError);
    expect(() => generateMaze(14)).toThrow(/size must be an odd integer >= 5 \(got 14\)/);
    expect(() => generateMaze(3)).toThrow(/got 3/);
    expect(() => generateMaze(15, { loops: 1.5 })).toThrow(
      /loops must be a fraction in \[0, 1\] \(got 1.5\)/,
    );
    expect(() => generateMaze(15, { seed: -1 })).toThrow(/seed must be a non-negative integer \(got -1\)/);
  });
});
