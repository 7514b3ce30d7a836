/**
 * Gymnasium's passive checks (`gymnasium/utils/passive_env_checker.py`): they inspect spaces and the values
 * returned by `reset`, `step` and `render` and return them unchanged. Where Gymnasium asserts they throw an
 * `EnvCheckError`; where it warns they `console.warn` (once per message), unless `strict` is set, in which
 * case API violations throw too (`checkEnv` runs them strictly).
 */
import type { Env, ResetOptions, ResetResult, StepResult } from "../core.ts";
import { EnvCheckError } from "../errors.ts";
import { Box } from "../spaces/box.ts";
import { Dict } from "../spaces/dict.ts";
import { Discrete } from "../spaces/discrete.ts";
import { MultiDiscrete } from "../spaces/multiDiscrete.ts";
import { dtypeOf, Space } from "../spaces/space.ts";
import { Tuple } from "../spaces/tuple.ts";
import { warn } from "./logger.ts";

export interface CheckOptions {
  /** Throw on API violations instead of warning (advisory warnings stay warnings). */
  strict?: boolean;
}

function violation(message: string, opts: CheckOptions): void {
  if (opts.strict) throw new EnvCheckError(message);
  warn(message);
}

function assert(cond: boolean, message: string): asserts cond {
  if (!cond) throw new EnvCheckError(message);
}

export function typeName(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (typeof x === "object") return (x as object).constructor?.name ?? "Object";
  return typeof x;
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Checks that a space is a `Space` and is well formed; `spaceType` names it in messages. */
export function checkSpace(space: unknown, spaceType: "observation" | "action"): void {
  if (!(space instanceof Space)) {
    throw new TypeError(
      `${spaceType} space does not inherit from gymnasium-js Space, actual type: ${typeName(space)}`,
    );
  }
  if (space instanceof Box) {
    assert(
      space.low.length === space.size && space.high.length === space.size,
      `The Box ${spaceType} space has ${space.low.length} low and ${space.high.length} high bounds, its shape ` +
        `${JSON.stringify(space.shape)} needs ${space.size}`,
    );
    const Name = spaceType === "observation" ? "observation" : "action";
    if (space.low.some((v, i) => v === space.high[i])) {
      warn(`A Box ${Name} space maximum and minimum values are equal. (${space.toString()})`);
    } else if (space.low.some((v, i) => v > (space.high[i] as number))) {
      warn(`A Box ${Name} space low value is greater than a high value. (${space.toString()})`);
    }
  } else if (space instanceof Discrete) {
    assert(
      space.n > 0,
      `Discrete ${spaceType} space's number of elements must be positive, actual: ${space.n}`,
    );
    assert(
      space.shape.length === 0,
      `Discrete ${spaceType} space's shape should be empty, actual: [${space.shape}]`,
    );
  } else if (space instanceof MultiDiscrete) {
    assert(
      space.shape.length === 1 && space.shape[0] === space.nvec.length,
      `Multi-discrete ${spaceType} space's shape must equal the nvec shape, shape: [${space.shape}], nvec length: ${space.nvec.length}`,
    );
    assert(
      space.nvec.every((n) => n > 0),
      `Multi-discrete ${spaceType} space's nvec elements must all be > 0, actual nvec: [${Array.from(space.nvec)}]`,
    );
  } else if (space instanceof Tuple) {
    assert(space.spaces.length > 0, `An empty Tuple ${spaceType} space is not allowed.`);
    for (const s of space.spaces) checkSpace(s, spaceType);
  } else if (space instanceof Dict) {
    assert(space.keys().length > 0, `An empty Dict ${spaceType} space is not allowed.`);
    for (const k of space.keys()) checkSpace(space.spaces[k], spaceType);
  }
}

export function checkObservationSpace(space: unknown): void {
  checkSpace(space, "observation");
}

export function checkActionSpace(space: unknown): void {
  checkSpace(space, "action");
}

/** Checks that `obs` has the type the observation space implies and lies in it. */
export function checkObs(
  obs: unknown,
  space: Space<unknown, unknown>,
  methodName: string,
  opts: CheckOptions = {},
): void {
  const pre = `The obs returned by the \`${methodName}()\` method`;
  if (space instanceof Discrete) {
    if (typeof obs !== "number" || !Number.isInteger(obs)) {
      violation(`${pre} should be an integer number, actual type: ${typeName(obs)}`, opts);
    }
  } else if (space instanceof Box) {
    const d = dtypeOf(obs);
    if (d === null) violation(`${pre} was expecting a typed array, actual type: ${typeName(obs)}`, opts);
    else if (d !== space.dtype) {
      violation(`${pre} was expecting a typed array of dtype ${space.dtype}, actual dtype: ${d}`, opts);
    }
  } else if (space instanceof MultiDiscrete) {
    if (!(obs instanceof Int32Array))
      violation(`${pre} was expecting an Int32Array, actual type: ${typeName(obs)}`, opts);
  } else if (space instanceof Tuple) {
    if (!Array.isArray(obs)) violation(`${pre} was expecting an array, actual type: ${typeName(obs)}`, opts);
    const arr = obs as unknown[];
    assert(
      arr?.length === space.spaces.length,
      `${pre} length is not same as the observation space length, obs length: ${arr?.length}, space length: ${space.spaces.length}`,
    );
    space.spaces.forEach((s: Space<unknown, unknown>, i: number) => {
      checkObs(arr[i], s, methodName, opts);
    });
  } else if (space instanceof Dict) {
    assert(isPlainObject(obs), `${pre} must be a plain object, actual type: ${typeName(obs)}`);
    const obsKeys = Object.keys(obs).sort();
    const spaceKeys = space.keys();
    assert(
      obsKeys.length === spaceKeys.length && obsKeys.every((k, i) => k === spaceKeys[i]),
      `${pre} keys are not the observation space keys, obs keys: [${obsKeys}], space keys: [${spaceKeys}]`,
    );
    for (const k of spaceKeys) checkObs(obs[k], space.spaces[k] as Space<unknown, unknown>, methodName, opts);
  }
  let inside: boolean;
  try {
    inside = space.contains(obs);
  } catch (e) {
    violation(
      `${pre} is not within the observation space ${space.toString()}, contains threw: ${String(e)}`,
      opts,
    );
    return;
  }
  if (!inside) violation(`${pre} is not within the observation space ${space.toString()}`, opts);
}

/** Runs `env.reset(opts)` and checks that it returned `{obs, info}` with obs in the space and info an object. */
export function envResetPassiveChecker<Obs>(
  env: Env<Obs, unknown>,
  resetOpts?: ResetOptions,
  opts: CheckOptions = {},
): ResetResult<Obs> {
  const result = env.reset(resetOpts);
  if (typeof result !== "object" || result === null || !("obs" in result) || !("info" in result)) {
    violation(
      `The result returned by \`env.reset()\` was not an object of the form {obs, info}, actual: ${typeName(result)}` +
        (result && typeof result === "object" ? ` with keys [${Object.keys(result)}]` : ""),
      opts,
    );
    return result;
  }
  checkObs(result.obs, env.observationSpace, "reset", opts);
  assert(
    isPlainObject(result.info),
    `The info returned by \`env.reset()\` must be a plain object, actual type: ${typeName(result.info)}`,
  );
  return result;
}

const STEP_KEYS = ["obs", "reward", "terminated", "truncated", "info"] as const;

/** Runs `env.step(action)` and checks the five fields of its result. Actions are not checked (as Gymnasium). */
export function envStepPassiveChecker<Obs, Act>(
  env: Env<Obs, Act>,
  action: Act,
  opts: CheckOptions = {},
): StepResult<Obs> {
  const result = env.step(action);
  assert(
    typeof result === "object" && result !== null,
    `Expects the step result to be an object, actual type: ${typeName(result)}`,
  );
  const missing = STEP_KEYS.filter((k) => !(k in result));
  if (missing.length > 0) {
    throw new EnvCheckError(
      `Expected \`env.step()\` to return {obs, reward, terminated, truncated, info}, missing: ${missing.join(", ")}`,
    );
  }
  if (typeof result.terminated !== "boolean") {
    violation(
      `Expects \`terminated\` signal to be a boolean, actual type: ${typeName(result.terminated)}`,
      opts,
    );
  }
  if (typeof result.truncated !== "boolean") {
    violation(
      `Expects \`truncated\` signal to be a boolean, actual type: ${typeName(result.truncated)}`,
      opts,
    );
  }
  checkObs(result.obs, env.observationSpace, "step", opts);
  if (typeof result.reward !== "number") {
    violation(
      `The reward returned by \`step()\` must be a number, actual type: ${typeName(result.reward)}`,
      opts,
    );
  } else if (Number.isNaN(result.reward)) {
    violation("The reward is a NaN value.", opts);
  } else if (!Number.isFinite(result.reward)) {
    violation(`The reward is an inf value (${result.reward}).`, opts);
  }
  assert(
    isPlainObject(result.info),
    `The \`info\` returned by \`step()\` must be a plain object, actual type: ${typeName(result.info)}`,
  );
  return result;
}

/** Checks that a render result matches the render mode (rgb_array: a {width, height, data} RGB frame). */
export function checkRenderReturn(renderMode: string, value: unknown, opts: CheckOptions = {}): void {
  if (renderMode === "human") {
    if (value !== null && value !== undefined)
      violation(`Human rendering should return null, got ${typeName(value)}`, opts);
  } else if (renderMode === "rgb_array") {
    const f = value as { width?: unknown; height?: unknown; data?: unknown } | null;
    if (typeof f !== "object" || f === null || !(f.data instanceof Uint8Array)) {
      violation(
        `RGB-array rendering should return {width, height, data: Uint8Array}, got ${typeName(value)}`,
        opts,
      );
      return;
    }
    const { width, height, data } = f as { width: number; height: number; data: Uint8Array };
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      violation(
        `RGB-array rendering should have positive integer width and height, got ${width} x ${height}`,
        opts,
      );
    } else if (data.length !== width * height * 3) {
      violation(
        `RGB-array rendering should hold width * height * 3 = ${width * height * 3} bytes, got ${data.length}`,
        opts,
      );
    }
  } else if (renderMode === "ansi" || renderMode === "ascii") {
    if (typeof value !== "string")
      violation(`ANSI/ASCII rendering should produce a string, got ${typeName(value)}`, opts);
  } else if (renderMode.endsWith("_list")) {
    if (!Array.isArray(value)) {
      violation(`Render mode \`${renderMode}\` should produce an array, got ${typeName(value)}`, opts);
    } else {
      for (const item of value) checkRenderReturn(renderMode.slice(0, -"_list".length), item, opts);
    }
  }
}

/** Checks the declared render modes and fps, then renders once and checks the frame against the render mode. */
export function envRenderPassiveChecker(env: Env<unknown, unknown>, opts: CheckOptions = {}): unknown {
  const renderModes = env.metadata?.renderModes as unknown;
  if (renderModes === undefined || renderModes === null) {
    warn(
      "No render modes was declared in the environment (env.metadata.renderModes is not defined), you may have trouble when calling `render()`.",
    );
  } else if (!Array.isArray(renderModes)) {
    violation(`Expects the renderModes to be an array, actual type: ${typeName(renderModes)}`, opts);
  } else {
    if (!renderModes.every((m) => typeof m === "string")) {
      violation(`Expects all render modes to be strings, actual: ${JSON.stringify(renderModes)}`, opts);
    }
    const fps = env.metadata.renderFps as unknown;
    if (renderModes.length > 0) {
      if (fps === undefined || fps === null) {
        warn(
          "No render fps was declared in the environment (env.metadata.renderFps is not defined), rendering may occur at inconsistent fps.",
        );
      } else if (typeof fps !== "number") {
        violation(`Expects env.metadata.renderFps to be a number, actual type: ${typeName(fps)}`, opts);
      } else {
        assert(fps > 0, `Expects env.metadata.renderFps to be greater than zero, actual value: ${fps}`);
      }
    }
    if (renderModes.length === 0) {
      assert(
        env.renderMode === null,
        `With no renderModes, expects env.renderMode to be null, actual: ${env.renderMode}`,
      );
    } else {
      assert(
        env.renderMode === null || renderModes.includes(env.renderMode),
        `The environment was initialized with an unsupported render mode: ${env.renderMode}, modes: [${renderModes}]`,
      );
    }
  }
  const result = env.render();
  if (env.renderMode !== null) checkRenderReturn(env.renderMode, result, opts);
  return result;
}
