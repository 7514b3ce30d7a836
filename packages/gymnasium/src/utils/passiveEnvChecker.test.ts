import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { Env, type ResetResult, type StepResult } from "../core.ts";
import { EnvCheckError } from "../errors.ts";
import { Box } from "../spaces/box.ts";
import { Dict } from "../spaces/dict.ts";
import { Discrete } from "../spaces/discrete.ts";
import { MultiDiscrete } from "../spaces/multiDiscrete.ts";
import { Tuple } from "../spaces/tuple.ts";
import { WalkEnv } from "../testing/toyEnvs.ts";
import { resetWarnings } from "./logger.ts";
import {
  checkObs,
  checkRenderReturn,
  checkSpace,
  envRenderPassiveChecker,
  envResetPassiveChecker,
  envStepPassiveChecker,
} from "./passiveEnvChecker.ts";

/** An env whose reset/step return whatever the test puts in `resetResult`/`stepResult`. */
class Scripted extends Env<unknown, number> {
  observationSpace = new Box({ low: 0, high: 1, shape: [2] }) as never;
  readonly actionSpace = new Discrete(2);
  resetResult: unknown = { obs: Float32Array.of(0, 0), info: {} };
  stepResult: unknown = {
    obs: Float32Array.of(0, 0),
    reward: 0,
    terminated: false,
    truncated: false,
    info: {},
  };
  reset(): ResetResult<unknown> {
    return this.resetResult as ResetResult<unknown>;
  }
  step(): StepResult<unknown> {
    return this.stepResult as StepResult<unknown>;
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

function warnings(): string {
  return warnSpy.mock.calls.map((c) => String(c[0])).join("\n");
}

describe("passive checks", () => {
  it("checkSpace rejects non-spaces and empty composites, warns on degenerate boxes", () => {
    expect(() => checkSpace({}, "action")).toThrow(/action space does not inherit from gymnasium-js Space/);
    expect(() => checkSpace(new Tuple([]), "observation")).toThrow(/empty Tuple observation space/);
    expect(() => checkSpace(new Dict({}), "action")).toThrow(/empty Dict action space/);
    checkSpace(new Box({ low: 1, high: 1, shape: [2] }), "observation");
    expect(warnings()).toMatch(/maximum and minimum values are equal/);
    expect(() =>
      checkSpace(new Dict({ a: new Tuple([new Discrete(2), new MultiDiscrete([2])]) }), "action"),
    ).not.toThrow();
  });

  it("checkObs warns on wrong types and values outside the space, throws on malformed Dict/Tuple values", () => {
    const box = new Box({ low: 0, high: 1, shape: [2] });
    checkObs(Float64Array.of(0, 0), box, "reset");
    expect(warnings()).toMatch(/typed array of dtype float32, actual dtype: float64/);
    checkObs(Float32Array.of(0, 2), box, "step");
    expect(warnings()).toMatch(
      /`step\(\)` method is not within the observation space Box\(0.0, 1.0, \(2,\), float32\)/,
    );
    checkObs(1.5, new Discrete(3), "reset");
    expect(warnings()).toMatch(/should be an integer number/);
    const dict = new Dict({ a: new Discrete(2) });
    expect(() => checkObs({ b: 1 }, dict, "reset")).toThrow(/keys are not the observation space keys/);
    expect(() => checkObs([1, 2], new Tuple([new Discrete(3)]), "reset")).toThrow(/length is not same/);
    expect(() => checkObs(Float32Array.of(0, 2), box, "step", { strict: true })).toThrow(EnvCheckError);
  });

  it("reset checker: result shape, obs and info", () => {
    const env = new Scripted();
    expect(envResetPassiveChecker(env).info).toEqual({});
    expect(warnSpy).not.toHaveBeenCalled();
    env.resetResult = [Float32Array.of(0, 0), {}];
    envResetPassiveChecker(env);
    expect(warnings()).toMatch(/not an object of the form \{obs, info\}/);
    env.resetResult = { obs: Float32Array.of(0, 0), info: null };
    expect(() => envResetPassiveChecker(env)).toThrow(
      /info returned by `env.reset\(\)` must be a plain object/,
    );
  });

  it("step checker: missing fields throw; bad flags and rewards warn (or throw when strict)", () => {
    const env = new Scripted();
    env.stepResult = { obs: Float32Array.of(0, 0), reward: 0, done: false, info: {} };
    expect(() => envStepPassiveChecker(env, 0)).toThrow(/missing: terminated, truncated/);
    env.stepResult = {
      obs: Float32Array.of(0, 0),
      reward: Number.NaN,
      terminated: 0,
      truncated: false,
      info: {},
    };
    envStepPassiveChecker(env, 0);
    expect(warnings()).toMatch(/`terminated` signal to be a boolean, actual type: number/);
    expect(warnings()).toMatch(/The reward is a NaN value/);
    env.stepResult = {
      obs: Float32Array.of(0, 0),
      reward: Number.POSITIVE_INFINITY,
      terminated: false,
      truncated: false,
      info: {},
    };
    expect(() => envStepPassiveChecker(env, 0, { strict: true })).toThrow(/inf value/);
    env.stepResult = {
      obs: Float32Array.of(0, 0),
      reward: 0,
      terminated: false,
      truncated: false,
      info: new Map(),
    };
    expect(() => envStepPassiveChecker(env, 0)).toThrow(
      /`info` returned by `step\(\)` must be a plain object, actual type: Map/,
    );
  });

  it("render checker: declared modes, fps and the frame's format", () => {
    const env = new WalkEnv({ renderMode: "rgb_array" });
    env.reset({ seed: 0 });
    const frame = envRenderPassiveChecker(env) as { width: number };
    expect(frame.width).toBe(11);
    expect(warnSpy).not.toHaveBeenCalled();
    env.metadata = { renderModes: ["rgb_array"] };
    envRenderPassiveChecker(env);
    expect(warnings()).toMatch(/No render fps was declared/);
    env.metadata = { renderModes: ["ansi"], renderFps: 4 };
    expect(() => envRenderPassiveChecker(env)).toThrow(/unsupported render mode: rgb_array/);
    checkRenderReturn("rgb_array", { width: 2, height: 2, data: new Uint8Array(11) });
    expect(warnings()).toMatch(/width \* height \* 3 = 12 bytes, got 11/);
    expect(() => checkRenderReturn("ansi", 3, { strict: true })).toThrow(
      /should produce a string, got number/,
    );
    expect(() => checkRenderReturn("ansi_list", ["a", "b"], { strict: true })).not.toThrow();
  });

  it("warns once per distinct message", () => {
    const box = new Box({ low: 0, high: 1, shape: [2] });
    checkObs(Float32Array.of(0, 2), box, "step");
    checkObs(Float32Array.of(0, 3), box, "step");
    expect(warnSpy).toHaveBeenCalledTimes(1);
  });
});
