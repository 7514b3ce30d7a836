import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { Env } from "./core.ts";
import {
  DeprecatedEnv,
  NameNotFound,
  NamespaceNotFound,
  RegistrationError,
  ResetNeeded,
  VersionNotFound,
} from "./errors.ts";
import {
  deregister,
  getEnvId,
  make,
  namespace,
  parseEnvId,
  register,
  registeredIds,
  registry,
  spec,
} from "./registration.ts";
import { WalkEnv, type WalkEnvOptions } from "./testing/toyEnvs.ts";
import { resetWarnings } from "./utils/logger.ts";
import { TimeLimit } from "./wrappers/timeLimit.ts";

const walk = (kwargs: Record<string, unknown>) => new WalkEnv(kwargs as WalkEnvOptions);

let warnSpy: MockInstance;
beforeEach(() => {
  resetWarnings();
  warnSpy = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  warnSpy.mockRestore();
  for (const id of registeredIds()) deregister(id);
});

function warnings(): string {
  return warnSpy.mock.calls.map((c) => String(c[0])).join("\n");
}

describe("parseEnvId / getEnvId", () => {
  it("splits ids into namespace, name and version, and back", () => {
    expect(parseEnvId("hjepa/PointMaze-v3")).toEqual({ namespace: "hjepa", name: "PointMaze", version: 3 });
    expect(parseEnvId("CartPole-v12")).toEqual({ namespace: null, name: "CartPole", version: 12 });
    expect(parseEnvId("ns/Plain")).toEqual({ namespace: "ns", name: "Plain", version: null });
    expect(parseEnvId("My.Env:x")).toEqual({ namespace: null, name: "My.Env:x", version: null });
    expect(parseEnvId("Name-v")).toEqual({ namespace: null, name: "Name-v", version: null });
    for (const id of ["a/b/c", "", "has space-v0"])
      expect(() => parseEnvId(id)).toThrow(/Malformed environment ID/);
    expect(getEnvId("ns", "Name", 0)).toBe("ns/Name-v0");
    expect(getEnvId(null, "Name", null)).toBe("Name");
  });
});

describe("register / make", () => {
  it("applies PassiveEnvChecker, OrderEnforcing and TimeLimit in Gymnasium's order", () => {
    register({ id: "test/Walk-v0", entryPoint: walk, maxEpisodeSteps: 20 });
    const env = make("test/Walk-v0");
    expect(env.toString()).toBe("<TimeLimit<OrderEnforcing<PassiveEnvChecker<WalkEnv<test/Walk-v0>>>>>");
    expect(make("test/Walk-v0", { disableEnvChecker: true }).toString()).toBe(
      "<TimeLimit<OrderEnforcing<WalkEnv<test/Walk-v0>>>>",
    );
    expect(make("test/Walk-v0", { maxEpisodeSteps: -1 }).toString()).toBe(
      "<OrderEnforcing<PassiveEnvChecker<WalkEnv<test/Walk-v0>>>>",
    );
    register({ id: "test/Bare-v0", entryPoint: walk, orderEnforce: false, disableEnvChecker: true });
    expect(make("test/Bare-v0").toString()).toBe("<WalkEnv<test/Bare-v0>>");
    expect(() => env.step(0)).toThrow(ResetNeeded);
  });

  it("truncates at the effective maxEpisodeSteps, which the outer spec reports", () => {
    register({ id: "Walk-v0", entryPoint: walk, kwargs: { size: 100 }, maxEpisodeSteps: 50 });
    const env = make<Float32Array, number>("Walk-v0", { maxEpisodeSteps: 3 });
    expect(env).toBeInstanceOf(TimeLimit);
    expect(env.spec?.maxEpisodeSteps).toBe(3);
    env.reset({ seed: 0, options: { start: 0, goal: 100 } });
    expect([env.step(1).truncated, env.step(1).truncated, env.step(1).truncated]).toEqual([
      false,
      false,
      true,
    ]);
    expect(make("Walk-v0").spec?.maxEpisodeSteps).toBe(50);
  });

  it("merges kwargs (given over registered), passes renderMode, and records both in the spec", () => {
    let received: Record<string, unknown> = {};
    register({
      id: "Walk-v0",
      entryPoint: (kw) => {
        received = kw;
        return walk(kw);
      },
      kwargs: { size: 5, slip: 0 },
      rewardThreshold: 0.9,
    });
    const env = make("Walk-v0", { kwargs: { slip: 0.25 }, renderMode: "ansi" });
    expect(received).toEqual({ size: 5, slip: 0.25, renderMode: "ansi" });
    expect(env.renderMode).toBe("ansi");
    expect(env.spec).toMatchObject({
      id: "Walk-v0",
      name: "Walk",
      version: 0,
      namespace: null,
      kwargs: { size: 5, slip: 0.25, renderMode: "ansi" },
      maxEpisodeSteps: null,
      orderEnforce: true,
      disableEnvChecker: false,
      rewardThreshold: 0.9,
      nondeterministic: false,
    });
    // The bare env's spec describes the env without wrappers, as Gymnasium.
    expect(env.unwrapped.spec).toMatchObject({
      orderEnforce: false,
      disableEnvChecker: true,
      maxEpisodeSteps: null,
    });
    // Registered kwargs are not changed by make.
    expect(spec("Walk-v0").kwargs).toEqual({ size: 5, slip: 0 });
  });

  it("re-creates an env from its spec", () => {
    register({ id: "Walk-v0", entryPoint: walk, kwargs: { size: 2 }, maxEpisodeSteps: 7 });
    const env = make("Walk-v0", { kwargs: { size: 3 } });
    const again = make(env.spec as NonNullable<typeof env.spec>, { renderMode: "rgb_array" });
    expect((again.unwrapped as WalkEnv).size).toBe(3);
    expect(again.renderMode).toBe("rgb_array");
    expect(again.spec?.maxEpisodeSteps).toBe(7);
  });

  it("warns about a render mode the env does not declare", () => {
    register({ id: "Walk-v0", entryPoint: walk });
    make("Walk-v0", { renderMode: "human" });
    expect(warnings()).toMatch(
      /renderMode="human" that is not in the possible renderModes \[rgb_array, ansi\]/,
    );
  });

  it("reports entry points that throw or do not return an Env", () => {
    register({
      id: "Broken-v0",
      entryPoint: () => {
        throw new RangeError("size must be odd");
      },
      kwargs: { size: 4 },
    });
    expect(() => make("Broken-v0")).toThrow(
      /size must be odd \(raised by the entry point of Broken-v0 with kwargs \{"size":4\}\)/,
    );
    register({ id: "NotAnEnv-v0", entryPoint: () => ({}) as unknown as Env<unknown, unknown> });
    expect(() => make("NotAnEnv-v0")).toThrow(/must return an instance of gymnasium-js Env, actual: Object/);
    expect(() => register({ id: "X-v0", entryPoint: 3 as never })).toThrow(/entryPoint must be a function/);
    expect(() => register({ id: "X-v0", entryPoint: walk, maxEpisodeSteps: 0 })).toThrow(
      /positive integer or null/,
    );
  });
});

describe("registry errors and lookups", () => {
  beforeEach(() => {
    register({ id: "hjepa/PointMaze-v0", entryPoint: walk });
    register({ id: "hjepa/GridMaze-v1", entryPoint: walk });
    register({ id: "hjepa/GridMaze-v2", entryPoint: walk });
    register({ id: "Walk-v0", entryPoint: walk });
  });

  it("suggests close names and namespaces", () => {
    expect(() => make("hjepa/PointMase-v0")).toThrow(NameNotFound);
    expect(() => make("hjepa/PointMase-v0")).toThrow(
      "Environment `PointMase` doesn't exist in namespace hjepa. Did you mean: `PointMaze`?",
    );
    expect(() => make("hjpea/PointMaze-v0")).toThrow(NamespaceNotFound);
    expect(() => make("hjpea/PointMaze-v0")).toThrow("Namespace hjpea not found. Did you mean: `hjepa`?");
    expect(() => make("Zzz-v0")).toThrow("Environment `Zzz` doesn't exist.");
  });

  it("lists the versions that exist, and flags deprecated ones", () => {
    expect(() => make("hjepa/GridMaze-v3")).toThrow(VersionNotFound);
    expect(() => make("hjepa/GridMaze-v3")).toThrow(/It provides versioned environments: \[ `v1`, `v2` \]/);
    expect(() => make("hjepa/GridMaze-v0")).toThrow(DeprecatedEnv);
    expect(() => make("hjepa/GridMaze-v0")).toThrow(/Please use `hjepa\/GridMaze-v2` instead/);
    make("hjepa/GridMaze-v1");
    expect(warnings()).toMatch(/hjepa\/GridMaze-v1 is out of date/);
  });

  it("resolves an unversioned id to the latest version, with a warning", () => {
    expect(spec("hjepa/GridMaze").id).toBe("hjepa/GridMaze-v2");
    expect(warnings()).toMatch(/Using the latest versioned environment `hjepa\/GridMaze-v2`/);
    expect(make("hjepa/GridMaze").spec?.id).toBe("hjepa/GridMaze-v2");
  });

  it("warns when overriding an id and refuses versioned/unversioned clashes", () => {
    register({ id: "Walk-v0", entryPoint: walk, kwargs: { size: 9 } });
    expect(warnings()).toMatch(/Overriding environment Walk-v0 already in registry/);
    expect(spec("Walk-v0").kwargs).toEqual({ size: 9 });
    expect(() => register({ id: "Walk", entryPoint: walk })).toThrow(RegistrationError);
    register({ id: "Plain", entryPoint: walk });
    expect(() => register({ id: "Plain-v1", entryPoint: walk })).toThrow(/unversioned environment `Plain`/);
  });

  it("lists, looks up, scopes and removes registrations", () => {
    expect(registeredIds()).toEqual([
      "Walk-v0",
      "hjepa/GridMaze-v1",
      "hjepa/GridMaze-v2",
      "hjepa/PointMaze-v0",
    ]);
    expect(registry.get("Walk-v0")?.entryPoint).toBe(walk);
    namespace("lab", () => register({ id: "Walk-v0", entryPoint: walk }));
    expect(registeredIds()).toContain("lab/Walk-v0");
    expect(spec("lab/Walk-v0").namespace).toBe("lab");
    expect(deregister("lab/Walk-v0")).toBe(true);
    expect(deregister("lab/Walk-v0")).toBe(false);
  });
});
