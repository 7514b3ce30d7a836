import { resolve } from "node:path";
import { checkEnv, make, Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { roomOf } from "../map.ts";
import { HJEPA_ENVS, registerHjepaEnvs } from "../register.ts";
import { loadTaskSet } from "../tasks.ts";
import { pointMazeOracle } from "./oracle.ts";
import { PIXEL_SIDE, WALL_VALUE } from "./pixels.ts";
import { POINT_MAZE_OBS_MODES, PointMazeEnv } from "./pointMaze.ts";

registerHjepaEnvs();

const ID = "hjepa/TwentyFiveRooms-v0";
const TASKS = resolve(import.meta.dirname, "../../../../configs/tasks/twenty-five-rooms.json");
/** Just inside the free side of a wall face: states are in cell [floor(y), floor(x)]. */
const IN = 1e-9;
/** Opposite corners of opposite corner rooms: the longest shortest path (see the diameter test). */
const FAR_CORNERS = [
  [1, 1],
  [30 - IN, 30 - IN],
] as const;
/** Its length: to the first door's corner (7, 4), a 45-degree line grazing a corner of every door to (27, 24), on. */
const DIAMETER = 6 * Math.sqrt(5) + 20 * Math.SQRT2;

/** The four cells around a wall corner, as the signs of their offsets. */
const CORNER_SIDES = [
  [1, 1],
  [-1, 1],
  [-1, -1],
  [1, -1],
] as const;

const pathLength = (p: readonly (readonly number[])[]) =>
  p
    .slice(1)
    .reduce(
      (s, q, i) =>
        s + Math.hypot((q[0] as number) - (p[i]?.[0] as number), (q[1] as number) - (p[i]?.[1] as number)),
      0,
    );

describe("TwentyFiveRooms-v0", () => {
  it("is 5x5 rooms of 5x5 cells in a 31x31 map, registered with a description and its obs modes", () => {
    const env = new PointMazeEnv({ layout: "twenty-five-rooms" });
    expect([env.map.rows, env.map.cols]).toEqual([31, 31]);
    const rooms = new Set<string>();
    for (let r = 0; r < 31; r++) {
      for (let c = 0; c < 31; c++) {
        const room = roomOf([r, c]);
        if (room !== null) {
          expect(env.walls.isBlocked(r, c)).toBe(false);
          rooms.add(`${room}`);
        }
      }
    }
    expect(rooms.size).toBe(25);
    // 2 * 5 * 4 doors, one cell each, between neighbouring rooms.
    const free = env.walls.blocked.reduce((s, b) => s + (b === 0 ? 1 : 0), 0);
    expect(free).toBe(25 * 25 + 40);
    const entry = HJEPA_ENVS.find((e) => e.id === ID);
    expect(entry?.obsModes).toEqual(POINT_MAZE_OBS_MODES);
    expect(entry?.description).toMatch(/25 rooms/);
  });

  for (const obsMode of POINT_MAZE_OBS_MODES) {
    it(`passes checkEnv (${obsMode})`, () => {
      const env = make(ID, { kwargs: { obsMode }, disableEnvChecker: true });
      expect(() => checkEnv(env.unwrapped)).not.toThrow();
      env.close();
    });
  }

  it("draws every wall and door of the 31x31 map in its 64x64 pixels (about 2 px per cell)", () => {
    const env = new PointMazeEnv({ layout: "twenty-five-rooms", obsMode: "pixels" });
    const px = env.pixels;
    if (px === null) throw new Error("pixels mode has no pixel observer");
    expect(env.observationSpace.shape).toEqual([PIXEL_SIDE, PIXEL_SIDE, 2]);
    expect(px.scale).toBeCloseTo(64 / 31, 12);
    const obs = env.observe([3.5, 3.5]) as Uint8Array;
    // The pixel holding a cell's centre lies in that cell (a cell is 2.06 px wide): walls 255, free 0.
    for (let r = 0; r < 31; r++) {
      for (let c = 0; c < 31; c++) {
        const [i, j] = px.toPixel(c + 0.5, r + 0.5).map(Math.floor) as [number, number];
        expect(obs[(j * PIXEL_SIDE + i) * 2 + 1]).toBe(env.walls.isBlocked(r, c) ? WALL_VALUE : 0);
      }
    }
  });

  it("resets deterministically per seed: the same start, goal and trajectory", () => {
    const run = (seed: number) => {
      const env = make(ID);
      const { obs, info } = env.reset({ seed });
      const states = [info.state, info.goal, Array.from(obs as Float32Array)];
      for (let t = 0; t < 20; t++) {
        states.push(env.step(Float32Array.of(Math.cos(t), Math.sin(t))).info.state as number[]);
      }
      env.close();
      return states;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)[0]).not.toEqual(run(6)[0]);
  });
});

describe("TwentyFiveRooms-v0 oracle", () => {
  const env = new PointMazeEnv({ layout: "twenty-five-rooms" });
  const oracle = pointMazeOracle(env.walls);

  it("matches hand-computed shortest distances", () => {
    // Along the middle row of the top rooms, straight through four doors.
    expect(oracle.distance([3.5, 3.5], [27.5, 3.5])).toBeCloseTo(24, 12);
    // Into the next room along its top: down to the door's corners (6, 3) and (7, 3), through, and up.
    expect(oracle.distance([3.5, 1.5], [9.5, 1.5])).toBeCloseTo(1 + 2 * Math.hypot(2.5, 1.5), 12);
    // Centre of the top-left room to the centre of the bottom-right one: the 45-degree line of door corners.
    expect(oracle.distance([3.5, 3.5], [27.5, 27.5])).toBeCloseTo(
      2 * Math.hypot(3.5, 0.5) + 20 * Math.SQRT2,
      12,
    );
    // The far corner is 1e-9 inside (30, 30).
    expect(oracle.distance(...FAR_CORNERS)).toBeCloseTo(DIAMETER, 7);
    expect(oracle.distance(FAR_CORNERS[1], FAR_CORNERS[0])).toBeCloseTo(DIAMETER, 7);
  });

  it("gives free paths as long as the distance, never shorter than the straight line", () => {
    const rng = new Rng(4);
    for (let k = 0; k < 60; k++) {
      const a = env.sampleFreeState(rng);
      const b = env.sampleFreeState(rng);
      const d = oracle.distance(a, b);
      expect(Number.isFinite(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(pathLength([a, b]) - 1e-12);
      const path = oracle.path(a, b) as number[][];
      expect([path[0], path[path.length - 1]]).toEqual([a, b]);
      expect(pathLength(path)).toBeCloseTo(d, 9);
      for (let i = 0; i + 1 < path.length; i++) {
        expect(oracle.graph.segmentFree(path[i] as number[], path[i + 1] as number[])).toBe(true);
      }
    }
  });

  it("has a longest shortest path of 6 sqrt 5 + 20 sqrt 2 = 41.70 map units, between far corners", () => {
    // Candidates: the four corners of every room. (All pairs of a 0.5-unit lattice over the free space,
    // 3145 points, give the same maximum; too slow for a test.)
    const points: number[][] = [];
    for (let R = 0; R < 5; R++) {
      for (let C = 0; C < 5; C++) {
        const x = 1 + 6 * C;
        const y = 1 + 6 * R;
        points.push([x, y], [x + 5 - IN, y], [x, y + 5 - IN], [x + 5 - IN, y + 5 - IN]);
      }
    }
    let longest = 0;
    for (let i = 0; i < points.length; i++) {
      for (let j = i + 1; j < points.length; j++) {
        longest = Math.max(longest, oracle.distance(points[i] as number[], points[j] as number[]));
      }
    }
    expect(longest).toBeGreaterThan(41);
    expect(longest).toBeLessThan(42.5);
    expect(longest).toBeCloseTo(DIAMETER, 7);
  });

  it("is followed within the registered time limit, which is 4x the longest path at full speed or more", () => {
    const made = make(ID);
    const limit = made.spec?.maxEpisodeSteps as number;
    // At maxStep 0.5 an axis-aligned stretch covers 0.5 map units a step: the slowest full-speed traversal.
    expect(limit).toBeGreaterThanOrEqual(4 * Math.ceil(DIAMETER / 0.5));
    made.reset({ seed: 0, options: { start: [...FAR_CORNERS[0]], goal: [...FAR_CORNERS[1]] } });
    const core = made.unwrapped as PointMazeEnv;
    // Waypoints are wall corners: aim a hair into the free side of each (as the oracle tests do).
    const path = (oracle.path(...FAR_CORNERS) as [number, number][]).map(([x, y], i, all) => {
      if (i === 0 || i === all.length - 1) return [x, y];
      let nx = 0;
      let ny = 0;
      for (const [sx, sy] of CORNER_SIDES) {
        if (!env.walls.isBlocked(Math.floor(y + sy / 2), Math.floor(x + sx / 2)))
          [nx, ny] = [nx + sx, ny + sy];
      }
      return [x + 1e-6 * Math.sign(nx), y + 1e-6 * Math.sign(ny)];
    });
    let w = 1;
    let steps = 0;
    let end = { terminated: false, truncated: false, info: {} as Record<string, unknown> };
    while (!end.terminated && !end.truncated) {
      const [x, y] = core.trueState() as [number, number];
      const [tx, ty] = path[w] as [number, number];
      const s = Math.max(1, Math.abs(tx - x) / core.maxStep, Math.abs(ty - y) / core.maxStep);
      end = made.step(Float32Array.of((tx - x) / core.maxStep / s, (ty - y) / core.maxStep / s));
      const [nx, ny] = end.info.state as [number, number];
      if (Math.hypot(tx - nx, ty - ny) < 1e-6 && w < path.length - 1) w++;
      steps++;
    }
    expect(end.terminated).toBe(true);
    expect(steps).toBeLessThanOrEqual(Math.ceil(DIAMETER / core.maxStep) + path.length);
    made.close();
  });

  it("agrees with the saved task set configs/tasks/twenty-five-rooms.json, whose far tasks are 4+ rooms apart", () => {
    const set = loadTaskSet(TASKS, { envId: ID, stateSize: 2 });
    expect(set.bins.map((b) => b.name)).toEqual(["near", "mid", "far"]);
    for (const bin of set.bins) expect(set.tasks.filter((t) => t.bin === bin.name)).toHaveLength(34);
    for (const t of set.tasks) {
      expect(oracle.distance(t.start, t.goal)).toBeCloseTo(t.distance, 9);
      const room = (s: readonly number[]) => roomOf([Math.floor(s[1] as number), Math.floor(s[0] as number)]);
      const [a, b] = [room(t.start), room(t.goal)];
      // Tasks with an end in a doorway belong to no room.
      if (t.bin === "far" && a !== null && b !== null) {
        expect(Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1])).toBeGreaterThanOrEqual(4);
      }
    }
  });
});
