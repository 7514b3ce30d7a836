import { describe, expect, it } from "vitest";
import { parseMap } from "../map.ts";
import { pointMazeLayout } from "./options.ts";
import { HAZARD_VALUE, PIXEL_SIDE, PixelObserver, WALL_VALUE } from "./pixels.ts";
import { WallGrid } from "./walls.ts";

const at = (obs: Uint8Array, i: number, j: number, ch: number) =>
  obs[(j * PIXEL_SIDE + i) * 2 + ch] as number;

describe("PixelObserver", () => {
  it("scales the map to fit 64 x 64, centred, walls in channel 1", () => {
    const grid = new WallGrid(pointMazeLayout("two-rooms"));
    const px = new PixelObserver(grid);
    expect(px.scale).toBeCloseTo(64 / 13, 12);
    expect(px.offsetX).toBe(0);
    expect(px.offsetY).toBeCloseTo((64 - (7 * 64) / 13) / 2, 12);
    const obs = px.observe(3.5, 3.5);
    expect(obs.length).toBe(64 * 64 * 2);
    // Above and below the map is outside: walls. A room's middle is free, the middle wall is a wall.
    const [cx, cy] = px.toPixel(3.5, 3.5).map(Math.floor) as [number, number];
    expect(at(obs, cx, 2, 1)).toBe(WALL_VALUE);
    expect(at(obs, cx, cy, 1)).toBe(0);
    const [wx, wy] = px.toPixel(6.5, 1.5).map(Math.floor) as [number, number];
    expect(at(obs, wx, wy, 1)).toBe(WALL_VALUE);
    // The wall channel's free area is the free area of the map, to within a pixel's rounding.
    let free = 0;
    for (let k = 1; k < obs.length; k += 2) if (obs[k] === 0) free++;
    const freeCells = grid.blocked.reduce((s, b) => s + (b === 0 ? 1 : 0), 0);
    expect(free / (freeCells * px.scale ** 2)).toBeGreaterThan(0.9);
    expect(free / (freeCells * px.scale ** 2)).toBeLessThan(1.1);
  });

  it("marks hazards with 128 and the agent as a Gaussian blob centred at its position", () => {
    const grid = new WallGrid(parseMap("######\n#.H..#\n#....#\n#....#\n######"));
    const px = new PixelObserver(grid);
    const [hx, hy] = px.toPixel(2.5, 1.5).map(Math.floor) as [number, number];
    expect(at(px.observe(3, 3), hx, hy, 1)).toBe(HAZARD_VALUE);
    for (const [x, y] of [
      [2.5, 2.5],
      [3.13, 2.71],
      [1.02, 3.97],
    ] as const) {
      const obs = px.observe(x, y);
      let sum = 0;
      let mx = 0;
      let my = 0;
      for (let j = 0; j < PIXEL_SIDE; j++) {
        for (let i = 0; i < PIXEL_SIDE; i++) {
          const v = at(obs, i, j, 0);
          sum += v;
          mx += v * (i + 0.5);
          my += v * (j + 0.5);
        }
      }
      // Mass 255 * 2 pi sigma^2 with sigma = 1 pixel; centroid on the continuous pixel position.
      expect(sum / (255 * 2 * Math.PI)).toBeGreaterThan(0.97);
      expect(sum / (255 * 2 * Math.PI)).toBeLessThan(1.03);
      const [ex, ey] = px.toPixel(x, y);
      expect(Math.abs(mx / sum - ex)).toBeLessThan(0.05);
      expect(Math.abs(my / sum - ey)).toBeLessThan(0.05);
    }
    // At the picture's edge the blob is clipped, not wrapped.
    const edge = px.observe(0, 0);
    expect(at(edge, 63, 63, 0)).toBe(0);
  });
});
