import type { DataPolicy, PlanningEnv } from "../types.ts";
import { type ActionKind, actionKind, toBox } from "./actionKind.ts";
import { type TraverseOptions, traversePolicy } from "./traverse.ts";

/**
 * Behaviour policies for offline data collection. Every policy draws only from the `rng` it is handed (never
 * from the action space's own generator), so a collection seed fixes the actions exactly.
 */

/** Options of the built-in policies, with their defaults (`traverse`'s in `TraverseOptions`). */
export interface PolicyOptions extends TraverseOptions {
  /** momentum (continuous): von Mises concentration of the per-step heading change (8: ~0.36 rad std). */
  kappa?: number;
  /** momentum (continuous): std of the per-step change of the speed (a fraction of full speed). */
  speedStd?: number;
  /** momentum (continuous): the speed stays in [minSpeed, 1] (fractions of full speed). */
  minSpeed?: number;
  /** momentum (discrete): probability of repeating the previous move. */
  repeatProb?: number;
}

export const POLICY_DEFAULTS = { kappa: 8, speedStd: 0.1, minSpeed: 0.2, repeatProb: 0.8 } as const;

/** Uniform actions: each Box dimension uniform in [low, high], a Discrete action uniform over its values. */
export function uniformPolicy(): DataPolicy {
  let kind: ActionKind | null = null;
  return {
    name: "uniform",
    beginEpisode(env) {
      kind = actionKind(env.actionSpace, "uniform");
      return undefined;
    },
    act(env, rng) {
      kind ??= actionKind(env.actionSpace, "uniform");
      if (kind.kind === "discrete") return kind.space.start + rng.int(kind.space.n);
      const { low, high, size } = kind.space;
      const a = new Float32Array(size);
      for (let i = 0; i < size; i++) a[i] = rng.uniform(low[i] as number, high[i] as number);
      return a;
    },
  };
}

/**
 * Smooth exploration. Continuous (a 2-D Box): the heading follows a random walk
 * `theta_t = theta_{t-1} + VonMises(0, kappa)` and the speed a clipped Gaussian random walk in
 * [minSpeed, 1]; the action `speed * (cos theta, sin theta)` is mapped from [-1, 1]^2 onto the Box. Discrete:
 * the previous move is repeated with probability `repeatProb`, otherwise a uniform move is drawn.
 */
export function momentumPolicy(opts: PolicyOptions = {}): DataPolicy {
  const kappa = opts.kappa ?? POLICY_DEFAULTS.kappa;
  const speedStd = opts.speedStd ?? POLICY_DEFAULTS.speedStd;
  const minSpeed = opts.minSpeed ?? POLICY_DEFAULTS.minSpeed;
  const repeatProb = opts.repeatProb ?? POLICY_DEFAULTS.repeatProb;
  check(kappa >= 0, "kappa", kappa, "a number >= 0");
  check(speedStd >= 0, "speedStd", speedStd, "a number >= 0");
  check(minSpeed >= 0 && minSpeed <= 1, "minSpeed", minSpeed, "a number in [0, 1]");
  check(repeatProb >= 0 && repeatProb <= 1, "repeatProb", repeatProb, "a probability in [0, 1]");
  let kind: ActionKind | null = null;
  let theta = 0;
  let speed = 1;
  // -1: no previous move yet in this episode.
  let previous = -1;
  let fresh = true;
  const start = (env: PlanningEnv<unknown, unknown>) => {
    kind = actionKind(env.actionSpace, "momentum");
    if (kind.kind === "box" && kind.space.size !== 2) {
      throw new RangeError(
        `data policy 'momentum': continuous momentum needs a 2-D Box action space (got ${kind.space})`,
      );
    }
    fresh = true;
    previous = -1;
    return kind;
  };
  return {
    name: "momentum",
    beginEpisode(env) {
      start(env);
      return undefined;
    },
    act(env, rng) {
      const k = kind ?? start(env);
      if (k.kind === "discrete") {
        const move =
          previous >= 0 && rng.bernoulli(repeatProb) ? previous : k.space.start + rng.int(k.space.n);
        previous = move;
        return move;
      }
      if (fresh) {
        theta = rng.uniform(-Math.PI, Math.PI);
        speed = rng.uniform(minSpeed, 1);
        fresh = false;
      } else {
        theta += rng.vonMises(0, kappa);
        speed = Math.min(1, Math.max(minSpeed, speed + rng.normal(0, speedStd)));
      }
      return toBox([speed * Math.cos(theta), speed * Math.sin(theta)], k.space);
    },
  };
}

function check(ok: boolean, name: string, got: number, expected: string): void {
  if (!ok || Number.isNaN(got))
    throw new RangeError(`data policy 'momentum': ${name} must be ${expected} (got ${got})`);
}

const BUILT_IN: Record<string, (opts: PolicyOptions) => DataPolicy> = {
  uniform: () => uniformPolicy(),
  momentum: (opts) => momentumPolicy(opts),
  traverse: (opts) => traversePolicy(opts),
};

/** The names `dataPolicy` accepts for this env: the built-ins and the env's own (sorted). */
export function dataPolicyNames(env: PlanningEnv<unknown, unknown>): string[] {
  return [...new Set([...Object.keys(BUILT_IN), ...Object.keys(env.dataPolicies?.() ?? {})])].sort();
}

/**
 * A data policy by name: the env's own policies (`env.dataPolicies()`, which win over a built-in of the same
 * name because the env knows its dynamics) or a built-in (`uniform`, `momentum`, `traverse`, configured by
 * `opts`).
 */
export function dataPolicy(
  name: string,
  env: PlanningEnv<unknown, unknown>,
  opts: PolicyOptions = {},
): DataPolicy {
  const own = env.dataPolicies?.()[name];
  if (own) return own();
  const builtIn = BUILT_IN[name];
  if (builtIn) return builtIn(opts);
  throw new RangeError(
    `unknown data policy '${name}' for ${envName(env)}; available: ${dataPolicyNames(env).join(", ")}`,
  );
}

function envName(env: PlanningEnv<unknown, unknown>): string {
  return env.spec?.id ?? env.constructor.name;
}
