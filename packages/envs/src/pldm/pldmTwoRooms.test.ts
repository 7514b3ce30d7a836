import { EnvironmentError } from "@hjepa/errors";
import { Box, checkEnv, Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { PLDMDataPolicy } from "./pldmDataPolicy.ts";
import { isFreeState } from "./pldmGeometry.ts";
import { PLDM_OBS_MODES, PLDMTwoRoomsEnv } from "./pldmTwoRooms.ts";

const act = (x: number, y: number) => Float32Array.of(x, y);

describe("PLDMTwoRoomsEnv", () => {
  it("declares the spaces it really uses", () => {
    expect(PLDM_OBS_MODES).toEqual(["pixels", "state"]);
    const px = new PLDMTwoRoomsEnv();
    expect(px.observationSpace.toString()).toBe("Box(0.0, 255.0, (65, 65, 2), uint8)");
    expect(px.actionSpace.toString()).toBe("Box(-1.8, 1.8, (2,), float32)");
    const st = new PLDMTwoRoomsEnv({ obsMode: "state" });
    expect(st.observationSpace.toString()).toBe("Box(4.0, 60.0, (2,), float32)");
    const { obs } = px.reset({ seed: 0 });
    expect(px.observationSpace.contains(obs)).toBe(true);
    expect(st.observationSpace.contains(st.reset({ seed: 0 }).obs)).toBe(true);
  });

  it("rejects bad options, out-of-space actions and invalid starts with errors that name them", () => {
    expect(() => new PLDMTwoRoomsEnv({ obsMode: "rgb" })).toThrow(
      /obsMode must be one of pixels, state \(got rgb\)/,
    );
    expect(() => new PLDMTwoRoomsEnv({ size: 3 })).toThrow(/unknown option 'size'/);
    const env = new PLDMTwoRoomsEnv({ obsMode: "state" });
    expect(() => env.step(act(0, 0))).toThrow(/call reset\(\) before step\(\)/);
    env.reset({ seed: 1 });
    expect(() => env.step(act(2, 0))).toThrow(/action \[2, 0\] is not in Box\(-1.8, 1.8, \(2,\), float32\)/);
    expect(() => env.step([1, 0] as unknown as Float32Array)).toThrow(/not in Box/);
    expect(() => env.step(Float32Array.of(1))).toThrow(/not in Box/);
    expect(() => env.reset({ options: { start: [32, 30] } })).toThrow(
      /options.start \[32, 30\] is not a free position/,
    );
    expect(() => env.reset({ options: { goal: [70, 30] } })).toThrow(/options.goal \[70, 30\]/);
    expect(() => env.reset({ options: { start: [32, 30] } })).toThrow(EnvironmentError);
    expect(() => new PLDMTwoRoomsEnv({ obsMode: "rgb" })).toThrow(EnvironmentError);
    expect(() => new PLDMTwoRoomsEnv({ size: 3 })).toThrow(EnvironmentError);
    expect(() => new PLDMTwoRoomsEnv({ imgSize: 10 })).toThrow(EnvironmentError);
    // An action outside the space comes from hjepa's own planner or policy: a bug, so a plain error.
    expect(() => env.step(act(2, 0))).not.toThrow(EnvironmentError);
    // PLDM's data generator can start a door crosser inside the wall: data dynamics accept it.
    const data = new PLDMTwoRoomsEnv({ obsMode: "state", dynamics: "data" });
    expect(data.reset({ options: { start: [32, 30], goal: [40, 40] } }).info.state).toEqual([32, 30]);
  });

  it("resets from options, returns goal, goalObs = observe(goal) and state", () => {
    const env = new PLDMTwoRoomsEnv();
    const { obs, info } = env.reset({ seed: 3, options: { start: [10, 20], goal: [50, 40] } });
    expect(info.state).toEqual([10, 20]);
    expect(info.goal).toEqual([50, 40]);
    expect(info.goalObs).toEqual(env.observe([50, 40]));
    expect(obs).toEqual(env.observe([10, 20]));
    expect((obs as Uint8Array)[(20 * 65 + 10) * 2]).toBe(255);
  });

  it("samples PLDM's eval tasks: start and goal in opposite rooms, 2.6 px from the walls, x swapped half the time", () => {
    const env = new PLDMTwoRoomsEnv();
    const rng = new Rng(4);
    let swapped = 0;
    for (let i = 0; i < 2000; i++) {
      const { start, goal } = env.sampleTask(rng);
      const [left, right] = start[0] < 32 ? [start, goal] : [goal, start];
      if (start[0] > 32) swapped++;
      expect(left[0]).toBeGreaterThanOrEqual(6.6);
      expect(left[0]).toBeLessThan(28.4);
      expect(right[0]).toBeGreaterThanOrEqual(35.6);
      expect(right[0]).toBeLessThan(57.4);
      for (const y of [start[1], goal[1]]) {
        expect(y).toBeGreaterThanOrEqual(6.6);
        expect(y).toBeLessThan(57.4);
      }
    }
    expect(swapped / 2000).toBeGreaterThan(0.46);
    expect(swapped / 2000).toBeLessThan(0.54);
    const { info } = env.reset({ seed: 5 });
    const [sx, gx] = [(info.state as number[])[0] as number, (info.goal as number[])[0] as number];
    expect(sx < 32).not.toBe(gx < 32);
  });

  it("counts success when the mean squared error over (x, y) is below 1, and terminates", () => {
    const env = new PLDMTwoRoomsEnv({ obsMode: "state" });
    expect(env.isSuccess([10, 10], [11, 10.9])).toBe(true); // (1 + 0.81) / 2 < 1
    expect(env.isSuccess([10, 10], [11, 11])).toBe(false); // exactly 1
    expect(env.isSuccess([10, 10], [10, 11.41])).toBe(true);
    expect(env.isSuccess([10, 10], [10, 11.42])).toBe(false);
    env.reset({ options: { start: [20, 20], goal: [23, 20.5] } });
    const far = env.step(act(1, 0.5));
    expect([far.reward, far.terminated, far.truncated, far.info.success, far.info.cost]).toEqual([
      0,
      false,
      false,
      false,
      0,
    ]);
    const near = env.step(act(1, 0));
    expect(near.info.state).toEqual([22, 20.5]);
    expect([near.reward, near.terminated, near.info.success]).toEqual([1, true, true]);
  });

  it("reproduces a trajectory from the same seed, bounces included", () => {
    const run = () => {
      const env = new PLDMTwoRoomsEnv({ obsMode: "state" });
      env.reset({ seed: 9, options: { start: [28, 30], goal: [50, 50] } });
      const actions = new Rng(10);
      const states: number[][] = [];
      for (let t = 0; t < 300; t++) {
        env.step(act(actions.uniform(0, 1.8), actions.uniform(-1.8, 1.8)));
        states.push(env.trueState());
      }
      return states;
    };
    const a = run();
    expect(run()).toEqual(a);
    // The walk pushes right, so it hits the wall (noise) and sometimes finds the door.
    expect(new Set(a.map((s) => s[0])).size).toBeGreaterThan(100);
    const g = new PLDMTwoRoomsEnv().geometry;
    expect(a.every((s) => isFreeState(g, s[0] as number, s[1] as number))).toBe(true);
  });

  it("blocks instead of bouncing with data dynamics, and does not end data episodes on success by default", () => {
    const env = new PLDMTwoRoomsEnv({ obsMode: "state", dynamics: "data" });
    env.reset({ seed: 0, options: { start: [30, 30], goal: [28.5, 30] } });
    expect(env.step(act(1.5, 0)).info.state).toEqual([30, 30]);
    const r = env.step(act(-1.5, 0));
    expect([r.info.state, r.info.success, r.reward, r.terminated]).toEqual([[28.5, 30], true, 1, false]);
    const ending = new PLDMTwoRoomsEnv({ obsMode: "state", dynamics: "data", terminateOnSuccess: true });
    ending.reset({ options: { start: [30, 30], goal: [28.5, 30] } });
    expect(ending.step(act(-1.5, 0)).terminated).toBe(true);
    expect(() => new PLDMTwoRoomsEnv({ terminateOnSuccess: "yes" })).toThrow(
      /terminateOnSuccess must be true or false/,
    );
  });

  it("samples free states uniformly (left room share = its share of the free area)", () => {
    const env = new PLDMTwoRoomsEnv();
    const rng = new Rng(11);
    let left = 0;
    for (let i = 0; i < 4000; i++) {
      const [x, y] = env.sampleFreeState(rng) as [number, number];
      expect(isFreeState(env.geometry, x, y)).toBe(true);
      if (x < 31) left++;
    }
    // Free area: 27 * 56 (left) + 27 * 56 (right) + 2 * 8 (door) px^2.
    expect(left / 4000).toBeCloseTo((27 * 56) / (2 * 27 * 56 + 16), 1);
  });

  it("has an exact geodesic oracle around the wall", () => {
    const o = new PLDMTwoRoomsEnv().oracle();
    expect(o.distance([10, 30], [25, 40])).toBeCloseTo(Math.hypot(15, 10), 10);
    expect(o.distance([25, 10], [40, 10])).toBeCloseTo(15, 10);
    // Through the door's lower corners (31, 14) and (33, 14).
    expect(o.distance([20, 30], [45, 30])).toBeCloseTo(Math.hypot(11, 16) + 2 + 20, 10);
    expect(o.path([20, 30], [45, 30])).toEqual([
      [20, 30],
      [31, 14],
      [33, 14],
      [45, 30],
    ]);
    // Above the door: round the upper corners (31, 6) and (33, 6).
    expect(o.distance([20, 5], [45, 5])).toBeCloseTo(Math.hypot(11, 1) + 2 + Math.hypot(12, 1), 10);
    expect(o.distance([32, 30], [45, 30])).toBe(Number.POSITIVE_INFINITY);
  });

  it("renders rgb_array (4 px per px) and ansi pictures, and a map with the goal", () => {
    const env = new PLDMTwoRoomsEnv({ renderMode: "rgb_array" });
    env.reset({ options: { start: [10, 20], goal: [50, 40] } });
    const img = env.render() as { width: number; height: number; data: Uint8Array };
    expect([img.width, img.height, img.data.length]).toEqual([260, 260, 260 * 260 * 3]);
    expect(env.stateToPixel([10, 20])).toEqual([42, 82]);
    const pixel = (x: number, y: number) =>
      Array.from(img.data.subarray(3 * (y * 260 + x), 3 * (y * 260 + x) + 3));
    expect(pixel(42, 82)).toEqual([30, 110, 230]); // agent
    expect(pixel(202, 162)).toEqual([40, 170, 60]); // goal
    expect(pixel(32 * 4 + 1, 30 * 4)).toEqual([40, 40, 48]); // middle wall
    const map = env.renderMap();
    expect(map.cellPx).toBe(4);
    expect(Array.from(map.data.subarray(3 * (162 * 260 + 202), 3 * (162 * 260 + 202) + 3))).toEqual([
      40, 170, 60,
    ]);
    // Before any reset there is no goal to draw (no stray disc at the origin).
    const fresh = new PLDMTwoRoomsEnv().renderMap();
    expect(Array.from(fresh.data.subarray(3 * (2 * 260 + 2), 3 * (2 * 260 + 2) + 3))).not.toEqual([
      40, 170, 60,
    ]);
    const text = new PLDMTwoRoomsEnv({ renderMode: "ansi" });
    text.reset({ options: { start: [10, 20], goal: [50, 40] } });
    const lines = (text.render() as string).trimEnd().split("\n");
    expect(lines.length).toBe(65);
    expect(lines[20]?.[10]).toBe("A");
    expect(lines[40]?.[50]).toBe("G");
    expect(lines[10]?.slice(30, 35)).toBe("....."); // the door
    expect(lines[20]?.slice(30, 35)).toBe(".###.");
    expect(new PLDMTwoRoomsEnv().render()).toBeNull();
  });

  it("passes Gymnasium's env checker in every observation mode and dynamics", () => {
    for (const obsMode of PLDM_OBS_MODES) {
      for (const dynamics of ["eval", "data"] as const) {
        const create = (renderMode: string | null) =>
          new PLDMTwoRoomsEnv({ obsMode, dynamics, renderMode: renderMode as "ansi" | null });
        checkEnv(create(null), { createEnv: create });
      }
    }
  });

  it("provides PLDM's data policy", () => {
    const policies = new PLDMTwoRoomsEnv().dataPolicies();
    expect(Object.keys(policies)).toEqual(["pldm"]);
    expect(policies.pldm?.()).toBeInstanceOf(PLDMDataPolicy);
    expect(new PLDMTwoRoomsEnv().actionSpace).toBeInstanceOf(Box);
  });
});
