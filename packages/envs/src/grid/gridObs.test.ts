import { EnvironmentError } from "@hjepa/errors";
import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { parseMap } from "../map.ts";
import type { GridEnv } from "./gridCore.ts";
import { GRID_MAZE_OBS_MODES, GridMazeEnv } from "./gridMaze.ts";
import { GRID_OBS_MODES, GridObsEncoder, type GridObsMode } from "./gridObs.ts";
import { KEY_DOOR_OBS_MODES, KeyDoorEnv } from "./keyDoor.ts";

const makers: [string, (obsMode: GridObsMode) => GridEnv][] = [
  ["GridMazeEnv", (obsMode) => new GridMazeEnv({ obsMode, map: "S..H\n.#..\n...G" })],
  ["GridMazeEnv generated", (obsMode) => new GridMazeEnv({ obsMode })],
  ["KeyDoorEnv", (obsMode) => new KeyDoorEnv({ obsMode })],
];

/** Element-wise equality of two typed arrays (much faster than toEqual on large images). */
const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

describe("grid observations", () => {
  it("exports the three modes for both envs", () => {
    expect([...GRID_MAZE_OBS_MODES]).toEqual(["coords", "onehot", "pixels"]);
    expect([...KEY_DOOR_OBS_MODES]).toEqual([...GRID_OBS_MODES]);
  });

  for (const [name, make] of makers) {
    for (const mode of GRID_OBS_MODES) {
      it(`${name} ${mode}: every observation is in the observation space and goalObs = observe(goal)`, () => {
        const env = make(mode);
        const rng = new Rng(1);
        const { obs, info } = env.reset({ seed: 2 });
        expect(env.observationSpace.contains(obs)).toBe(true);
        expect(same(info.goalObs as ArrayLike<number>, env.observe(env.goalState()))).toBe(true);
        expect(env.observationSpace.contains(info.goalObs)).toBe(true);
        for (let t = 0; t < 200; t++) {
          const step = env.step(rng.int(4));
          expect(env.observationSpace.contains(step.obs)).toBe(true);
          expect(same(step.obs, env.observe(step.info.state as number[]))).toBe(true);
          if (step.terminated) env.reset();
        }
      });
    }
  }

  it("encodes coords and onehot as numbers at the agent's cell (+ hasKey)", () => {
    const maze = new GridMazeEnv({ obsMode: "onehot", map: "S..\n..G" });
    const onehot = maze.observe([1, 2]);
    expect([onehot.length, onehot.indexOf(1), Array.from(onehot).reduce((a, b) => a + b, 0)]).toEqual([
      6, 5, 1,
    ]);
    const kd = new KeyDoorEnv({ obsMode: "onehot" });
    const o = kd.observe([2, 3, 1]);
    expect([o.length, o.indexOf(1), o[8 * 13]]).toEqual([8 * 13 + 1, 2 * 13 + 3, 1]);
    expect(Array.from(new KeyDoorEnv().observe([2, 3, 0]))).toEqual([2, 3, 0]);
  });

  it("returns fresh arrays: changing one observation does not change the next", () => {
    const env = new GridMazeEnv({ obsMode: "pixels", map: "S..\n..G" });
    const first = env.reset({ seed: 0 }).obs;
    first.fill(7);
    expect(env.observe([0, 0])).not.toContain(7);
  });
});

describe("pixel observations", () => {
  it("defaults to the largest integer scale within 64 px, channels last", () => {
    expect(new GridMazeEnv({ obsMode: "pixels" }).observationSpace.shape).toEqual([60, 60, 3]);
    expect(new KeyDoorEnv({ obsMode: "pixels" }).observationSpace.shape).toEqual([32, 52, 5]);
    expect(new GridMazeEnv({ obsMode: "pixels", pixelScale: 2, size: 9 }).observationSpace.shape).toEqual([
      18, 18, 3,
    ]);
    expect(() => new GridMazeEnv({ obsMode: "pixels", pixelScale: 0 })).toThrow(EnvironmentError);
    expect(() => new GridMazeEnv({ obsMode: "pixels", pixelScale: 0 })).toThrow(
      /pixelScale must be a positive integer \(got 0\)/,
    );
  });

  it("lights the agent, wall and hazard channels on exactly their cells", () => {
    const map = parseMap("#.H\n...");
    const enc = new GridObsEncoder(map, { mode: "pixels", withKey: false, pixelScale: 2 });
    expect(enc.channels).toEqual(["agent", "wall", "hazard"]);
    const img = enc.encode(1, 1, 0);
    // Per channel, the cells whose 2x2 block is fully 255 (the rest must be 0).
    const lit = (ch: number) => {
      const cells: string[] = [];
      let total = 0;
      for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) total += img[(y * 6 + x) * 3 + ch] as number;
      for (let r = 0; r < 2; r++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let dy = 0; dy < 2; dy++)
            for (let dx = 0; dx < 2; dx++) sum += img[((2 * r + dy) * 6 + 2 * c + dx) * 3 + ch] as number;
          if (sum === 4 * 255) cells.push(`${r},${c}`);
        }
      }
      expect(total).toBe(cells.length * 4 * 255);
      return cells;
    };
    expect([lit(0), lit(1), lit(2)]).toEqual([["1,1"], ["0,0"], ["0,2"]]);
  });

  it("shows the key until it is held and the door always (KeyDoor channels)", () => {
    const env = new KeyDoorEnv({ obsMode: "pixels", pixelScale: 1 });
    const channel = (img: Uint8Array, ch: number) => {
      const on: number[] = [];
      for (let i = 0; i < 8 * 13; i++) if (img[i * 5 + ch] === 255) on.push(i);
      return on;
    };
    const without = env.observe([1, 2, 0]) as Uint8Array;
    const holding = env.observe([1, 2, 1]) as Uint8Array;
    expect([channel(without, 3), channel(without, 4)]).toEqual([[1 * 13 + 1], [4 * 13 + 7]]);
    expect([channel(holding, 3), channel(holding, 4)]).toEqual([[], [4 * 13 + 7]]);
    expect(channel(holding, 0)).toEqual([1 * 13 + 2]);
  });
});
