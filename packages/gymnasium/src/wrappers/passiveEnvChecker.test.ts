import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { Env, type ResetOptions, type ResetResult, type StepResult } from "../core.ts";
import { Box } from "../spaces/box.ts";
import { Discrete } from "../spaces/discrete.ts";
import { WalkEnv } from "../testing/toyEnvs.ts";
import { resetWarnings } from "../utils/logger.ts";
import { PassiveEnvChecker } from "./passiveEnvChecker.ts";

/** Returns observations outside its space on every reset and step. */
class OutOfSpaceEnv extends Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: 0, high: 1, shape: [1] });
  readonly actionSpace = new Discrete(2);
  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    this.seedRng(opts.seed);
    return { obs: Float32Array.of(5), info: {} };
  }
  step(): StepResult<Float32Array> {
    return { obs: Float32Array.of(7), reward: 0, terminated: false, truncated: false, info: {} };
  }
}

let warnSpy: MockInstance;
beforeEach(() => {
  resetWarnings();
  warnSpy = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  warnSpy.mockRestore();
});

describe("PassiveEnvChecker", () => {
  it("checks the spaces on construction", () => {
    const env = new WalkEnv();
    (env as unknown as { actionSpace: unknown }).actionSpace = "left or right";
    expect(() => new PassiveEnvChecker(env)).toThrow(
      /action space does not inherit from gymnasium-js Space, actual type: string/,
    );
  });

  it("checks only the first reset and the first step", () => {
    const env = new PassiveEnvChecker(new OutOfSpaceEnv());
    env.reset();
    expect(warnSpy).toHaveBeenCalledTimes(1);
    expect(String(warnSpy.mock.calls[0]?.[0])).toMatch(
      /`reset\(\)` method is not within the observation space/,
    );
    env.reset();
    env.step(0);
    expect(warnSpy).toHaveBeenCalledTimes(2);
    expect(String(warnSpy.mock.calls[1]?.[0])).toMatch(
      /`step\(\)` method is not within the observation space/,
    );
    resetWarnings();
    env.step(0);
    expect(warnSpy).toHaveBeenCalledTimes(2);
  });

  it("passes values through unchanged, renders, closes twice, and reports disableEnvChecker = false", () => {
    const inner = new WalkEnv({ renderMode: "ansi" });
    const env = new PassiveEnvChecker(inner);
    const { obs } = env.reset({ seed: 1 });
    expect(obs).toBeInstanceOf(Float32Array);
    expect(env.step(1).info).toHaveProperty("x");
    expect(typeof env.render()).toBe("string");
    env.close();
    env.close();
    expect(inner.closeCount).toBe(2);
    expect(warnSpy).not.toHaveBeenCalled();
    inner.spec = {
      id: "Walk-v0",
      namespace: null,
      name: "Walk",
      version: 0,
      maxEpisodeSteps: null,
      orderEnforce: false,
      disableEnvChecker: true,
      kwargs: {},
      rewardThreshold: null,
      nondeterministic: false,
    };
    expect(env.spec?.disableEnvChecker).toBe(false);
  });
});
