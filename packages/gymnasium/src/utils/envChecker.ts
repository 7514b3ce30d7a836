/**
 * Gymnasium's `check_env`: exercises an environment's spaces, `reset`, `step`, seeding, `render` and `close`
 * and throws an `EnvCheckError` naming the first violation of the contract (advisory issues only warn).
 */
import { Env } from "../core.ts";
import { EnvCheckError } from "../errors.ts";
import { make } from "../registration.ts";
import { Box } from "../spaces/box.ts";
import { Dict } from "../spaces/dict.ts";
import type { Space } from "../spaces/space.ts";
import { Tuple } from "../spaces/tuple.ts";
import { dataEquivalence, deepEqual } from "./dataEquivalence.ts";
import { warn } from "./logger.ts";
import {
  checkActionSpace,
  checkObservationSpace,
  checkRenderReturn,
  envRenderPassiveChecker,
  envResetPassiveChecker,
  envStepPassiveChecker,
  typeName,
} from "./passiveEnvChecker.ts";

type AnyEnv = Env<unknown, unknown>;

export interface CheckEnvOptions {
  /** Skip the render checks (default false). */
  skipRenderCheck?: boolean;
  /** Skip the close-twice check (default false). */
  skipCloseCheck?: boolean;
  /**
   * Creates a fresh env like `env` with the given render mode: used to check every declared render mode and
   * close-twice. Without it, `env.spec` is used through `make`; without a spec either, render modes other than
   * `env.renderMode` are not checked (a warning says so) and close-twice is checked on `env` itself at the end.
   */
  createEnv?: (renderMode: string | null) => AnyEnv;
  /** The seed of the determinism checks (default 123; the "other seed" check uses seed + 333). */
  seed?: number;
}

function fail(message: string): never {
  throw new EnvCheckError(message);
}

const strict = { strict: true };

export function checkEnv(env: AnyEnv, opts: CheckEnvOptions = {}): void {
  if (!(env instanceof Env)) {
    throw new TypeError(
      `checkEnv: the environment must be an instance of gymnasium-js Env, actual: ${typeName(env)}`,
    );
  }
  if (env.unwrapped !== env) {
    warn(
      `The environment (${env.toString()}) is different from the unwrapped version (${env.unwrapped.toString()}). ` +
        "This could affect the environment checker as the environment most likely has a wrapper applied to it. " +
        "We recommend using the raw environment for checkEnv using env.unwrapped.",
    );
  }
  const seed = opts.seed ?? 123;

  if (env.actionSpace === undefined) fail(`${env.toString()}: the environment must specify an actionSpace`);
  checkActionSpace(env.actionSpace);
  checkSpaceLimit(env.actionSpace, "action");
  if (env.observationSpace === undefined)
    fail(`${env.toString()}: the environment must specify an observationSpace`);
  checkObservationSpace(env.observationSpace);
  checkSpaceLimit(env.observationSpace, "observation");

  envResetPassiveChecker(env, undefined, strict);
  checkResetSeedDeterminism(env, seed);
  checkResetOptions(env);

  envResetPassiveChecker(env, undefined, strict);
  const stepResult = envStepPassiveChecker(env, env.actionSpace.sample(), strict);
  void stepResult;
  checkStepDeterminism(env, seed);

  const factory = envFactory(env, opts);
  if (!opts.skipRenderCheck) checkRenderModes(env, factory);
  if (!opts.skipCloseCheck) checkCloseTwice(env, factory);
}

function envFactory(env: AnyEnv, opts: CheckEnvOptions): ((mode: string | null) => AnyEnv) | null {
  if (opts.createEnv) return opts.createEnv;
  const spec = env.spec;
  if (spec === null) return null;
  return (mode) => make(spec, { renderMode: mode });
}

/** Warns about unbounded Box spaces and non-normalised Box action spaces (as Gymnasium). */
export function checkSpaceLimit(space: Space<unknown, unknown>, spaceType: "observation" | "action"): void {
  if (space instanceof Box) {
    if (space.low.some((v) => v === Number.NEGATIVE_INFINITY)) {
      warn(`A Box ${spaceType} space minimum value is -infinity. This is probably too low.`);
    }
    if (space.high.some((v) => v === Number.POSITIVE_INFINITY)) {
      warn(`A Box ${spaceType} space maximum value is infinity. This is probably too high.`);
    }
    if (spaceType === "action" && space.shape.length === 1) {
      const irregular = space.low.some((lo, i) => {
        const hi = space.high[i] as number;
        return (lo !== 0 && Math.abs(lo) !== Math.abs(hi)) || lo < -1 || hi > 1;
      });
      if (irregular) {
        warn(
          "For Box action spaces, we recommend using a symmetric and normalized space (range=[-1, 1] or [0, 1]). " +
            `(${space.toString()})`,
        );
      }
    }
  } else if (space instanceof Tuple) {
    for (const s of space.spaces) checkSpaceLimit(s, spaceType);
  } else if (space instanceof Dict) {
    for (const k of space.keys()) checkSpaceLimit(space.spaces[k] as Space<unknown, unknown>, spaceType);
  }
}

function inSpace(env: AnyEnv, obs: unknown, call: string): void {
  if (!env.observationSpace.contains(obs)) {
    fail(
      `The observation returned by \`${call}\` is not within the observation space ${env.observationSpace.toString()}`,
    );
  }
}

function deterministic(env: AnyEnv): boolean {
  return env.spec === null || !env.spec.nondeterministic;
}

/**
 * Same seed -> same initial observation and generator state; `reset()` without a seed continues the stream
 * (the generator object is kept, not reseeded); another seed -> another generator state.
 */
export function checkResetSeedDeterminism(env: AnyEnv, seed = 123): void {
  const base = env.unwrapped;
  const obs1 = env.reset({ seed }).obs;
  inSpace(env, obs1, `env.reset({seed: ${seed}})`);
  const rng1 = base.rng;
  const state1 = rng1.state();

  const obs2 = env.reset().obs;
  inSpace(env, obs2, "env.reset()");
  if (base.rng !== rng1) {
    fail(
      "`env.reset()` without a seed replaced env.rng: without a seed, reset must continue the current stream " +
        "(call this.seedRng(opts?.seed) in reset, which reseeds only when a seed is given)",
    );
  }

  const obs3 = env.reset({ seed }).obs;
  inSpace(env, obs3, `env.reset({seed: ${seed}})`);
  const state3 = base.rng.state();
  const obs4 = env.reset().obs;
  inSpace(env, obs4, "env.reset()");

  if (deterministic(env)) {
    if (!dataEquivalence(obs1, obs3)) {
      fail(
        `Using \`env.reset({seed: ${seed}})\` is non-deterministic as the observations are not equivalent.`,
      );
    }
    if (!dataEquivalence(obs2, obs4)) {
      fail(
        `Using \`env.reset({seed: ${seed}})\` then \`env.reset()\` is non-deterministic as the observations are not equivalent.`,
      );
    }
    if (!deepEqual(obs1, obs3))
      warn(`Using \`env.reset({seed: ${seed}})\` observations are not equal although similar.`);
    if (!deepEqual(obs2, obs4)) {
      warn(
        `Using \`env.reset({seed: ${seed}})\` then \`env.reset()\` observations are not equal although similar.`,
      );
    }
  }
  if (!deepEqual(state1, state3)) {
    fail(
      `Two \`env.reset({seed: ${seed}})\` calls left env.rng in different states: most likely reset does not call ` +
        "this.seedRng(opts?.seed) first, or draws from a generator other than env.rng",
    );
  }

  const other = seed + 333;
  const obs5 = env.reset({ seed: other }).obs;
  inSpace(env, obs5, `env.reset({seed: ${other}})`);
  if (deepEqual(base.rng.state(), state1)) {
    fail(
      `\`env.reset({seed: ${other}})\` and \`env.reset({seed: ${seed}})\` left env.rng in the same state: most likely ` +
        "reset does not call this.seedRng(opts?.seed)",
    );
  }
  if (deepEqual(obs5, obs1)) {
    warn(
      `\`env.reset({seed: ${seed}})\` and \`env.reset({seed: ${other}})\` gave the same observation: the initial ` +
        "observation does not depend on the seed (fine if the start state is fixed).",
    );
  }
}

/** `reset({options: {}})` works. */
export function checkResetOptions(env: AnyEnv): void {
  try {
    env.reset({ options: {} });
  } catch (e) {
    fail(`The environment cannot be reset with options: env.reset({options: {}}) threw: ${String(e)}`);
  }
}

/** The same seed and action give the same step result and generator state (unless spec.nondeterministic). */
export function checkStepDeterminism(env: AnyEnv, seed = 123): void {
  if (!deterministic(env)) return;
  env.actionSpace.seed(seed);
  const action = env.actionSpace.sample();
  env.reset({ seed });
  const r0 = env.step(action);
  const state0 = env.unwrapped.rng.state();
  env.reset({ seed });
  const r1 = env.step(action);
  if (!deepEqual(env.unwrapped.rng.state(), state0)) {
    fail(
      "env.rng is not in the same state after the same seed and action: step draws from another generator?",
    );
  }
  if (!dataEquivalence(r0.obs, r1.obs))
    fail("Deterministic step observations are not equivalent for the same seed and action");
  if (!deepEqual(r0.obs, r1.obs))
    warn("Step observations are not equal although similar given the same seed and action");
  if (!dataEquivalence(r0.reward, r1.reward)) {
    fail(
      `Deterministic step rewards are not equivalent for the same seed and action (${r0.reward} vs ${r1.reward})`,
    );
  }
  if (r0.terminated !== r1.terminated)
    fail("Deterministic step termination are not equivalent for the same seed and action");
  if (r0.truncated !== false || r1.truncated !== false)
    fail("Environment truncates after 1 step, something has gone very wrong.");
  if (!dataEquivalence(r0.info, r1.info))
    fail("Deterministic step info are not equivalent for the same seed and action");
  if (!deepEqual(r0.info, r1.info))
    warn("Step info are not equal although similar given the same seed and action");
}

function checkRenderModes(env: AnyEnv, factory: ((mode: string | null) => AnyEnv) | null): void {
  if (env.renderMode !== null) {
    env.reset();
    envRenderPassiveChecker(env, strict);
  }
  const modes = env.metadata?.renderModes ?? [];
  if (modes.length === 0) return;
  if (factory === null) {
    warn(
      "Not able to test alternative render modes due to the environment not having a spec: create it through " +
        "`make`, or pass checkEnv(env, {createEnv})",
    );
    return;
  }
  for (const mode of modes) {
    const fresh = factory(mode);
    try {
      if (fresh.renderMode !== mode) {
        fail(
          `An env created with renderMode "${mode}" reports renderMode ${JSON.stringify(fresh.renderMode)}`,
        );
      }
      fresh.reset();
      const frame = envRenderPassiveChecker(fresh, strict);
      checkRenderReturn(mode, frame, strict);
    } finally {
      fresh.close();
    }
  }
}

function checkCloseTwice(env: AnyEnv, factory: ((mode: string | null) => AnyEnv) | null): void {
  const target = factory === null ? env : factory(null);
  try {
    target.close();
  } catch (e) {
    fail(`Calling env.close() threw: ${String(e)}`);
  }
  try {
    target.close();
  } catch (e) {
    fail(`Calling env.close() twice should be allowed, but the second call threw: ${String(e)}`);
  }
}
