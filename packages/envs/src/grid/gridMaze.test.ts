import { DataError, EnvironmentError } from "@hjepa/errors";
import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { CELL, formatMap } from "../map.ts";
import { PALETTE } from "../render.ts";
import { GridMazeEnv } from "./gridMaze.ts";

const OPEN_3X5 = `
.....
.#...
.....
`;

describe("GridMazeEnv moves", () => {
  it("moves up/right/down/left and stays in place against walls and the map edge", () => {
    const env = new GridMazeEnv({ map: OPEN_3X5 });
    env.reset({ seed: 0, options: { start: [0, 0], goal: [2, 4] } });
    const go = (a: number) => env.step(a).info.state;
    expect(go(0)).toEqual([0, 0]); // off the top edge
    expect(go(3)).toEqual([0, 0]); // off the left edge
    expect(go(1)).toEqual([0, 1]);
    expect(go(2)).toEqual([0, 1]); // wall at [1, 1]
    expect(go(1)).toEqual([0, 2]);
    expect(go(2)).toEqual([1, 2]);
    expect(go(3)).toEqual([1, 2]); // wall at [1, 1] from the right
    expect(go(2)).toEqual([2, 2]);
    expect(Array.from(env.step(1).obs)).toEqual([2, 3]);
    expect(env.trueState()).toEqual([2, 3]);
  });

  it("gives reward 1, success and termination on the goal cell only", () => {
    const env = new GridMazeEnv({ map: "S.G" });
    const { info } = env.reset({ seed: 0 });
    expect(info).toMatchObject({ state: [0, 0], goal: [0, 2], success: false, cost: 0 });
    const first = env.step(1);
    expect([first.reward, first.terminated, first.truncated, first.info.success]).toEqual([
      0,
      false,
      false,
      false,
    ]);
    const second = env.step(1);
    expect([second.reward, second.terminated, second.truncated, second.info.success]).toEqual([
      1,
      true,
      false,
      true,
    ]);
    expect(env.isSuccess([0, 2], [0, 2])).toBe(true);
    expect(env.isSuccess([0, 1], [0, 2])).toBe(false);
  });

  it("rejects actions outside Discrete(4), naming the action and the space", () => {
    const env = new GridMazeEnv({ map: OPEN_3X5 });
    expect(() => env.step(0)).toThrow(/call reset\(\) before step\(\)/);
    env.reset({ seed: 0 });
    for (const bad of [4, -1, 1.5, Number.NaN, "1" as unknown as number]) {
      expect(() => env.step(bad)).toThrow(
        /GridMazeEnv\.step: action .* is not in the action space Discrete\(4\)/,
      );
    }
    expect(() => env.step(4)).toThrow(/action 4 /);
  });

  it("slips to a uniformly random move with probability slip, reproducibly per seed", () => {
    const env = new GridMazeEnv({ map: ".....\n.....\n.....\n.....\n.....", slip: 0.4 });
    const counts = [0, 0, 0, 0];
    const n = 20_000;
    env.reset({ seed: 11, options: { start: [2, 2], goal: [0, 0] } });
    for (let i = 0; i < n; i++) {
      env.reset({ options: { start: [2, 2], goal: [0, 0] } });
      const [r, c] = env.step(1).info.state as number[];
      const move = r === 1 ? 0 : c === 3 ? 1 : r === 3 ? 2 : 3;
      counts[move] = (counts[move] as number) + 1;
    }
    // Intended move: 1 - slip + slip/4 = 0.7; each other move slip/4 = 0.1 (standard error ~0.003).
    expect(Math.abs((counts[1] as number) / n - 0.7)).toBeLessThan(0.015);
    for (const m of [0, 2, 3]) expect(Math.abs((counts[m] as number) / n - 0.1)).toBeLessThan(0.012);
    const run = (seed: number) => {
      env.reset({ seed, options: { start: [2, 2], goal: [0, 0] } });
      return Array.from({ length: 30 }, (_, i) => env.step(i % 4).info.state.join(",")).join(" ");
    };
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
  });

  it("charges cost 1 for each step ending on a hazard and terminates there if hazardTerminates", () => {
    const map = "#####\n#SHG#\n#####";
    const soft = new GridMazeEnv({ map });
    soft.reset({ seed: 0 });
    const a = soft.step(1);
    expect([a.info.cost, a.terminated, a.reward]).toEqual([1, false, 0]);
    const b = soft.step(0); // bumps into the wall, stays on the hazard
    expect([b.info.state, b.info.cost]).toEqual([[1, 2], 1]);
    const c = soft.step(1);
    expect([c.info.cost, c.terminated, c.reward]).toEqual([0, true, 1]);
    const hard = new GridMazeEnv({ map, hazardTerminates: true });
    hard.reset({ seed: 0 });
    const d = hard.step(1);
    expect([d.info.cost, d.terminated, d.info.success, d.reward]).toEqual([1, true, false, 0]);
  });
});

describe("GridMazeEnv reset", () => {
  it("keeps the maze fixed by mazeSeed while reset seeds only sample start and goal", () => {
    const a = new GridMazeEnv({ mazeSeed: 4 });
    const b = new GridMazeEnv({ mazeSeed: 4 });
    expect(formatMap(a.map)).toBe(formatMap(b.map));
    expect(formatMap(new GridMazeEnv({ mazeSeed: 5 }).map)).not.toBe(formatMap(a.map));
    expect([a.map.rows, new GridMazeEnv({ size: 9 }).map.rows]).toEqual([15, 9]);
    const ra = a.reset({ seed: 3 }).info;
    const rb = b.reset({ seed: 3 }).info;
    expect([ra.state, ra.goal]).toEqual([rb.state, rb.goal]);
    expect(a.reset({ seed: 4 }).info.state).not.toEqual(ra.state);
  });

  it("samples distinct, reachable, non-hazard start and goal cells", () => {
    // Two components ({[0,0], [0,1]} and the right part) and a hazard.
    const env = new GridMazeEnv({ map: "..#...\n###.H.\n" });
    const oracle = env.oracle();
    const seen = new Set<string>();
    for (let seed = 0; seed < 300; seed++) {
      const { info } = env.reset({ seed });
      const s = info.state as number[];
      const g = info.goal as number[];
      expect(s).not.toEqual(g);
      for (const [r, c] of [s, g]) expect(env.map.cells[(r as number) * 6 + (c as number)]).toBe(CELL.free);
      expect(oracle.distance(s, g)).toBeLessThan(Infinity);
      seen.add(`${s}`);
    }
    expect(seen.size).toBe(7); // every free non-hazard cell starts some task
  });

  it("uses the map's S and G unless options give start or goal", () => {
    const env = new GridMazeEnv({ map: "S...G\n....." });
    expect(env.reset({ seed: 1 }).info).toMatchObject({ state: [0, 0], goal: [0, 4] });
    expect(env.reset({ seed: 1, options: { start: [1, 1] } }).info).toMatchObject({
      state: [1, 1],
      goal: [0, 4],
    });
    expect(env.reset({ seed: 1, options: { goal: [1, 3] } }).info).toMatchObject({
      state: [0, 0],
      goal: [1, 3],
    });
  });

  it("rejects bad start and goal options with the value and what was expected", () => {
    const env = new GridMazeEnv({ map: "#...\n...." });
    expect(() => env.reset({ options: { start: [0, 0] } })).toThrow(/options\.start \[0, 0\] is a wall cell/);
    expect(() => env.reset({ options: { goal: [2, 0] } })).toThrow(
      /options\.goal \[2, 0\] is not a cell of the 2x4 map/,
    );
    expect(() => env.reset({ options: { start: [1, 1, 0] } })).toThrow(/options\.start must be \[row, col\]/);
    expect(() => env.reset({ options: { goal: "a" } })).toThrow(
      /options\.goal must be \[row, col\] \(got "a"\)/,
    );
    for (const options of [{ start: [0, 0] }, { goal: [2, 0] }, { start: [1, 1, 0] }, { goal: "a" }]) {
      expect(() => env.reset({ options })).toThrow(EnvironmentError);
    }
    // A state from hjepa's own code (not from the user) stays a plain error: it would be a bug.
    expect(() => env.observe([0, 9])).toThrow(RangeError);
    expect(() => env.observe([0, 9])).not.toThrow(EnvironmentError);
  });

  it("samples free states and tasks from the given Rng", () => {
    const env = new GridMazeEnv({ map: "..H\n#..\n" });
    const rng = new Rng(2);
    const cells = new Set<string>();
    for (let i = 0; i < 200; i++) cells.add(`${env.sampleFreeState(rng)}`);
    expect([...cells].sort()).toEqual(["0,0", "0,1", "1,1", "1,2"]);
    const task = env.sampleTask(new Rng(3));
    expect(task.start).not.toEqual(task.goal);
    expect(env.sampleTask(new Rng(3))).toEqual(task);
  });
});

describe("GridMazeEnv options and rendering", () => {
  it("rejects bad options, naming the option and the expected values", () => {
    expect(() => new GridMazeEnv({ obsMode: "rgb" as "coords" })).toThrow(
      /obsMode must be one of coords, onehot, pixels \(got "rgb"\)/,
    );
    expect(() => new GridMazeEnv({ slip: 1.5 })).toThrow(
      /slip must be a probability in \[0, 1\] \(got 1.5\)/,
    );
    expect(() => new GridMazeEnv({ renderMode: "human" as "ansi" })).toThrow(
      /renderMode must be one of rgb_array, ansi/,
    );
    expect(() => new GridMazeEnv({ sizee: 9 } as object)).toThrow(/unknown option "sizee"/);
    expect(() => new GridMazeEnv({ map: "S.K.G" })).toThrow(/key 'K' at row 1, column 3.*KeyDoorEnv/);
    expect(() => new GridMazeEnv({ map: "S#G" })).toThrow(/needs two connected free cells/);
    expect(() => new GridMazeEnv({ map: "..", mapFile: "x.txt" })).toThrow(/either map .* or mapFile/);
    const options = [
      { obsMode: "rgb" },
      { slip: 1.5 },
      { renderMode: "human" },
      { sizee: 9 },
      { map: "..", mapFile: "x" },
    ];
    for (const o of options) expect(() => new GridMazeEnv(o as object)).toThrow(EnvironmentError);
    for (const map of ["S.K.G", "S#G"]) expect(() => new GridMazeEnv({ map })).toThrow(DataError);
  });

  it("renders rgb_array frames with the map, the goal marker and the agent", () => {
    const env = new GridMazeEnv({ map: "#####\n#S.G#\n#####", renderMode: "rgb_array", renderCellPx: 10 });
    expect(env.metadata.renderModes).toEqual(["rgb_array", "ansi"]);
    env.reset({ seed: 0 });
    const frame = env.render() as { width: number; height: number; data: Uint8Array };
    expect([frame.width, frame.height, frame.data.length]).toEqual([50, 30, 50 * 30 * 3]);
    const px = (x: number, y: number) => Array.from(frame.data.slice(3 * (y * 50 + x), 3 * (y * 50 + x) + 3));
    expect(px(15, 15)).toEqual([...PALETTE.agent]); // agent at [1, 1]
    expect(px(35, 15)).toEqual([...PALETTE.goal]); // goal at [1, 3]
    expect(px(5, 5)).toEqual([...PALETTE.wall]);
    expect(px(25, 15)).toEqual([...PALETTE.free]);
    expect(env.stateToPixel([1, 3])).toEqual([35, 15]);
    const picture = env.renderMap();
    expect([picture.cellPx, picture.width]).toEqual([10, 50]);
    expect(Array.from(picture.data.slice(3 * (15 * 50 + 15), 3 * (15 * 50 + 15) + 3))).toEqual([
      ...PALETTE.free,
    ]);
  });

  it("renders ansi text with A for the agent and G for the goal, and null without a render mode", () => {
    const env = new GridMazeEnv({ map: "S.H\n..G", renderMode: "ansi" });
    env.reset({ seed: 0 });
    expect(env.render()).toBe("A.H\n..G\n");
    env.step(2);
    expect(env.render()).toBe("..H\nA.G\n");
    const quiet = new GridMazeEnv({ map: "S.G" });
    quiet.reset({ seed: 0 });
    expect(quiet.render()).toBeNull();
    quiet.close();
    expect(() => quiet.close()).not.toThrow();
  });
});
