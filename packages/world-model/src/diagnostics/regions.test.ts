import { GridMazeEnv, PLDMTwoRoomsEnv, type PlanningEnv, PointMazeEnv } from "@hjepa/envs";
import { describe, expect, it } from "vitest";
import { differentRegions, envRegions } from "./regions.ts";

describe("envRegions", () => {
  it("gives the rooms of a rooms layout; a doorway or wall line belongs to the rooms it joins", () => {
    const regions = envRegions(new PointMazeEnv({ layout: "nine-rooms" }) as unknown as PlanningEnv);
    expect(regions.kind).toBe("room");
    // [x, y]: room (row 0, col 0) covers cells 1-5; the door to its right is cell (row 3, col 6).
    expect(regions.of([2.5, 3.5])).toEqual(["0,0"]);
    expect(regions.of([6.5, 3.5])).toEqual(["0,0", "0,1"]);
    expect(regions.of([13.5, 15.5])).toEqual(["2,2"]);
    // Off the map: the nearest room.
    expect(regions.of([-4, 40])).toEqual(["2,0"]);
    expect(regions.inWall([6.5, 3.5])).toBe(false);
    expect(regions.inWall([6.5, 2.5])).toBe(true);
    // On a wall face (where a true state stops) or a hair inside it, not deeper than the 0.1 margin.
    expect(regions.inWall([6, 2.5])).toBe(false);
    expect(regions.inWall([6.05, 2.5])).toBe(false);
    expect(regions.inWall([-1, 3])).toBe(true);
    expect(differentRegions(regions.of([2.5, 3.5]), regions.of([6.5, 3.5]))).toBe(false);
    expect(differentRegions(regions.of([2.5, 3.5]), regions.of([8.5, 3.5]))).toBe(true);
  });

  it("gives cells of a grid (rounded [row, col]) and refuses an env without a map", () => {
    const env = new GridMazeEnv({ size: 9 });
    const regions = envRegions(env as unknown as PlanningEnv);
    expect(regions.kind).toBe("cell");
    expect(regions.of([1.2, 2.7])).toEqual(["1,3"]);
    expect(regions.inWall([0, 0])).toBe(true);
    expect(regions.inWall([1, 1])).toBe(false);
    expect(() => envRegions(new PLDMTwoRoomsEnv() as unknown as PlanningEnv)).toThrow(
      /envRegions: PLDMTwoRoomsEnv has no map of rooms or cells here; pass the regions/,
    );
  });
});
