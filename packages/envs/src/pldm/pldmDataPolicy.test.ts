import { InputError } from "@hjepa/errors";
import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { PLDMDataPolicy, pldmWalk } from "./pldmDataPolicy.ts";
import { isInWall } from "./pldmGeometry.ts";
import { PLDMTwoRoomsEnv } from "./pldmTwoRooms.ts";

const env = new PLDMTwoRoomsEnv({ obsMode: "state", dynamics: "data" });
const ctx = (episodeIndex: number) => ({ episodeIndex, steps: 90 });

describe("PLDM data policy", () => {
  it("walks with step lengths in [0.2, 1.8] (mean 1) and von Mises(0, 5) heading changes", () => {
    const rng = new Rng(0);
    const lengths: number[] = [];
    let cosTurn = 0;
    let turns = 0;
    for (let e = 0; e < 50; e++) {
      const walk = pldmWalk(rng, rng.uniform(0, 2 * Math.PI), 90);
      expect(walk.length).toBe(90);
      let prev: number | null = null;
      for (const a of walk) {
        lengths.push(Math.hypot(a[0] as number, a[1] as number));
        const heading = Math.atan2(a[1] as number, a[0] as number);
        if (prev !== null) {
          cosTurn += Math.cos(heading - prev);
          turns++;
        }
        prev = heading;
      }
    }
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(0.2 - 1e-6);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(1.8 + 1e-6);
    expect(lengths.reduce((p, q) => p + q, 0) / lengths.length).toBeCloseTo(1, 1);
    // E[cos] of VonMises(0, 5) = I1(5) / I0(5) = 0.8934.
    expect(cosTurn / turns).toBeCloseTo(0.8934, 2);
  });

  it("makes the first ceil(1024 * crossWallRate) episodes of each block of 1024 door crossers", () => {
    const policy = new PLDMDataPolicy();
    expect(policy.crossersPerBatch).toBe(615);
    const rng = new Rng(1);
    const crosser = (i: number) => {
      policy.beginEpisode(env, rng, ctx(i));
      return policy.crosser;
    };
    expect([0, 614, 615, 1023, 1024, 1638, 1639].map(crosser)).toEqual([
      true,
      true,
      false,
      false,
      true,
      true,
      false,
    ]);
    expect(new PLDMDataPolicy({ crossWallRate: 0.08 }).crossersPerBatch).toBe(82);
  });

  it("starts random walkers uniformly outside the wall and crossers at door point minus the actions before it", () => {
    const policy = new PLDMDataPolicy({ crossWallRate: 0.5 });
    const rng = new Rng(2);
    let reversed = 0;
    let crossers = 0;
    for (let i = 0; i < 1024; i++) {
      const opts = policy.beginEpisode(env, rng, ctx(i));
      const [x, y] = opts.start as [number, number];
      expect(policy.actions.length).toBe(90);
      if (!policy.crosser) {
        expect(isInWall(env.geometry, x, y)).toBe(false);
        expect(policy.door).toBeNull();
        continue;
      }
      crossers++;
      const door = policy.door!;
      expect(x).toBeGreaterThanOrEqual(4.01);
      expect(x).toBeLessThanOrEqual(59.99);
      expect(door.point[0]).toBeGreaterThanOrEqual(31);
      expect(door.point[0]).toBeLessThanOrEqual(33);
      expect(door.point[1]).toBeGreaterThanOrEqual(6);
      expect(door.point[1]).toBeLessThanOrEqual(14);
      if (door.reversed) reversed++;
      // Unclamped starts reach the door point after `step` actions (in free space).
      let [px, py] = [x, y];
      for (let t = 0; t < door.step; t++) {
        px += policy.actions[t]?.[0] as number;
        py += policy.actions[t]?.[1] as number;
      }
      if (x > 4.01 && x < 59.99 && y > 4.01 && y < 59.99) {
        expect(px).toBeCloseTo(door.point[0], 3);
        expect(py).toBeCloseTo(door.point[1], 3);
      }
      // The actions on both sides of the door head within 45 degrees of +x (of -x when time-reversed).
      for (const t of [door.step - 1, door.step]) {
        const a = policy.actions[t];
        if (a === undefined) continue;
        const dir = door.reversed ? -1 : 1;
        expect(dir * (a[0] as number)).toBeGreaterThanOrEqual(
          Math.SQRT1_2 * Math.hypot(a[0] as number, a[1] as number) - 1e-6,
        );
      }
    }
    expect(crossers).toBe(512);
    expect(reversed / crossers).toBeGreaterThan(0.43);
    expect(reversed / crossers).toBeLessThan(0.57);
  });

  it("crossers cross the wall when simulated with data dynamics (min x < 31 and max x > 33)", () => {
    const policy = new PLDMDataPolicy();
    const rng = new Rng(3);
    const crossed = { crosser: [0, 0], other: [0, 0] };
    for (let i = 0; i < 600; i++) {
      // Episodes 0..299 are crossers, 700..999 are not.
      const index = i < 300 ? i : 400 + i;
      const opts = policy.beginEpisode(env, rng, ctx(index));
      env.reset({ options: { ...opts, goal: [50, 50] } });
      let [minX, maxX] = [env.trueState()[0] as number, env.trueState()[0] as number];
      for (let t = 0; t < 90; t++) {
        const x = (env.step(policy.act()).info.state as number[])[0] as number;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
      }
      const bucket = policy.crosser ? crossed.crosser : crossed.other;
      bucket[0]++;
      if (minX < 31 && maxX > 33) bucket[1]++;
    }
    const rate = (b: number[]) => (b[1] as number) / (b[0] as number);
    // Measured: about 0.53 of crossers and 0.07 of the others cross (blocked steps and clamped starts
    // stop the rest).
    expect(rate(crossed.crosser)).toBeGreaterThan(0.42);
    expect(rate(crossed.other)).toBeLessThan(0.15);
  });

  it("is reproducible from the rng and refuses more steps than the episode has", () => {
    const draw = () => {
      const p = new PLDMDataPolicy();
      const opts = p.beginEpisode(env, new Rng(4), ctx(7));
      return [opts.start, p.actions.map((a) => Array.from(a))];
    };
    expect(draw()).toEqual(draw());
    const p = new PLDMDataPolicy({ episodeLength: 3 });
    p.beginEpisode(env, new Rng(5), { episodeIndex: 0, steps: 2 });
    p.act();
    p.act();
    expect(() => p.act()).toThrow(/2 actions are used up/);
    expect(() => p.beginEpisode(env, new Rng(5), { episodeIndex: 0, steps: 3 })).toThrow(
      /asks for 3 steps but episodeLength 3 gives 2 actions/,
    );
    expect(() => new PLDMDataPolicy({ crossWallRate: 2 })).toThrow(InputError);
    expect(() => new PLDMDataPolicy({ crossWallRate: 2 })).toThrow(
      /crossWallRate must be in \[0, 1\] \(got 2\)/,
    );
    expect(() => p.beginEpisode(env, new Rng(5), { episodeIndex: 0, steps: 3 })).toThrow(InputError);
  });
});
