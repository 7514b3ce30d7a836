import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { ResetOptions, ResetResult, RgbFrame, StepResult } from "../core.ts";
import { EnvCheckError } from "../errors.ts";
import { deregister, make, register } from "../registration.ts";
import { Rng } from "../rng.ts";
import { DictObsEnv, DriftEnv, WalkEnv, type WalkEnvOptions } from "../testing/toyEnvs.ts";
import { checkEnv } from "./envChecker.ts";
import { resetWarnings } from "./logger.ts";

type Flaw =
  | "ignoresSeed"
  | "reseedsWithoutSeed"
  | "obsOutOfSpace"
  | "nanReward"
  | "numericFlag"
  | "infoNotObject"
  | "stepUsesGlobalRng"
  | "truncatesAtOnce"
  | "badFrame"
  | "closeThrows"
  | "fixedStart";

const shared = new Rng(0);

/** WalkEnv with one deliberate contract violation. */
class FlawedEnv extends WalkEnv {
  private ownRng = new Rng(1);
  private closed2 = false;
  constructor(
    readonly flaw: Flaw,
    opts: WalkEnvOptions = {},
  ) {
    super(opts);
  }
  override reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (this.flaw === "ignoresSeed") {
      this.x = this.ownRng.int(-2, 3);
      this.goal = 5;
      return { obs: Float32Array.of(this.x, this.goal), info: {} };
    }
    if (this.flaw === "reseedsWithoutSeed") return super.reset({ ...opts, seed: opts.seed ?? 0 });
    if (this.flaw === "fixedStart") return super.reset({ ...opts, options: { start: 0, goal: 5 } });
    const r = super.reset(opts);
    if (this.flaw === "obsOutOfSpace") return { obs: Float32Array.of(99, 0), info: r.info };
    return r;
  }
  override step(action: number): StepResult<Float32Array> {
    const r = super.step(action);
    switch (this.flaw) {
      case "nanReward":
        return { ...r, reward: Number.NaN };
      case "numericFlag":
        return { ...r, terminated: 0 as unknown as boolean };
      case "infoNotObject":
        return { ...r, info: [] as unknown as Record<string, unknown> };
      case "stepUsesGlobalRng":
        return { ...r, reward: shared.float() };
      case "truncatesAtOnce":
        return { ...r, truncated: true };
      default:
        return r;
    }
  }
  override render(): RgbFrame | string | null {
    if (this.flaw === "badFrame" && this.renderMode === "rgb_array")
      return { width: 3, height: 1, data: new Uint8Array(3) };
    return super.render();
  }
  override close(): void {
    if (this.flaw === "closeThrows" && this.closed2) throw new Error("already closed");
    this.closed2 = true;
    super.close();
  }
}

function flawed(flaw: Flaw) {
  return () =>
    checkEnv(new FlawedEnv(flaw), { createEnv: (renderMode) => new FlawedEnv(flaw, { renderMode }) });
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

describe("checkEnv", () => {
  it("passes well-behaved envs (discrete, continuous, Dict observations)", () => {
    checkEnv(new WalkEnv(), { createEnv: (renderMode) => new WalkEnv({ renderMode }) });
    checkEnv(new WalkEnv({ renderMode: "rgb_array", slip: 0.3 }), {
      createEnv: (renderMode) => new WalkEnv({ renderMode, slip: 0.3 }),
    });
    checkEnv(new DictObsEnv());
    resetWarnings();
    warnSpy.mockClear();
    checkEnv(new DriftEnv());
    expect(warnSpy).not.toHaveBeenCalled();
  });

  it("uses the spec of a made env to check render modes and close-twice", () => {
    register({
      id: "CheckWalk-v0",
      entryPoint: (kw) => new WalkEnv(kw as WalkEnvOptions),
      maxEpisodeSteps: 50,
    });
    try {
      checkEnv(make("CheckWalk-v0").unwrapped);
      checkEnv(make("CheckWalk-v0"));
      expect(warnings()).toMatch(/different from the unwrapped version/);
    } finally {
      deregister("CheckWalk-v0");
    }
  });

  it("warns when render modes cannot be checked, and when the first obs ignores the seed", () => {
    checkEnv(new FlawedEnv("fixedStart"), { skipCloseCheck: true });
    expect(warnings()).toMatch(/Not able to test alternative render modes/);
    expect(warnings()).toMatch(/does not depend on the seed/);
  });

  it("names the violation of each broken env", () => {
    expect(() => checkEnv({} as WalkEnv)).toThrow(/must be an instance of gymnasium-js Env, actual: Object/);
    expect(flawed("ignoresSeed")).toThrow(EnvCheckError);
    expect(flawed("ignoresSeed")).toThrow(/non-deterministic|different states/);
    expect(flawed("reseedsWithoutSeed")).toThrow(/without a seed replaced env.rng/);
    expect(flawed("obsOutOfSpace")).toThrow(/`reset\(\)` method is not within the observation space/);
    expect(flawed("nanReward")).toThrow(/The reward is a NaN value/);
    expect(flawed("numericFlag")).toThrow(/`terminated` signal to be a boolean/);
    expect(flawed("infoNotObject")).toThrow(
      /`info` returned by `step\(\)` must be a plain object, actual type: Array/,
    );
    expect(flawed("stepUsesGlobalRng")).toThrow(/Deterministic step rewards are not equivalent/);
    expect(flawed("truncatesAtOnce")).toThrow(/truncates after 1 step/);
    expect(flawed("badFrame")).toThrow(/width \* height \* 3 = 9 bytes, got 3/);
    expect(flawed("closeThrows")).toThrow(/close\(\) twice should be allowed/);
  });
});
