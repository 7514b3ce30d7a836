import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import type { DataPolicy } from "../types.ts";
import { dataPolicy, dataPolicyNames, momentumPolicy, uniformPolicy } from "./policies.ts";
import { GridEnv, PointEnv } from "./testEnv.ts";

function run(policy: DataPolicy, env: PointEnv | GridEnv, rng: Rng, n: number): unknown[] {
  policy.beginEpisode(env as never, rng, { episodeIndex: 0, steps: n });
  return Array.from({ length: n }, () => policy.act(env as never, rng));
}

describe("uniformPolicy", () => {
  it("samples a Box uniformly per dimension from the given rng, not the space's", () => {
    const env = new PointEnv();
    env.actionSpace.seed(5);
    const acts = run(uniformPolicy(), env, new Rng(1), 4000) as Float32Array[];
    const again = run(uniformPolicy(), env, new Rng(1), 4000) as Float32Array[];
    expect(again).toEqual(acts);
    for (const a of acts) for (const v of a) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    const mean = acts.reduce((s, a) => s + (a[0] as number), 0) / acts.length;
    const meanSq = acts.reduce((s, a) => s + (a[1] as number) ** 2, 0) / acts.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(meanSq).toBeCloseTo(1 / 3, 1);
    // The space's generator was not advanced: its first sample equals a freshly seeded twin's.
    const twin = new PointEnv();
    twin.actionSpace.seed(5);
    expect(env.actionSpace.sample()).toEqual(twin.actionSpace.sample());
  });

  it("samples a Discrete space uniformly", () => {
    const acts = run(uniformPolicy(), new GridEnv(), new Rng(2), 8000) as number[];
    const counts = [0, 0, 0, 0];
    for (const a of acts) counts[a] = (counts[a] as number) + 1;
    for (const c of counts) expect(Math.abs(c / 8000 - 0.25)).toBeLessThan(0.02);
  });
});

describe("momentumPolicy", () => {
  it("turns slowly and keeps continuous actions in the Box", () => {
    const acts = run(momentumPolicy(), new PointEnv(), new Rng(3), 2000) as Float32Array[];
    let turn = 0;
    for (let i = 1; i < acts.length; i++) {
      const a = acts[i - 1] as Float32Array;
      const b = acts[i] as Float32Array;
      let d = Math.atan2(b[1] as number, b[0] as number) - Math.atan2(a[1] as number, a[0] as number);
      d = Math.atan2(Math.sin(d), Math.cos(d));
      turn += Math.abs(d);
      for (const v of b) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    }
    // kappa = 8: mean |turn| ~ 0.29 rad, versus pi/2 for independent uniform headings.
    expect(turn / (acts.length - 1)).toBeLessThan(0.4);
    const speeds = acts.map((a) => Math.hypot(a[0] as number, a[1] as number));
    expect(Math.min(...speeds)).toBeGreaterThanOrEqual(0.2 - 1e-6);
  });

  it("repeats the previous discrete move with probability repeatProb (+ uniform repeats)", () => {
    const acts = run(momentumPolicy({ repeatProb: 0.8 }), new GridEnv(), new Rng(4), 10000) as number[];
    let same = 0;
    for (let i = 1; i < acts.length; i++) if (acts[i] === acts[i - 1]) same++;
    // 0.8 + 0.2 * 1/4 = 0.85
    expect(same / (acts.length - 1)).toBeCloseTo(0.85, 1);
  });

  it("rejects bad options with the option's name", () => {
    expect(() => momentumPolicy({ repeatProb: 2 })).toThrow(
      /repeatProb must be a probability in \[0, 1\] \(got 2\)/,
    );
  });
});

describe("dataPolicy", () => {
  it("finds built-ins and the env's own policies, and lists names for an unknown one", () => {
    const env = new GridEnv();
    expect(dataPolicy("momentum", env).name).toBe("momentum");
    const own: DataPolicy = { name: "pldm", beginEpisode: () => undefined, act: () => 0 };
    const withOwn = Object.assign(new GridEnv(), { dataPolicies: () => ({ pldm: () => own }) });
    expect(dataPolicy("pldm", withOwn)).toBe(own);
    expect(dataPolicyNames(withOwn)).toEqual(["momentum", "pldm", "traverse", "uniform"]);
    expect(() => dataPolicy("nope", withOwn)).toThrow(
      "unknown data policy 'nope' for GridEnv; available: momentum, pldm, traverse, uniform",
    );
  });
});
