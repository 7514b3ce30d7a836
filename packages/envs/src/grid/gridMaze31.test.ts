import { resolve } from "node:path";
import { checkEnv, make, Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { formatMap } from "../map.ts";
import { HJEPA_ENVS, registerHjepaEnvs } from "../register.ts";
import { loadTaskSet } from "../tasks.ts";
import { GRID_MAZE_OBS_MODES, GridMazeEnv } from "./gridMaze.ts";

registerHjepaEnvs();

const ID = "hjepa/GridMaze31-v0";
const TASKS = resolve(import.meta.dirname, "../../../../configs/tasks/grid-maze-31.json");
const MOVES = [
  [-1, 0],
  [0, 1],
  [1, 0],
  [0, -1],
] as const;

/** Moves from every free cell, from the map's characters alone: a brute force independent of GridOracle. */
function bfs(lines: readonly string[], [r0, c0]: readonly number[]): number[][] {
  const dist = lines.map((l) => Array.from(l, () => -1));
  (dist[r0 as number] as number[])[c0 as number] = 0;
  const queue = [[r0 as number, c0 as number]];
  for (let k = 0; k < queue.length; k++) {
    const [r, c] = queue[k] as [number, number];
    for (const [dr, dc] of MOVES) {
      const ch = lines[r + dr]?.[c + dc];
      const row = dist[r + dr];
      if (ch === undefined || ch === "#" || row === undefined || row[c + dc] !== -1) continue;
      row[c + dc] = (dist[r]?.[c] as number) + 1;
      queue.push([r + dr, c + dc]);
    }
  }
  return dist;
}

const freeCells = (lines: readonly string[]) =>
  lines.flatMap((l, r) => Array.from(l).flatMap((ch, c) => (ch === "#" ? [] : [[r, c]])));

describe("GridMaze31-v0", () => {
  const env = new GridMazeEnv({ size: 31 });
  const lines = formatMap(env.map).trim().split("\n");

  it("is the 31x31 GridMaze, registered with its size as a default that given kwargs override", () => {
    const made = make(ID);
    expect(made.spec?.kwargs).toEqual({ size: 31 });
    const core = made.unwrapped as GridMazeEnv;
    // mazeSeed 0 and loops 0.1 are GridMaze's defaults: the same maze as size 31 alone.
    expect(formatMap(core.map)).toBe(formatMap(env.map));
    expect([core.map.rows, core.map.cols]).toEqual([31, 31]);
    made.close();
    const small = make(ID, { kwargs: { size: 9 } });
    expect((small.unwrapped as GridMazeEnv).map.rows).toBe(9);
    small.close();
    const entry = HJEPA_ENVS.find((e) => e.id === ID);
    expect(entry?.obsModes).toEqual(GRID_MAZE_OBS_MODES);
    expect(entry?.description).toMatch(/31x31/);
  });

  for (const obsMode of GRID_MAZE_OBS_MODES) {
    it(`passes checkEnv (${obsMode})`, () => {
      const made = make(ID, { kwargs: { obsMode }, disableEnvChecker: true });
      expect(() => checkEnv(made.unwrapped)).not.toThrow();
      made.close();
    });
  }

  it("observes one-hot vectors of 961 and 62x62x3 pixels (2 px per cell)", () => {
    const shape = (obsMode: string) => {
      const made = make(ID, { kwargs: { obsMode } });
      const s = made.observationSpace.shape;
      made.close();
      return s;
    };
    expect([shape("coords"), shape("onehot"), shape("pixels")]).toEqual([[2], [961], [62, 62, 3]]);
  });

  it("resets deterministically per seed: the same start, goal and trajectory", () => {
    const run = (seed: number) => {
      const made = make(ID);
      const { info } = made.reset({ seed });
      const states = [info.state, info.goal];
      for (let t = 0; t < 30; t++) states.push(made.step((t * 7) % 4).info.state as number[]);
      made.close();
      return states;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5).slice(0, 2)).not.toEqual(run(6).slice(0, 2));
  });

  it("gives optimal paths of legal moves, as a brute-force BFS measures them, that the env follows", () => {
    const oracle = env.oracle();
    const rng = new Rng(8);
    for (let k = 0; k < 20; k++) {
      const { start, goal } = env.sampleTask(rng);
      const d = oracle.distance(start, goal);
      expect(d).toBe(bfs(lines, start)[goal[0] as number]?.[goal[1] as number]);
      const path = oracle.path(start, goal) as number[][];
      expect(path).toHaveLength(d + 1);
      env.reset({ options: { start, goal } });
      for (let i = 1; i < path.length; i++) {
        const [r, c] = path[i - 1] as [number, number];
        const [nr, nc] = path[i] as [number, number];
        const move = MOVES.findIndex(([dr, dc]) => r + dr === nr && c + dc === nc);
        expect(move).toBeGreaterThanOrEqual(0);
        const step = env.step(move);
        expect(step.info.state).toEqual([nr, nc]);
        expect(step.terminated).toBe(i === path.length - 1);
      }
    }
  });

  it("has a longest shortest path of 94 moves, within the registered time limit 4x over", () => {
    const oracle = env.oracle();
    const free = freeCells(lines);
    let longest = 0;
    let pair: number[][] = [];
    for (const a of free) {
      const dist = bfs(lines, a);
      for (const b of free) {
        const d = dist[b[0] as number]?.[b[1] as number] as number;
        if (d > longest) [longest, pair] = [d, [a, b]];
      }
    }
    expect(longest).toBeGreaterThanOrEqual(84);
    expect(longest).toBeLessThanOrEqual(100);
    expect(longest).toBe(94); // mazeSeed 0: the maze of the saved task set
    expect(oracle.distance(pair[0] as number[], pair[1] as number[])).toBe(longest);
    const made = make(ID);
    expect(made.spec?.maxEpisodeSteps).toBeGreaterThanOrEqual(4 * longest);
    made.close();
  });

  it("agrees with the saved task set configs/tasks/grid-maze-31.json", () => {
    const set = loadTaskSet(TASKS, { envId: ID, stateSize: 2 });
    expect(set.kwargs).toEqual({ size: 31 });
    expect(set.bins.map((b) => b.name)).toEqual(["near", "mid", "far"]);
    for (const bin of set.bins) expect(set.tasks.filter((t) => t.bin === bin.name)).toHaveLength(34);
    const oracle = env.oracle();
    for (const t of set.tasks) expect(oracle.distance(t.start, t.goal)).toBe(t.distance);
    const far = set.tasks.filter((t) => t.bin === "far").map((t) => t.distance);
    expect(Math.min(...far)).toBeGreaterThanOrEqual(57);
  });
});
