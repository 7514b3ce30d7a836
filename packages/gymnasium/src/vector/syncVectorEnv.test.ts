import { describe, expect, it } from "vitest";
import type { Box } from "../spaces/box.ts";
import { DictObsEnv, DriftEnv, WalkEnv } from "../testing/toyEnvs.ts";
import { TimeLimit } from "../wrappers/timeLimit.ts";
import { SyncVectorEnv } from "./syncVectorEnv.ts";

const walks = (n: number, size = 5) => Array.from({ length: n }, () => () => new WalkEnv({ size }));

describe("SyncVectorEnv", () => {
  it("seeds sub-env i with seed + i (or the i-th of an array) and batches observations", () => {
    const venv = new SyncVectorEnv(walks(3));
    const { obs, infos } = venv.reset({ seed: 10 });
    expect(obs).toBeInstanceOf(Float32Array);
    expect(obs.length).toBe(6);
    for (let i = 0; i < 3; i++) {
      const single = new WalkEnv().reset({ seed: 10 + i }).obs;
      expect(Array.from(obs.subarray(2 * i, 2 * i + 2))).toEqual(Array.from(single));
    }
    expect(infos._x).toEqual(Uint8Array.of(1, 1, 1));
    expect(venv.observationSpace.contains(obs)).toBe(true);
    expect((venv.observationSpace as Box).shape).toEqual([3, 2]);
    expect(venv.actionSpace.toString()).toBe("MultiDiscrete([2 2 2])");
    expect([venv.numEnvs, venv.singleActionSpace.toString()]).toEqual([3, "Discrete(2)"]);
    const perEnv = venv.reset({ seed: [7, 3, 9] }).obs;
    expect(Array.from(perEnv.subarray(2, 4))).toEqual(Array.from(new WalkEnv().reset({ seed: 3 }).obs));
    expect(() => venv.reset({ seed: [1, 2] })).toThrow(/array of numEnvs = 3 seeds \(got 2 seeds\)/);
  });

  it("steps every sub-env with its action and batches rewards, flags and infos", () => {
    const venv = new SyncVectorEnv(walks(2, 2));
    venv.reset({ options: { start: 1, goal: 2 } });
    const r = venv.step(Int32Array.of(1, 0));
    expect(Array.from(r.obs)).toEqual([2, 2, 0, 2]);
    expect(r.rewards).toEqual(Float64Array.of(1, 0));
    expect(r.terminations).toEqual(Uint8Array.of(1, 0));
    expect(r.truncations).toEqual(Uint8Array.of(0, 0));
    expect(r.infos.x).toEqual(Float64Array.of(2, 0));
    expect(r.infos.success).toEqual(Uint8Array.of(1, 0));
    expect(r.infos._success).toEqual(Uint8Array.of(1, 1));
  });

  it("autoresets on the next step (default): the action is ignored, reward 0, flags false", () => {
    const venv = new SyncVectorEnv(walks(2, 2));
    venv.reset({ seed: 5, options: { start: 1, goal: 2 } });
    // A reference env that replays sub-env 0: seeded reset, then an unseeded reset after its episode ends.
    const ref = new WalkEnv({ size: 2 });
    ref.reset({ seed: 5, options: { start: 1, goal: 2 } });
    ref.step(1);
    const expectedResetObs = ref.reset().obs;

    const end = venv.step(Int32Array.of(1, 0));
    expect(end.terminations[0]).toBe(1);
    const next = venv.step(Int32Array.of(1, 1));
    expect(Array.from(next.obs.subarray(0, 2))).toEqual(Array.from(expectedResetObs));
    expect([next.rewards[0], next.terminations[0], next.truncations[0]]).toEqual([0, 0, 0]);
    expect(next.infos._x).toEqual(Uint8Array.of(1, 1));
    // Sub-env 1 kept stepping: 1 -> 0 -> 1.
    expect(Array.from(next.obs.subarray(2, 4))).toEqual([1, 2]);
    // And the step after the reset is a normal step again.
    const after = venv.step(Int32Array.of(0, 0));
    expect(after.obs[0]).toBe((expectedResetObs[0] as number) - 1);
  });

  it("autoresets truncated episodes from a TimeLimit the same way", () => {
    const venv = new SyncVectorEnv([() => new TimeLimit(new WalkEnv({ size: 50 }), 2)]);
    venv.reset({ seed: 0, options: { start: 0, goal: 50 } });
    expect(venv.step(Int32Array.of(1)).truncations[0]).toBe(0);
    expect(venv.step(Int32Array.of(1)).truncations[0]).toBe(1);
    const reset = venv.step(Int32Array.of(1));
    expect([reset.truncations[0], reset.rewards[0]]).toEqual([0, 0]);
    expect(venv.step(Int32Array.of(1)).truncations[0]).toBe(0);
  });

  it("same_step mode resets within the step and reports finalObs / finalInfo", () => {
    const venv = new SyncVectorEnv(walks(2, 2), { autoresetMode: "same_step" });
    venv.reset({ seed: 1, options: { start: 1, goal: 2 } });
    const r = venv.step(Int32Array.of(1, 0));
    expect([r.rewards[0], r.terminations[0]]).toEqual([1, 1]);
    expect((r.infos.finalObs as unknown[])[0]).toEqual(Float32Array.of(2, 2));
    expect((r.infos.finalObs as unknown[])[1]).toBeNull();
    expect(r.infos._finalObs).toEqual(Uint8Array.of(1, 0));
    expect((r.infos.finalInfo as { x: Float64Array }).x).toEqual(Float64Array.of(2, 0));
    // The returned obs is the new episode's first obs (not the goal).
    expect(Array.from(r.obs.subarray(0, 2))).not.toEqual([2, 2]);
    expect(venv.metadata.autoresetMode).toBe("same_step");
  });

  it("disabled mode refuses to step an ended sub-env until it is reset with a mask", () => {
    const venv = new SyncVectorEnv(walks(2, 2), { autoresetMode: "disabled" });
    venv.reset({ seed: 1, options: { start: 1, goal: 2 } });
    venv.step(Int32Array.of(1, 0));
    expect(() => venv.step(Int32Array.of(1, 0))).toThrow(/sub-env 0 ended at the previous step/);
    const { obs, infos } = venv.reset({ options: { resetMask: [true, false], start: 0, goal: 2 } });
    expect(Array.from(obs)).toEqual([0, 2, 0, 2]);
    expect(infos._x).toEqual(Uint8Array.of(1, 0));
    expect(venv.step(Int32Array.of(1, 1)).obs[0]).toBe(1);
    expect(() => venv.reset({ options: { resetMask: [false, false] } })).toThrow(/at least one sub-env/);
    expect(() => venv.reset({ options: { resetMask: [true] } })).toThrow(
      /resetMask has 1 entries, expected numEnvs = 2/,
    );
  });

  it("gives each sub-env its row of a Box action batch, reusing views for the same buffer", () => {
    const venv = new SyncVectorEnv([() => new DriftEnv({ noise: 0 }), () => new DriftEnv({ noise: 0 })]);
    const start = venv.reset({ seed: 3 }).obs;
    const actions = Float32Array.of(0.5, 0, 0, -0.25);
    const r = venv.step(actions);
    const expected = [0.5, 0, 0, -0.25].map((a, i) => (start[i] as number) + a);
    Array.from(r.obs).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 5);
    });
    actions[0] = -0.5;
    const r2 = venv.step(actions);
    expect(r2.obs[0]).toBeCloseTo(start[0] as number, 5);
    expect(r2.infos.pos).toBeInstanceOf(Float32Array);
    expect(() => venv.step(Float32Array.of(1, 1, 1))).toThrow(
      /one typed array of 2 x 2 values .* \(see batchSpace; got length 3\)/,
    );
  });

  it("batches Dict observations and typed-array infos", () => {
    const venv = new SyncVectorEnv([() => new DictObsEnv(), () => new DictObsEnv()]);
    const { obs, infos } = venv.reset({ seed: 0 });
    expect(obs.pos).toBeInstanceOf(Float32Array);
    expect(obs.t).toEqual(Int32Array.of(0, 0));
    expect(infos.start).toEqual(Float32Array.from(obs.pos));
    expect(venv.observationSpace.contains(obs)).toBe(true);
    const r = venv.step(Int32Array.of(1, 2));
    expect(r.obs.t).toEqual(Int32Array.of(1, 1));
    expect(r.obs.pos[0]).toBe((obs.pos[0] as number) + 1);
    expect(r.obs.pos[3]).toBe((obs.pos[3] as number) + 1);
  });

  it("returns copies by default and its own buffers with copy = false", () => {
    const copying = new SyncVectorEnv(walks(2));
    const a = copying.reset({ seed: 0 }).obs;
    const b = copying.step(Int32Array.of(0, 0));
    expect(copying.step(Int32Array.of(0, 0)).obs).not.toBe(b.obs);
    expect(a).not.toBe(b.obs);
    const sharing = new SyncVectorEnv(walks(2), { copy: false });
    const c = sharing.reset({ seed: 0 }).obs;
    const d = sharing.step(Int32Array.of(0, 0));
    const e = sharing.step(Int32Array.of(0, 0));
    expect(c).toBe(d.obs);
    expect(d.obs).toBe(e.obs);
    expect(d.rewards).toBe(e.rewards);
  });

  it("checks spaces, renders, closes once, and gets/sets/calls on sub-envs", () => {
    expect(() => new SyncVectorEnv([() => new WalkEnv({ size: 2 }), () => new WalkEnv({ size: 3 })])).toThrow(
      /sub-env 1 has observation space Box\(-3.0, 3.0, \(2,\), float32\), sub-env 0 has Box\(-2.0, 2.0/,
    );
    expect(() => new SyncVectorEnv([])).toThrow(/at least one env factory/);
    expect(() => new SyncVectorEnv(walks(1), { autoresetMode: "sometimes" as never })).toThrow(
      /autoresetMode must be one of/,
    );
    const venv = new SyncVectorEnv([
      () => new WalkEnv({ renderMode: "ansi" }),
      () => new WalkEnv({ renderMode: "ansi" }),
    ]);
    venv.reset({ seed: 0 });
    const frames = venv.render() as string[];
    expect(frames.map((f) => f.length)).toEqual([11, 11]);
    expect(venv.getAttr("size")).toEqual([5, 5]);
    venv.setAttr("goal", [5, -5]);
    expect(venv.getAttr("goal")).toEqual([5, -5]);
    expect(venv.call("render")).toEqual(venv.render());
    expect(() => venv.call("fly")).toThrow(/sub-env 0 .* has no "fly"/);
    venv.close();
    venv.close();
    expect(venv.getAttr("closeCount")).toEqual([1, 1]);
    expect(venv.closed).toBe(true);
  });
});
