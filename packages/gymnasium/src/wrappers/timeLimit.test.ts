import { describe, expect, it } from "vitest";
import type { EnvSpec } from "../core.ts";
import { WalkEnv } from "../testing/toyEnvs.ts";
import { TimeLimit } from "./timeLimit.ts";

const SPEC: EnvSpec = {
  id: "Walk-v0",
  namespace: null,
  name: "Walk",
  version: 0,
  maxEpisodeSteps: null,
  orderEnforce: false,
  disableEnvChecker: true,
  kwargs: { size: 5 },
  rewardThreshold: null,
  nondeterministic: false,
};

describe("TimeLimit", () => {
  it("truncates exactly at maxEpisodeSteps and restarts the count on reset", () => {
    const env = new TimeLimit(new WalkEnv({ size: 50 }), 3);
    for (let episode = 0; episode < 2; episode++) {
      env.reset({ options: { start: 0, goal: 50 } });
      const flags = [0, 1, 2].map(() => env.step(1).truncated);
      expect(flags).toEqual([false, false, true]);
      expect(env.elapsedSteps).toBe(3);
    }
  });

  it("keeps terminated and info as the env gave them", () => {
    const env = new TimeLimit(new WalkEnv({ size: 5 }), 1);
    env.reset({ options: { start: 4, goal: 5 } });
    const r = env.step(1);
    expect([r.terminated, r.truncated]).toEqual([true, true]);
    expect(r.info).toEqual({ x: 5, success: true });
  });

  it("reports its limit in spec.maxEpisodeSteps without changing the env's spec", () => {
    const inner = new WalkEnv();
    inner.spec = SPEC;
    const env = new TimeLimit(inner, 10);
    expect(env.spec?.maxEpisodeSteps).toBe(10);
    expect(env.spec?.kwargs).toEqual({ size: 5 });
    expect(env.spec).toBe(env.spec); // cached
    expect(inner.spec.maxEpisodeSteps).toBeNull();
    expect(new TimeLimit(new WalkEnv(), 2).spec).toBeNull();
  });

  it("rejects a non-positive or fractional limit", () => {
    expect(() => new TimeLimit(new WalkEnv(), 0)).toThrow(/positive integer \(got 0\)/);
    expect(() => new TimeLimit(new WalkEnv(), 2.5)).toThrow(/positive integer \(got 2.5\)/);
  });
});
