import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { parseMap } from "../map.ts";
import { pointMazeOracle } from "./oracle.ts";
import { POINT_MAZE_LAYOUTS, PointMazeEnv } from "./pointMaze.ts";
import { WallGrid } from "./walls.ts";

const pathLength = (p: readonly (readonly number[])[]) =>
  p
    .slice(1)
    .reduce(
      (s, q, i) =>
        s + Math.hypot((q[0] as number) - (p[i]?.[0] as number), (q[1] as number) - (p[i]?.[1] as number)),
      0,
    );

describe("PointMaze oracle", () => {
  for (const layout of POINT_MAZE_LAYOUTS) {
    it(`${layout}: every free state reaches every other, along a free path as long as the distance`, () => {
      const env = new PointMazeEnv({ layout });
      const oracle = pointMazeOracle(env.walls);
      const rng = new Rng(9);
      for (let k = 0; k < 100; k++) {
        const a = env.sampleFreeState(rng);
        const b = env.sampleFreeState(rng);
        const d = oracle.distance(a, b);
        expect(Number.isFinite(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(
          Math.hypot((a[0] as number) - (b[0] as number), (a[1] as number) - (b[1] as number)) - 1e-12,
        );
        const path = oracle.path(a, b) as number[][];
        expect(path[0]).toEqual(a);
        expect(path[path.length - 1]).toEqual(b);
        expect(pathLength(path)).toBeCloseTo(d, 9);
        for (let i = 0; i + 1 < path.length; i++)
          expect(oracle.graph.segmentFree(path[i] as number[], path[i + 1] as number[])).toBe(true);
      }
    });
  }

  it("matches hand-computed distances", () => {
    const two = new PointMazeEnv({ layout: "two-rooms" }).oracle();
    expect(two.distance([1.5, 1.5], [4.5, 1.5])).toBeCloseTo(3, 12);
    expect(two.distance([3.5, 3.5], [9.5, 3.5])).toBeCloseTo(6, 12);
    // Down to the door's top corners (6, 3) and (7, 3), through the door, and up.
    expect(two.distance([1.5, 1.5], [11.5, 1.5])).toBeCloseTo(1 + 2 * Math.hypot(4.5, 1.5), 12);
    // Four rooms, diagonally opposite: through a side door to its far corner, then to the next door's corner.
    const four = new PointMazeEnv({ layout: "four-rooms" }).oracle();
    expect(four.distance([3.5, 3.5], [9.5, 9.5])).toBeCloseTo(2 * Math.hypot(3.5, 0.5) + 2 * Math.SQRT2, 12);
    expect(four.distance([3.5, 3.5], [9.5, 9.5])).toBeCloseTo(four.distance([9.5, 9.5], [3.5, 3.5]), 12);
  });

  it("treats doors as walls, lets hazards through, and does not pass between walls touching at a corner", () => {
    const door = pointMazeOracle(new WallGrid(parseMap("#####\n#.D.#\n#####")));
    expect(door.distance([1.5, 1.5], [3.5, 1.5])).toBe(Number.POSITIVE_INFINITY);
    expect(door.path([1.5, 1.5], [3.5, 1.5])).toBeNull();
    const hazard = pointMazeOracle(new WallGrid(parseMap("#####\n#.H.#\n#####")));
    expect(hazard.distance([1.5, 1.5], [3.5, 1.5])).toBeCloseTo(2, 12);
    const grid = new WallGrid(parseMap("######\n#.#..#\n##...#\n#....#\n######"));
    const pinch = pointMazeOracle(grid);
    expect(pinch.distance([1.5, 1.5], [2.5, 2.5])).toBe(Number.POSITIVE_INFINITY);
    expect(grid.region[1 * 6 + 1]).not.toBe(grid.region[2 * 6 + 2]);
    expect(pinch.distance([2.5, 2.5], [4.5, 1.5])).toBeCloseTo(Math.hypot(2, 1), 12);
    // A state in a wall has no distance.
    expect(pinch.distance([0.5, 0.5], [2.5, 2.5])).toBe(Number.POSITIVE_INFINITY);
  });

  it("is followed by the env: the oracle path reaches the goal in about distance / maxStep steps", () => {
    const env = new PointMazeEnv({ layout: "nine-rooms" });
    const oracle = env.oracle();
    for (let k = 0; k < 20; k++) {
      const { info } = env.reset({ seed: k });
      const goal = info.goal as number[];
      // Waypoints are exact wall corners, on a wall's face: aim 1e-6 inside the free side of each.
      const path = (oracle.path(info.state as number[], goal) as number[][]).map((p, i, all) => {
        if (i === 0 || i === all.length - 1) return p;
        const [x, y] = p as [number, number];
        let nx = 0;
        let ny = 0;
        for (const [sx, sy] of [
          [1, 1],
          [-1, 1],
          [-1, -1],
          [1, -1],
        ] as const) {
          if (!env.walls.isBlocked(Math.floor(y + sy / 2), Math.floor(x + sx / 2)))
            [nx, ny] = [nx + sx, ny + sy];
        }
        return [x + 1e-6 * Math.sign(nx), y + 1e-6 * Math.sign(ny)];
      });
      const d = oracle.distance(info.state as number[], goal);
      let w = 1;
      let steps = 0;
      let done = false;
      while (!done && steps < 1000) {
        const [x, y] = env.trueState() as [number, number];
        const target = path[w] as number[];
        const vx = (target[0] as number) - x;
        const vy = (target[1] as number) - y;
        // The largest action along the waypoint's direction that does not overshoot it.
        const s = Math.max(1, Math.abs(vx) / env.maxStep, Math.abs(vy) / env.maxStep);
        const r = env.step(Float32Array.of(vx / env.maxStep / s, vy / env.maxStep / s));
        const [nx, ny] = r.info.state as [number, number];
        if (Math.hypot((target[0] as number) - nx, (target[1] as number) - ny) < 1e-6 && w < path.length - 1)
          w++;
        done = r.terminated;
        steps++;
      }
      expect(done).toBe(true);
      expect(steps).toBeLessThanOrEqual(Math.ceil(d / env.maxStep) + path.length);
    }
  });
});
