import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataError, EnvironmentError } from "@hjepa/errors";
import { checkEnv, Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { isPlanningEnv } from "../types.ts";
import { POINT_MAZE_LAYOUTS, POINT_MAZE_OBS_MODES, PointMazeEnv } from "./pointMaze.ts";

const act = (x: number, y: number) => Float32Array.of(x, y);

describe("PointMazeEnv dynamics", () => {
  for (const layout of POINT_MAZE_LAYOUTS) {
    it(`${layout}: random actions keep the point in free cells and observations in the space`, () => {
      for (const obsMode of POINT_MAZE_OBS_MODES) {
        const env = new PointMazeEnv({ layout, obsMode, actionNoise: 0.1 });
        expect(isPlanningEnv(env)).toBe(true);
        const rng = new Rng(1);
        let { obs } = env.reset({ seed: 3 });
        expect(env.observationSpace.contains(obs)).toBe(true);
        for (let t = 0; t < (obsMode === "state" ? 5000 : 500); t++) {
          // Full-size actions half the time, to hit walls and corners hard.
          const a =
            rng.float() < 0.5
              ? act(rng.choice([-1, 1]), rng.choice([-1, 0, 1]))
              : act(rng.uniform(-1, 1), rng.uniform(-1, 1));
          const r = env.step(a);
          obs = r.obs;
          const [x, y] = r.info.state as number[];
          if (!env.walls.isFreeState(x as number, y as number))
            expect.fail(`step ${t}: state [${x}, ${y}] in a wall`);
          if (!env.observationSpace.contains(obs))
            expect.fail(`step ${t}: observation outside ${env.observationSpace}`);
          if (r.terminated) env.reset();
        }
      }
    });
  }

  it("moves by action * maxStep in the open and succeeds within successRadius", () => {
    const env = new PointMazeEnv({ layout: "four-rooms", maxStep: 0.5, successRadius: 0.5 });
    const { obs, info } = env.reset({ seed: 0, options: { start: [1.5, 1.5], goal: [3.5, 1.5] } });
    expect(Array.from(obs)).toEqual([Math.fround(1.5 / 13), Math.fround(1.5 / 13)]);
    expect(info.state).toEqual([1.5, 1.5]);
    let r = env.step(act(1, 0.5));
    expect(r.info).toEqual({ state: [2, 1.75], cost: 0, success: false });
    expect([r.reward, r.terminated, r.truncated]).toEqual([0, false, false]);
    r = env.step(act(1, -0.5));
    expect(r.info.state).toEqual([2.5, 1.5]);
    r = env.step(act(1, 0));
    // Distance exactly 0.5: success (<=), reward 1, terminated.
    expect(r.info).toEqual({ state: [3, 1.5], cost: 0, success: true });
    expect([r.reward, r.terminated]).toEqual([1, true]);
    expect(env.isSuccess([3, 1.5], [3.5, 1.5])).toBe(true);
    expect(env.isSuccess([2.99, 1.5], [3.5, 1.5])).toBe(false);
  });

  it("slides along a wall and stops at its face", () => {
    const env = new PointMazeEnv({ layout: "two-rooms" });
    env.reset({ seed: 0, options: { start: [5.8, 1.5], goal: [1.5, 5.5] } });
    const r = env.step(act(1, 1));
    const [x, y] = r.info.state as [number, number];
    expect(x).toBeLessThan(6);
    expect(x).toBeCloseTo(6, 12);
    expect(y).toBe(2);
  });

  it("costs 1 in a hazard and terminates there with hazardTerminates", () => {
    const map = "#######\n#..H..#\n#######";
    for (const hazardTerminates of [false, true]) {
      const env = new PointMazeEnv({ map, hazardTerminates });
      env.reset({ seed: 0, options: { start: [1.5, 1.5], goal: [5.5, 1.5] } });
      const costs: number[] = [];
      const ends: boolean[] = [];
      for (let t = 0; t < 4; t++) {
        const r = env.step(act(1, 0));
        costs.push(r.info.cost as number);
        ends.push(r.terminated);
      }
      // x: 2, 2.5, 3 (enters H at [3, 4)), 3.5 (stays), so the costs are 0, 0, 1, 1.
      expect(costs).toEqual([0, 0, 1, 1]);
      expect(ends).toEqual(hazardTerminates ? [false, false, true, true] : [false, false, false, false]);
    }
  });

  it("adds seeded Gaussian action noise of the given std", () => {
    const run = (seed: number, noise: number) => {
      const env = new PointMazeEnv({ layout: "two-rooms", actionNoise: noise });
      env.reset({ seed, options: { start: [3.5, 3.5], goal: [11.5, 3.5] } });
      const xs: number[] = [];
      for (let t = 0; t < 20; t++) xs.push(...(env.step(act(0.3, -0.2)).info.state as number[]));
      return xs;
    };
    expect(run(5, 0.05)).toEqual(run(5, 0.05));
    expect(run(5, 0.05)).not.toEqual(run(6, 0.05));
    expect(run(5, 0)).toEqual(run(6, 0));
    // One step from the middle of a room with a zero action: the displacement is the noise itself.
    const env = new PointMazeEnv({ layout: "two-rooms", actionNoise: 0.1 });
    env.reset({ seed: 11 });
    const d: number[] = [];
    for (let k = 0; k < 2000; k++) {
      env.reset({ options: { start: [3.5, 3.5], goal: [11.5, 3.5] } });
      const [x, y] = env.step(act(0, 0)).info.state as [number, number];
      d.push(x - 3.5, y - 3.5);
    }
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeGreaterThan(0.095);
    expect(std).toBeLessThan(0.105);
  });

  it("rejects actions outside the space, naming the value and the bounds", () => {
    const env = new PointMazeEnv({ layout: "two-rooms" });
    expect(() => env.step(act(0, 0))).toThrow(/call reset\(\) before step\(\)/);
    env.reset({ seed: 0 });
    expect(() => env.step(act(1.5, 0))).toThrow(
      "PointMazeEnv.step: action [1.5, 0] is outside the action space Box(-1.0, 1.0, (2,), float32)",
    );
    expect(() => env.step(act(Number.NaN, 0))).toThrow(/action \[NaN, 0\]/);
    expect(() => env.step(Float32Array.of(0, 0, 0))).toThrow(/action \[0, 0, 0\].*2 numbers in \[-1, 1\]/);
    expect(() => env.step(act(-1, 1))).not.toThrow();
  });
});

describe("PointMazeEnv reset", () => {
  it("samples free, non-hazard starts and goals farther than successRadius, in one region, from the seed", () => {
    const map = "#########\n#..H#...#\n#...#...#\n#########";
    const env = new PointMazeEnv({ map, successRadius: 1 });
    const a = env.reset({ seed: 42 });
    const b = new PointMazeEnv({ map, successRadius: 1 }).reset({ seed: 42 });
    expect(b.info).toEqual(a.info);
    const oracle = env.oracle();
    for (let k = 0; k < 200; k++) {
      const { info } = env.reset();
      const s = info.state as number[];
      const g = info.goal as number[];
      for (const p of [s, g]) {
        const r = Math.floor(p[1] as number);
        const c = Math.floor(p[0] as number);
        expect(env.walls.isBlocked(r, c)).toBe(false);
        expect(env.walls.hazard[r * 9 + c]).toBe(0);
      }
      expect(
        Math.hypot((s[0] as number) - (g[0] as number), (s[1] as number) - (g[1] as number)),
      ).toBeGreaterThan(1);
      expect(Number.isFinite(oracle.distance(s, g))).toBe(true);
    }
  });

  it("takes start and goal from the options, and puts goal, goalObs and state in the info", () => {
    for (const obsMode of POINT_MAZE_OBS_MODES) {
      const env = new PointMazeEnv({ layout: "nine-rooms", obsMode });
      const { obs, info } = env.reset({ seed: 0, options: { start: [1.5, 2.5], goal: [17.25, 16.75] } });
      expect(info.state).toEqual([1.5, 2.5]);
      expect(info.goal).toEqual([17.25, 16.75]);
      expect(env.trueState()).toEqual([1.5, 2.5]);
      expect(env.goalState()).toEqual([17.25, 16.75]);
      expect(info.goalObs).toEqual(env.observe([17.25, 16.75]));
      expect(obs).toEqual(env.observe([1.5, 2.5]));
      // Only the goal given: the start is sampled away from it.
      const only = env.reset({ options: { goal: [3.5, 3.5] } });
      expect(only.info.goal).toEqual([3.5, 3.5]);
      expect(env.isSuccess(only.info.state as number[], [3.5, 3.5])).toBe(false);
    }
  });

  it("explains a start in a wall or outside the map, and bad options", () => {
    const env = new PointMazeEnv({ layout: "two-rooms" });
    expect(() => env.reset({ options: { start: [0.5, 0.5] } })).toThrow(
      "PointMazeEnv.reset: options.start = [0.5, 0.5] is in a wall cell (row 0, col 0) of two-rooms; expected a free state [x, y] with x in [0, 13), y in [0, 7) outside '#' and 'D' cells",
    );
    expect(() => env.reset({ options: { goal: [13, 3] } })).toThrow(
      /options.goal = \[13, 3\] is outside the 13 x 7 map/,
    );
    expect(() => env.reset({ options: { goal: [1, "a"] } })).toThrow(
      /options.goal = \[1, a\] is not a point/,
    );
    const door = new PointMazeEnv({ map: "#####\n#.D.#\n#####" });
    expect(() => door.reset({ options: { start: [2.5, 1.5] } })).toThrow(/wall cell \(row 1, col 2\)/);
    expect(() => new PointMazeEnv({ obsMode: "rgb" })).toThrow(
      "PointMazeEnv: obsMode 'rgb' is not supported (expected one of state, pixels)",
    );
    expect(() => new PointMazeEnv({ layout: "six-rooms" })).toThrow(/layout 'six-rooms' is unknown/);
    expect(() => new PointMazeEnv({ maxStep: 0 })).toThrow(
      "PointMazeEnv: maxStep must be a finite number > 0 (got 0)",
    );
    expect(() => new PointMazeEnv({ obsmode: "pixels" })).toThrow(/unknown option 'obsmode'/);
    expect(() => new PointMazeEnv({ map: "#####\n#.#\n#####" })).toThrow(/row 2/);
    // A user can fix each of these: typed, so the command line prints one line and exits 2.
    const bad: Array<[() => unknown, new (...a: never[]) => Error]> = [
      [() => env.reset({ options: { start: [0.5, 0.5] } }), EnvironmentError],
      [() => env.reset({ options: { goal: [13, 3] } }), EnvironmentError],
      [() => env.reset({ options: { goal: [1, "a"] } }), EnvironmentError],
      [() => new PointMazeEnv({ obsMode: "rgb" }), EnvironmentError],
      [() => new PointMazeEnv({ layout: "six-rooms" }), EnvironmentError],
      [() => new PointMazeEnv({ maxStep: 0 }), EnvironmentError],
      [() => new PointMazeEnv({ obsmode: "pixels" }), EnvironmentError],
      [() => new PointMazeEnv({ map: "S", mapFile: "x.map" }), EnvironmentError],
      [() => new PointMazeEnv({ hazardTerminates: "yes" }), EnvironmentError],
      [() => new PointMazeEnv({ map: "#####\n#.#\n#####" }), DataError],
    ];
    for (const [fn, cls] of bad) expect(fn).toThrow(cls);
  });

  it("reads a map file, and a map option overrides the layout", () => {
    const dir = mkdtempSync(join(tmpdir(), "pointmaze-"));
    try {
      const file = join(dir, "room.map");
      writeFileSync(file, "#####\n#S..#\n#..G#\n#####\n");
      const env = new PointMazeEnv({ layout: "nine-rooms", mapFile: file });
      expect([env.map.rows, env.map.cols]).toEqual([4, 5]);
      expect(() => new PointMazeEnv({ mapFile: join(dir, "nope.map") })).toThrow(
        /nope\.map: cannot read the map file \(no such file or folder, ENOENT\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("PointMazeEnv contract", () => {
  for (const obsMode of POINT_MAZE_OBS_MODES) {
    it(`passes gymnasium-js checkEnv (${obsMode}, action noise 0.1)`, () => {
      const make = (renderMode: string | null) =>
        new PointMazeEnv({
          layout: "four-rooms",
          obsMode,
          actionNoise: 0.1,
          renderMode: renderMode as "ansi" | null,
        });
      expect(() => checkEnv(make(null), { createEnv: make })).not.toThrow();
    });
  }
});

describe("PointMazeEnv rendering", () => {
  it("draws rgb_array frames at 16 px per cell and ansi text with the agent and the goal", () => {
    const env = new PointMazeEnv({ layout: "two-rooms", renderMode: "rgb_array" });
    expect(env.metadata.renderModes).toEqual(["rgb_array", "ansi"]);
    env.reset({ seed: 0, options: { start: [1.5, 1.5], goal: [11.5, 5.5] } });
    const frame = env.render() as { width: number; height: number; data: Uint8Array };
    expect([frame.width, frame.height, frame.data.length]).toEqual([208, 112, 208 * 112 * 3]);
    const pixel = (x: number, y: number) =>
      Array.from(frame.data.subarray(3 * (y * 208 + x), 3 * (y * 208 + x) + 3));
    expect(pixel(24, 24)).toEqual([30, 110, 230]);
    expect(pixel(184, 88)).toEqual([40, 170, 60]);
    expect(pixel(2, 2)).toEqual([40, 40, 48]);
    expect(env.stateToPixel([1.5, 1.5])).toEqual([24, 24]);
    // renderMap has the goal but not the agent.
    const map = env.renderMap();
    expect(map.cellPx).toBe(16);
    expect(Array.from(map.data.subarray(3 * (24 * 208 + 24), 3 * (24 * 208 + 24) + 3))).toEqual([
      245, 245, 240,
    ]);
    const text = new PointMazeEnv({ layout: "two-rooms", renderMode: "ansi" });
    text.reset({ seed: 0, options: { start: [1.5, 1.5], goal: [11.5, 5.5] } });
    expect((text.render() as string).split("\n")[1]).toBe("#A....#.....#");
    expect((text.render() as string).split("\n")[5]).toBe("#.....#....G#");
  });
});
