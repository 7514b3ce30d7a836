import { describe, expect, it } from "vitest";
import { Env, type ResetOptions, type ResetResult, type StepResult } from "../core.ts";
import { Rng } from "../rng.ts";
import { Box } from "../spaces/box.ts";
import { Discrete } from "../spaces/discrete.ts";
import { DriftEnv, WalkEnv } from "../testing/toyEnvs.ts";
import { ActionWrapper } from "./actionWrapper.ts";
import { ObservationWrapper } from "./observationWrapper.ts";
import { RewardWrapper } from "./rewardWrapper.ts";
import { Wrapper } from "./wrapper.ts";

class Doubled extends ObservationWrapper<Float32Array, number> {
  constructor(env: WalkEnv) {
    super(env);
    this.observationSpace = new Box({ low: -2 * env.size, high: 2 * env.size, shape: [2] });
  }
  observation(obs: Float32Array): Float32Array {
    return obs.map((v) => 2 * v);
  }
}

class Flipped extends ActionWrapper<Float32Array, number> {
  action(a: number): number {
    return 1 - a;
  }
}

class Scaled extends RewardWrapper<Float32Array, number> {
  reward(r: number): number {
    return 10 * r;
  }
}

/** An env that reuses one result object between steps (a common zero-allocation pattern). */
class ReusingEnv extends Env<number, number> {
  readonly observationSpace = new Discrete(100);
  readonly actionSpace = new Discrete(2);
  private readonly result: StepResult<number> = {
    obs: 0,
    reward: 1,
    terminated: false,
    truncated: false,
    info: {},
  };
  reset(opts: ResetOptions = {}): ResetResult<number> {
    this.seedRng(opts.seed);
    this.result.obs = 0;
    return { obs: 0, info: {} };
  }
  step(): StepResult<number> {
    this.result.obs++;
    return this.result;
  }
}

describe("Wrapper", () => {
  it("forwards spaces, metadata, renderMode, spec, rng and unwrapped to the wrapped env", () => {
    const env = new WalkEnv({ renderMode: "ansi" });
    env.spec = {
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
    const w = new Wrapper(new Wrapper(env));
    expect(w.observationSpace).toBe(env.observationSpace);
    expect(w.actionSpace).toBe(env.actionSpace);
    expect(w.metadata).toBe(env.metadata);
    expect(w.renderMode).toBe("ansi");
    expect(w.spec).toBe(env.spec);
    expect(w.unwrapped).toBe(env);
    w.reset({ seed: 3 });
    expect(w.rng).toBe(env.rng);
    expect(w.rngSeed).toBe(3);
    const rng = new Rng(5);
    w.rng = rng;
    expect(env.rng).toBe(rng);
    expect(w.toString()).toBe("<Wrapper<Wrapper<WalkEnv<Walk-v0>>>>");
    expect(new Wrapper(new WalkEnv()).toString()).toBe("<Wrapper<WalkEnv instance>>");
    expect(() => {
      w.renderMode = "rgb_array";
    }).toThrow(/read-only/);
    expect(() => new Wrapper({} as WalkEnv)).toThrow(/expected an Env to wrap \(got Object\)/);
  });

  it("lets a wrapper replace its spaces and metadata without touching the env's", () => {
    const env = new WalkEnv();
    const w = new Doubled(env);
    expect(w.observationSpace.toString()).toBe("Box(-10.0, 10.0, (2,), float32)");
    expect(env.observationSpace.toString()).toBe("Box(-5.0, 5.0, (2,), float32)");
    w.metadata = { renderModes: [] };
    expect(env.metadata.renderModes).toEqual(["rgb_array", "ansi"]);
    w.spec = null;
    expect(w.spec).toBeNull();
    // A subclass may also declare the new space as a field.
    class Masked extends Wrapper<Float32Array, number> {
      override observationSpace = new Box({ low: 0, high: 1, shape: [2] });
    }
    const m = new Masked(env);
    expect(m.observationSpace.toString()).toBe("Box(0.0, 1.0, (2,), float32)");
    expect(m.actionSpace).toBe(env.actionSpace);
  });

  it("finds attributes through the wrapper stack with getWrapperAttr", () => {
    const env = new WalkEnv({ size: 7 });
    const w = new Wrapper(new Doubled(env));
    expect(w.getWrapperAttr("size")).toBe(7);
    expect(w.getWrapperAttr("observation")).toBeTypeOf("function");
    expect(() => w.getWrapperAttr("nope")).toThrow(/attribute "nope"/);
  });

  it("ObservationWrapper, ActionWrapper and RewardWrapper transform obs, actions and rewards", () => {
    const env = new WalkEnv({ size: 2 });
    const w = new Scaled(new Flipped(new Doubled(env)));
    const { obs } = w.reset({ options: { start: 1, goal: 2 } });
    expect(Array.from(obs)).toEqual([2, 4]);
    // Action 0 is flipped to 1 (right): reaches the goal; reward 1 scaled to 10.
    const r = w.step(0);
    expect(Array.from(r.obs)).toEqual([4, 4]);
    expect([r.reward, r.terminated, r.truncated]).toEqual([10, true, false]);
    expect(r.info).toEqual({ x: 2, success: true });
  });

  it("does not mutate the env's (reused) result object", () => {
    const env = new ReusingEnv();
    const w = new (class extends RewardWrapper<number, number> {
      reward(r: number): number {
        return -r;
      }
    })(env);
    w.reset();
    const a = w.step(0);
    const b = w.step(0);
    expect([a.obs, a.reward, b.obs, b.reward]).toEqual([1, -1, 2, -1]);
    expect(env.step().reward).toBe(1);
  });

  it("forwards continuous actions unchanged through the base Wrapper", () => {
    const env = new DriftEnv({ noise: 0 });
    const w = new Wrapper(env);
    const start = w.reset({ seed: 1 }).obs;
    const r = w.step(Float32Array.of(0.5, -0.5));
    expect(r.obs[0]).toBeCloseTo((start[0] as number) + 0.5, 5);
    expect(r.obs[1]).toBeCloseTo((start[1] as number) - 0.5, 5);
  });
});
