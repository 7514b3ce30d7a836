import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { CELL, type GridMap, parseMap } from "../map.ts";
import { WallGrid } from "./walls.ts";

/** A random map: walls with probability `density` (many corner-to-corner pinches), a hazard now and then. */
function randomMap(rng: Rng, rows: number, cols: number, density: number): GridMap {
  const cells = new Uint8Array(rows * cols);
  for (let i = 0; i < cells.length; i++) {
    const u = rng.float();
    cells[i] =
      u < density ? CELL.wall : u < density + 0.05 ? CELL.door : u < density + 0.15 ? CELL.hazard : CELL.free;
  }
  cells[0] = CELL.free;
  return { rows, cols, cells, start: null, goal: null, key: null, door: null, source: "random" };
}

/**
 * Walks the polyline start -> waypoints -> end in small steps and returns what is wrong, or null: every point
 * must be in a free cell, and consecutive cells the same, edge neighbours, or diagonal neighbours with a free
 * cell between them (no slipping between two walls that touch at a corner).
 */
function pathError(grid: WallGrid, pts: number[]): string | null {
  let pr = Number.NaN;
  let pc = Number.NaN;
  for (let k = 0; k + 3 < pts.length; k += 2) {
    const x0 = pts[k] as number;
    const y0 = pts[k + 1] as number;
    const x1 = pts[k + 2] as number;
    const y1 = pts[k + 3] as number;
    for (let s = 0; s <= 16; s++) {
      const x = x0 + ((x1 - x0) * s) / 16;
      const y = y0 + ((y1 - y0) * s) / 16;
      const r = Math.floor(y);
      const c = Math.floor(x);
      if (grid.isBlocked(r, c)) return `point (${x}, ${y}) is in blocked cell (${r}, ${c})`;
      if (k > 0 || s > 0) {
        const dr = Math.abs(r - pr);
        const dc = Math.abs(c - pc);
        if (dr > 1 || dc > 1) return `jump from cell (${pr}, ${pc}) to (${r}, ${c})`;
        if (dr === 1 && dc === 1 && grid.isBlocked(pr, c) && grid.isBlocked(r, pc)) {
          return `corner cut from cell (${pr}, ${pc}) to (${r}, ${c})`;
        }
      }
      pr = r;
      pc = c;
    }
  }
  return null;
}

describe("WallGrid.move", () => {
  it("never ends in, crosses, or cuts the corner of a wall (random maps, starts and moves)", () => {
    const rng = new Rng(2024);
    const out = new Float64Array(2);
    let moves = 0;
    let blockedMoves = 0;
    for (let m = 0; m < 40; m++) {
      const grid = new WallGrid(randomMap(rng, rng.int(4, 10), rng.int(4, 10), 0.35));
      const free: [number, number][] = [];
      for (let r = 0; r < grid.rows; r++)
        for (let c = 0; c < grid.cols; c++) if (!grid.isBlocked(r, c)) free.push([r, c]);
      for (let k = 0; k < 500; k++) {
        const [r, c] = rng.choice(free);
        // Starts anywhere in the cell, on its left/top faces, at its corner, or against its right/bottom faces.
        const kind = rng.int(4);
        let x = c + rng.float();
        let y = r + rng.float();
        if (kind === 1) [x, y] = [c, r];
        if (kind === 2) [x, y] = [(c + 1) * (1 - 2 ** -53), (r + 1) * (1 - 2 ** -53)];
        if (kind === 3) [x, y] = [c + 0.5, r + 0.5];
        // Moves: random (up to 3 cells), exactly diagonal (to hit corners dead on), or axis-aligned.
        const how = rng.int(3);
        const len = rng.float() < 0.7 ? rng.uniform(0, 0.75) : rng.uniform(0, 3);
        const angle =
          how === 0 ? rng.uniform(0, 2 * Math.PI) : ((2 * rng.int(4) + (how === 1 ? 1 : 0)) * Math.PI) / 4;
        let dx = len * Math.cos(angle);
        let dy = len * Math.sin(angle);
        if (how !== 0) {
          dx = Math.round(dx * 1e6) / 1e6;
          dy = Math.round(dy * 1e6) / 1e6;
        }
        if (how === 1 && kind === 3) [dx, dy] = [0.5 * Math.sign(dx), 0.5 * Math.sign(dy)];
        const trace: number[] = [];
        grid.move(x, y, dx, dy, out, trace);
        const [ex, ey] = [out[0] as number, out[1] as number];
        let error = grid.isFreeState(ex, ey) ? pathError(grid, [x, y, ...trace, ex, ey]) : "ends in a wall";
        // Each coordinate moves the way its displacement points, and no further than it.
        for (const [from, to, d] of [
          [x, ex, dx],
          [y, ey, dy],
        ] as const) {
          const along = (to - from) * Math.sign(d);
          if (along < -1e-12 || along > Math.abs(d) + 1e-12 || (d === 0 && to !== from))
            error ??= "overshoots";
        }
        if (error !== null) expect.fail(`move (${x}, ${y}) by (${dx}, ${dy}) -> (${ex}, ${ey}): ${error}`);
        if (Math.abs(ex - x - dx) + Math.abs(ey - y - dy) > 1e-9) blockedMoves++;
        moves++;
      }
    }
    expect(moves).toBe(20000);
    // The maps are dense enough that walls matter often.
    expect(blockedMoves).toBeGreaterThan(3000);
  });

  it("moves freely in the open, slides along a wall, and stops in a corner and at a pinch", () => {
    const grid = new WallGrid(
      parseMap(
        `
#######
#.....#
#.....#
#..#..#
##....#
#######`,
      ),
    );
    const out = new Float64Array(2);
    grid.move(2.5, 2.5, 0.3, -0.4, out);
    expect([out[0], out[1]]).toEqual([2.5 + 0.3, 2.5 - 0.4]);
    // Diagonal into the top wall: y stops at the face y = 1, x keeps its full displacement.
    grid.move(2.5, 1.2, 0.5, -0.5, out);
    expect(out[0]).toBeCloseTo(3, 12);
    expect(out[1]).toBe(1);
    // Into the right wall (x = 6 is the wall's face): x stops just below 6, y slides on.
    grid.move(5.8, 2.5, 0.5, 0.4, out);
    expect(out[0]).toBeLessThan(6);
    expect(out[0]).toBeCloseTo(6, 12);
    expect(out[1]).toBeCloseTo(2.9, 12);
    // Into the top-left corner: both stop.
    grid.move(1.3, 1.3, -0.5, -0.5, out);
    expect([out[0], out[1]]).toEqual([1, 1]);
    // Dead on the convex corner (3, 3) of wall (3, 3): the x face is resolved first, so it slides along x.
    grid.move(2.5, 2.5, 0.8, 0.8, out);
    expect(out[0]).toBeCloseTo(3.3, 12);
    expect(out[1]).toBeLessThan(3);
    expect(out[1]).toBeCloseTo(3, 12);
  });

  it("cannot slip between two walls that touch at a corner", () => {
    const grid = new WallGrid(
      parseMap(`
######
#.#..#
##...#
#....#
######`),
    );
    const out = new Float64Array(2);
    for (const [dx, dy] of [
      [0.5, 0.5],
      [0.6, 0.4],
      [0.4, 0.6],
      [1.5, 1.5],
    ] as const) {
      grid.move(1.5, 1.5, dx, dy, out);
      expect(Math.floor(out[0] as number)).toBe(1);
      expect(Math.floor(out[1] as number)).toBe(1);
    }
    // Back from the other side, dead on the corner.
    grid.move(2.5, 2.5, -0.5, -0.5, out);
    expect([out[0], out[1]]).toEqual([2, 2]);
    grid.move(2, 2, -0.01, -0.01, out);
    expect([out[0], out[1]]).toEqual([2, 2]);
    expect(grid.region[1 * 6 + 1]).not.toBe(grid.region[2 * 6 + 2]);
  });

  it("reports hazards entered or stayed in, not the one left", () => {
    const grid = new WallGrid(parseMap("#####\n#.H.#\n#####"));
    const out = new Float64Array(2);
    expect(grid.move(1.5, 1.5, 0.6, 0, out)).toBe(true);
    expect(grid.move(1.5, 1.5, 1.8, 0, out)).toBe(true);
    expect(grid.move(2.5, 1.5, 0.1, 0, out)).toBe(true);
    expect(grid.move(2.5, 1.5, 0.6, 0, out)).toBe(false);
    expect(grid.move(1.5, 1.5, 0.4, 0, out)).toBe(false);
  });
});
