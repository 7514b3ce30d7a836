import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { GridMazeEnv } from "../grid/gridMaze.ts";
import { roomOf } from "../map.ts";
import { PointMazeEnv } from "../pointMaze/pointMaze.ts";
import type { DataPolicy, PlanningEnv } from "../types.ts";
import { dataPolicy } from "./policies.ts";
import { traversePolicy } from "./traverse.ts";

/** States and actions of `episodes` episodes of `steps` steps (goals ignored), driven as `collect` does. */
function rollout(env: PlanningEnv, policy: DataPolicy, seed: number, episodes: number, steps: number) {
  const root = new Rng(seed);
  const rng = root.spawn();
  const states: number[][][] = [];
  const actions: unknown[] = [];
  for (let e = 0; e < episodes; e++) {
    policy.beginEpisode(env, rng, { episodeIndex: e, steps });
    env.reset({ seed: root.nextSeed() });
    const ep = [env.trueState()];
    for (let t = 0; t < steps; t++) {
      const a = policy.act(env, rng);
      actions.push(a);
      env.step(a);
      ep.push(env.trueState());
    }
    states.push(ep);
  }
  return { states, actions };
}

/** Fraction of `w`-step windows (both ends inside rooms, not doors) whose ends lie in different rooms. */
function roomCrossing(episodes: number[][][], w: number): number {
  let crossed = 0;
  let counted = 0;
  for (const ep of episodes) {
    for (let t = 0; t + w < ep.length; t++) {
      const [ax, ay] = ep[t] as number[];
      const [bx, by] = ep[t + w] as number[];
      const a = roomOf([Math.floor(ay as number), Math.floor(ax as number)]);
      const b = roomOf([Math.floor(by as number), Math.floor(bx as number)]);
      if (a === null || b === null) continue;
      counted++;
      if (a[0] !== b[0] || a[1] !== b[1]) crossed++;
    }
  }
  return crossed / counted;
}

/** A NineRooms env whose oracle throws, so a policy that asked for a shortest path would fail the test. */
function nineRooms(): PlanningEnv {
  const env = new PointMazeEnv({ layout: "nine-rooms" });
  env.oracle = () => {
    throw new Error("a data policy must not use the oracle");
  };
  return env as unknown as PlanningEnv;
}

describe("traversePolicy", () => {
  it("is reproduced exactly by its seed and keeps actions in the Box", () => {
    const a = rollout(nineRooms(), traversePolicy(), 7, 3, 200).actions as Float32Array[];
    const b = rollout(nineRooms(), traversePolicy(), 7, 3, 200).actions as Float32Array[];
    const c = rollout(nineRooms(), traversePolicy(), 8, 3, 200).actions as Float32Array[];
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    for (const act of a) {
      expect(Math.max(Math.abs(act[0] as number), Math.abs(act[1] as number))).toBeLessThanOrEqual(1);
      // Every stretch is cruised at a speed in [cruiseMinSpeed = 0.6, 1].
      expect(Math.hypot(act[0] as number, act[1] as number)).toBeGreaterThanOrEqual(0.6 - 1e-6);
    }
  });

  it("crosses rooms of NineRooms far more often than momentum, without the oracle", () => {
    // 100 episodes of 200 steps each (the registered time limit); goals ignored.
    const traverse = rollout(nineRooms(), dataPolicy("traverse", nineRooms()), 1, 100, 200).states;
    const momentum = rollout(nineRooms(), dataPolicy("momentum", nineRooms()), 1, 100, 200).states;
    const t64 = roomCrossing(traverse, 64);
    const m64 = roomCrossing(momentum, 64);
    const t128 = roomCrossing(traverse, 128);
    const m128 = roomCrossing(momentum, 128);
    // Measured with this seed: 64 steps 0.71 vs 0.39, 128 steps 0.92 vs 0.64.
    expect(t64).toBeGreaterThan(1.5 * m64);
    expect(t128).toBeGreaterThan(m128 + 0.2);
    expect(t128).toBeGreaterThan(0.85);
  });

  it("turns away from every blocked move in a grid maze (never stuck for more than 3 steps)", () => {
    const env = new GridMazeEnv({ size: 15 }) as unknown as PlanningEnv;
    const { states, actions } = rollout(env, traversePolicy(), 2, 20, 200);
    for (const a of actions) expect([0, 1, 2, 3]).toContain(a);
    let longestStill = 0;
    for (const ep of states) {
      let still = 0;
      for (let t = 1; t < ep.length; t++) {
        still = (ep[t] as number[]).every((v, i) => v === (ep[t - 1] as number[])[i]) ? still + 1 : 0;
        longestStill = Math.max(longestStill, still);
      }
    }
    // Four moves: once three were blocked at a cell, the fourth is open (a maze cell is never enclosed).
    expect(longestStill).toBeLessThanOrEqual(3);
    const far = (eps: number[][][]) =>
      eps.reduce((s, ep) => s + Math.hypot(ep[0]![0]! - ep[64]![0]!, ep[0]![1]! - ep[64]![1]!), 0) /
      eps.length;
    const momentum = rollout(env, dataPolicy("momentum", env), 2, 20, 200).states;
    // Measured here: 7.7 vs 5.6 cells (9.6 vs 4.4 over all 64-step windows of 200 episodes).
    expect(far(states)).toBeGreaterThan(far(momentum));
  });

  it("rejects bad options with the option's name", () => {
    expect(() => traversePolicy({ turnCandidates: 0 })).toThrow(
      "data policy 'traverse': turnCandidates must be an integer >= 1 (got 0)",
    );
    expect(() => traversePolicy({ blockedFraction: 1 })).toThrow(/blockedFraction must be in \[0, 1\)/);
  });
});
