import { describe, expect, it } from "vitest";
import { ResetNeeded } from "../errors.ts";
import { WalkEnv } from "../testing/toyEnvs.ts";
import { OrderEnforcing } from "./orderEnforcing.ts";

describe("OrderEnforcing", () => {
  it("throws ResetNeeded on step or render before the first reset", () => {
    const env = new OrderEnforcing(new WalkEnv({ renderMode: "ansi" }));
    expect(env.hasReset).toBe(false);
    expect(() => env.step(0)).toThrow(ResetNeeded);
    expect(() => env.step(0)).toThrow(/Cannot call env.step\(\) before calling env.reset\(\)/);
    expect(() => env.render()).toThrow(/disableRenderOrderEnforcing/);
    env.reset({ seed: 0 });
    expect(env.hasReset).toBe(true);
    expect(typeof env.render()).toBe("string");
    expect(env.step(0).obs).toBeInstanceOf(Float32Array);
  });

  it("allows render before reset when disableRenderOrderEnforcing is set", () => {
    const env = new OrderEnforcing(new WalkEnv({ renderMode: "ansi" }), {
      disableRenderOrderEnforcing: true,
    });
    expect(typeof env.render()).toBe("string");
    expect(() => env.step(0)).toThrow(ResetNeeded);
  });

  it("reports orderEnforce = true in its spec", () => {
    const inner = new WalkEnv();
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
    expect(new OrderEnforcing(inner).spec?.orderEnforce).toBe(true);
  });
});
