import { EnvironmentError } from "@hjepa/errors";
import { Rng, type StepResult } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import type { GridObs } from "./gridObs.ts";
import { MOVE_DC, MOVE_DR } from "./gridOracle.ts";
import { KEY_DOOR_MAP, KeyDoorEnv } from "./keyDoor.ts";

// KEY_DOOR_MAP: S [5, 6], K [1, 1], D [4, 7], G [3, 10].

describe("KeyDoorEnv mechanics", () => {
  it("blocks the door without the key and lets the agent through with it", () => {
    const env = new KeyDoorEnv();
    env.reset({ seed: 0, options: { start: [4, 6, 0] } });
    expect(env.step(1).info.state).toEqual([4, 6, 0]);
    env.reset({ seed: 0, options: { start: [4, 6, 1] } });
    expect(env.step(1).info.state).toEqual([4, 7, 1]);
    expect(env.step(1).info.state).toEqual([4, 8, 1]);
    expect(() => env.reset({ options: { start: [4, 7, 0] } })).toThrow(EnvironmentError);
    expect(() => env.reset({ options: { start: [4, 7, 0] } })).toThrow(
      /options\.start \[4, 7\] is a locked door/,
    );
  });

  it("picks the key up on entering its cell and keeps it for the episode", () => {
    const env = new KeyDoorEnv({ renderMode: "ansi" });
    env.reset({ seed: 0, options: { start: [1, 2] } });
    expect(env.trueState()).toEqual([1, 2, 0]);
    expect((env.render() as string).split("\n")[1]).toBe("#KA....#....#");
    expect(env.step(3).info.state).toEqual([1, 1, 1]);
    expect(env.step(1).info.state).toEqual([1, 2, 1]);
    expect((env.render() as string).split("\n")[1]).toBe("#.A....#....#");
    // A new episode puts the key back.
    expect(env.reset({ options: { start: [1, 2] } }).info.state).toEqual([1, 2, 0]);
    // Starting on the key means holding it.
    expect(env.reset({ options: { start: [1, 1, 0] } }).info.state).toEqual([1, 1, 1]);
  });

  it("uses the map's S and G by default, with the goal's hasKey = 1", () => {
    const env = new KeyDoorEnv();
    const { obs, info } = env.reset({ seed: 0 });
    expect([Array.from(obs), info.state, info.goal]).toEqual([
      [5, 6, 0],
      [5, 6, 0],
      [3, 10, 1],
    ]);
    expect(Array.from(info.goalObs as Float32Array)).toEqual([3, 10, 1]);
    expect(env.goalState()).toEqual([3, 10, 1]);
    expect(env.isSuccess([3, 10, 0], [3, 10, 1])).toBe(true);
  });

  it("rejects maps without exactly one key and one door", () => {
    expect(() => new KeyDoorEnv({ map: "S..G" })).toThrow(
      /map option has 0 key cell\(s\) 'K' and 0 door cell\(s\) 'D'; expected exactly one/,
    );
    expect(() => new KeyDoorEnv({ map: "SK.G" })).toThrow(/1 key cell\(s\) 'K' and 0 door/);
    expect(() => new KeyDoorEnv({ map: "SKDDG" })).toThrow(/more than one 'D'/);
    expect(() => new KeyDoorEnv({ map: "SKDG", size: 9 } as object)).toThrow(/unknown option "size"/);
  });
});

describe("KeyDoorEnv oracle", () => {
  it("routes the shortest path away from the goal to the key first: 9 + 9 + 4 = 22 moves", () => {
    const env = new KeyDoorEnv();
    env.reset({ seed: 0 });
    const oracle = env.oracle();
    const path = oracle.path(env.trueState(), env.goalState()) as number[][];
    // By hand: S [5,6] -> K [1,1] is 4 + 5, K -> D [4,7] is 3 + 6, D -> G [3,10] is 1 + 3.
    expect(path.length - 1).toBe(22);
    expect(oracle.distance(env.trueState(), env.goalState())).toBe(22);
    const keyAt = path.findIndex((s) => s[0] === 1 && s[1] === 1);
    const doorAt = path.findIndex((s) => s[0] === 4 && s[1] === 7);
    expect([keyAt, doorAt]).toEqual([9, 18]);
    const manhattan = (s: number[]) => Math.abs((s[0] as number) - 3) + Math.abs((s[1] as number) - 10);
    expect(manhattan(path[0] as number[])).toBe(6);
    expect(Math.max(...path.map(manhattan))).toBe(11); // at the key, farther than at the start
    // With the key already held the door is open: 2 moves to the door, 4 more to the goal.
    expect(oracle.distance([5, 6, 1], [3, 10])).toBe(6);
  });

  it("follows the oracle path to the goal in the env, while a greedy policy never gets there", () => {
    const env = new KeyDoorEnv();
    env.reset({ seed: 0 });
    const path = env.oracle().path(env.trueState(), env.goalState()) as number[][];
    let last: StepResult<GridObs> | null = null;
    for (let i = 1; i < path.length; i++) {
      const [r, c] = env.trueState() as [number, number];
      const [nr, nc] = path[i] as [number, number];
      const a = [0, 1, 2, 3].find((m) => r + MOVE_DR[m] === nr && c + MOVE_DC[m] === nc) as number;
      last = env.step(a);
      expect(last.info.state).toEqual(path[i]);
    }
    expect([last?.reward, last?.terminated]).toEqual([1, true]);

    env.reset({ seed: 0 });
    let reached = false;
    for (let t = 0; t < 200 && !reached; t++) {
      const [r, c] = env.trueState() as [number, number];
      // Greedy: the first move that shrinks the Manhattan distance to the goal, else stay put by pushing up.
      const a = [0, 1, 2, 3].find(
        (m) =>
          Math.abs(r + MOVE_DR[m] - 3) + Math.abs(c + MOVE_DC[m] - 10) < Math.abs(r - 3) + Math.abs(c - 10),
      );
      reached = env.step(a ?? 0).terminated;
    }
    expect(reached).toBe(false);
  });
});

describe("KeyDoorEnv sampling", () => {
  it("samples tasks that start on the key side without the key and end behind the door", () => {
    const env = new KeyDoorEnv();
    const rng = new Rng(1);
    const oracle = env.oracle();
    for (let i = 0; i < 200; i++) {
      const { start, goal } = env.sampleTask(rng);
      expect(start[2]).toBe(0);
      expect(goal[2]).toBe(1);
      expect(env.keySide[(start[0] as number) * 13 + (start[1] as number)]).toBe(1);
      expect(start[1]).toBeLessThan(7);
      expect(goal[1]).toBeGreaterThan(7);
      // Every such task needs the key: the path visits it.
      const path = oracle.path(start, goal) as number[][];
      expect(path.some((s) => s[0] === 1 && s[1] === 1)).toBe(true);
    }
  });

  it("samples start and goal the same way on reset when the map has no S or G", () => {
    const env = new KeyDoorEnv({ map: KEY_DOOR_MAP.replace("S", ".").replace("G", ".") });
    for (let seed = 0; seed < 50; seed++) {
      const { info } = env.reset({ seed });
      const s = info.state as number[];
      const g = info.goal as number[];
      expect(s[1]).toBeLessThan(7);
      expect(s[2]).toBe(0);
      expect(g[1]).toBeGreaterThan(7);
    }
    expect(env.reset({ seed: 9 }).info.goal).toEqual(env.reset({ seed: 9 }).info.goal);
  });

  it("falls back to any other free cell when the door separates nothing", () => {
    const env = new KeyDoorEnv({ map: "K...\n.D..\n...." });
    for (let seed = 0; seed < 30; seed++) {
      const { info } = env.reset({ seed });
      expect(info.state).not.toEqual(info.goal);
    }
  });

  it("samples free states with hasKey = 1 behind the door and random hasKey on the key side", () => {
    const env = new KeyDoorEnv();
    const rng = new Rng(4);
    let withKeyOnKeySide = 0;
    for (let i = 0; i < 1000; i++) {
      const [, c, k] = env.sampleFreeState(rng) as [number, number, number];
      if (c > 7) expect(k).toBe(1);
      else withKeyOnKeySide += k;
    }
    // 35 of the 59 free cells are on the key side, each with hasKey 1 half of the time.
    expect(withKeyOnKeySide / 1000).toBeGreaterThan(0.25);
    expect(withKeyOnKeySide / 1000).toBeLessThan(0.35);
  });
});
