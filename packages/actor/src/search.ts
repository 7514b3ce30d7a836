import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import {
  type ContinuousActions,
  type DiscreteActions,
  describeActions,
  type PlannerActions,
} from "./actionSpace.ts";
import type { PlannerModel, PlanRequest, PlanResult } from "./types.ts";

/**
 * Rolls `actions [C, H, k]` out from `start [1, d]`: one batched predictor call per step (never per
 * candidate). Differentiable; returns the trajectory's states `[C, H, d]`.
 */
export function rollout(model: PlannerModel, start: tf.Tensor2D, actions: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const [c, h] = actions.shape;
    const steps = tf.unstack(actions, 1) as tf.Tensor2D[];
    let s = tf.tile(start, [c, 1]) as tf.Tensor2D;
    const out: tf.Tensor2D[] = [];
    for (let t = 0; t < h; t++) {
      s = model.predict(s, steps[t] as tf.Tensor2D);
      out.push(s);
    }
    return tf.stack(out, 1) as tf.Tensor3D;
  });
}

/** Candidate order: feasible before infeasible, then lower total; NaN totals last; ties by index. */
export function rankCandidates(total: ArrayLike<number>, feasible: ArrayLike<number>): Int32Array {
  const n = total.length;
  const key = (i: number) => {
    const t = total[i] as number;
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const fa = (feasible[a] as number) > 0 ? 0 : 1;
    const fb = (feasible[b] as number) > 0 ? 0 : 1;
    if (fa !== fb) return fa - fb;
    const d = key(a) - key(b);
    return d !== 0 && !Number.isNaN(d) ? d : a - b;
  });
}

/** True when (feasible a, total a) ranks strictly before (feasible b, total b). */
export function ranksBefore(ta: number, fa: boolean, tb: number, fb: boolean): boolean {
  if (fa !== fb) return fa;
  const x = Number.isNaN(ta) ? Number.POSITIVE_INFINITY : ta;
  const y = Number.isNaN(tb) ? Number.POSITIVE_INFINITY : tb;
  return x < y;
}

export interface Scored {
  total: Float32Array;
  feasible: Float32Array;
  /** Indices by rank (best first). */
  order: Int32Array;
}

/** Reads a batch's totals and feasibility (the tensors stay owned by the caller) and ranks it. */
export function scoreOf(total: tf.Tensor1D, feasible: tf.Tensor1D): Scored {
  const t = total.dataSync() as Float32Array;
  const f = feasible.dataSync() as Float32Array;
  return { total: t, feasible: f, order: rankCandidates(t, f) };
}

/** The best candidate seen so far. */
interface Incumbent {
  actions: Float32Array;
  predicted: Float32Array;
  total: number;
  feasible: boolean;
}

/**
 * One `plan` call's bookkeeping: request checks, the budget (charged before any predictor call, so it can
 * never be exceeded), candidate evaluation (rollout + cost, one batch) and the best candidate seen.
 * Candidate actions are in the model's units: box values, or discrete action values (start + index).
 */
export class Search {
  readonly horizon: number;
  readonly k: number;
  readonly d: number;
  readonly budget: number;
  readonly space: PlannerActions;
  used = 0;
  private readonly t0 = performance.now();
  private best: Incumbent | null = null;

  constructor(
    readonly request: PlanRequest,
    readonly planner: string,
  ) {
    const { state, goal, horizon, budget } = request;
    const where = `${planner}.plan`;
    if (state?.rank !== 2 || state.shape[0] !== 1) {
      throw new Error(`${where}: state must be a [1, d] tensor (got [${state?.shape}])`);
    }
    if (goal?.rank !== 2 || goal.shape[0] !== 1 || goal.shape[1] !== state.shape[1]) {
      throw new Error(`${where}: goal must be [1, ${state.shape[1]}] like the state (got [${goal?.shape}])`);
    }
    if (!(Number.isSafeInteger(horizon) && horizon > 0)) {
      throw new Error(`${where}: horizon must be a positive integer (got ${horizon})`);
    }
    if (!(Number.isSafeInteger(budget) && budget > 0)) {
      throw new Error(
        `${where}: budget must be a positive integer number of candidate-steps (got ${budget})`,
      );
    }
    this.space = describeActions(request.actionSpace, where);
    this.horizon = horizon;
    this.k = this.space.k;
    this.d = state.shape[1];
    this.budget = budget;
  }

  /** The action space of a planner for Box actions; a Discrete space is an error that names the alternatives. */
  continuous(): ContinuousActions {
    if (this.space.kind !== "continuous") {
      throw new InputError(
        `${this.planner}: needs a Box action space; use categorical-cem, beam or graph for Discrete actions`,
      );
    }
    return this.space;
  }

  /** The action space of a planner for Discrete actions; a Box space is an error that names the alternatives. */
  discrete(): DiscreteActions {
    if (this.space.kind !== "discrete") {
      throw new InputError(
        `${this.planner}: needs a Discrete action space; use cem, mppi or gradient for Box actions`,
      );
    }
    return this.space;
  }

  /** Milliseconds since the search started. */
  elapsedMs(): number {
    return performance.now() - this.t0;
  }

  get remaining(): number {
    return this.budget - this.used;
  }

  /** Reserves `calls` candidate-steps; throws (a planner bug) rather than exceed the budget. */
  charge(calls: number): void {
    if (this.used + calls > this.budget) {
      throw new Error(
        `${this.planner}: would use ${this.used + calls} predictor calls (candidate-steps), over the budget of ` +
          `${this.budget}; this is a bug in the planner's budget arithmetic`,
      );
    }
    this.used += calls;
  }

  /**
   * Rolls out and scores `count` candidates `[count * H * k]`, updating the best seen. With `force`, the
   * batch's best replaces the incumbent even at a higher cost, unless that would trade a feasible incumbent
   * for an infeasible candidate (how planners that return a mean, not the best sample, finish).
   */
  evaluate(actions: Float32Array, count: number, { force = false } = {}): Scored {
    const { horizon: h, k } = this;
    if (actions.length !== count * h * k) {
      throw new Error(
        `${this.planner}: ${actions.length} action values for ${count} candidates x ${h} x ${k}`,
      );
    }
    this.charge(count * h);
    const { request } = this;
    const [states, total, feasible] = tf.tidy(() => {
      const a = tf.tensor3d(actions, [count, h, k]);
      const s = rollout(request.model, request.state, a);
      const ev = request.cost.evaluate({ states: s, actions: a, start: request.state }, request.goal);
      return [s, ev.total, ev.feasible];
    });
    const scored = scoreOf(total, feasible);
    tf.dispose([total, feasible]);
    this.offer(actions, states, scored, scored.order[0] as number, force);
    states.dispose();
    return scored;
  }

  /** Makes candidate `i` of a scored batch the incumbent when it ranks before it (reads its states). */
  offer(actions: Float32Array, states: tf.Tensor3D, scored: Scored, i: number, force = false): void {
    const total = scored.total[i] as number;
    const feasible = (scored.feasible[i] as number) > 0;
    const best = this.best;
    if (best !== null) {
      const wins = force
        ? feasible || !best.feasible
        : ranksBefore(total, feasible, best.total, best.feasible);
      if (!wins) return;
    }
    const { horizon: h, k, d } = this;
    const row = tf.tidy(() => tf.slice(states, [i, 0, 0], [1, h, d]));
    const predicted = row.dataSync().slice() as Float32Array;
    row.dispose();
    this.best = { actions: actions.slice(i * h * k, (i + 1) * h * k), predicted, total, feasible };
  }

  /** The best candidate seen, or null before any evaluation. */
  incumbent(): Readonly<Incumbent> | null {
    return this.best;
  }

  /** The plan to return: the best candidate seen. */
  result(iterations: number): PlanResult {
    const best = this.best;
    if (best === null) throw new Error(`${this.planner}: no candidate was evaluated (budget ${this.budget})`);
    return {
      actions: best.actions,
      predicted: best.predicted,
      cost: best.total,
      horizon: this.horizon,
      actionDim: this.k,
      dim: this.d,
      stats: {
        predictorCalls: this.used,
        iterations,
        ms: performance.now() - this.t0,
        feasible: best.feasible,
      },
    };
  }
}

/**
 * A planner option the user gave that is not valid: `option` is its name and `rule` what it must be, so that a
 * config check can name the field (`agent.plannerOptions.population`) without reading the message.
 */
export class PlannerOptionError extends InputError {
  override name = "PlannerOptionError";
  constructor(
    message: string,
    readonly planner: string,
    readonly option: string,
    readonly rule: string,
  ) {
    super(message);
  }
}

/** A planner option: `value` when given (checked by `ok`), else `fallback`. */
export function option<T>(
  options: Record<string, unknown>,
  name: string,
  fallback: T,
  ok: (v: unknown) => boolean,
  expected: string,
  planner: string,
): T {
  const v = options[name];
  if (v === undefined) return fallback;
  if (!ok(v)) {
    const rule = `must be ${expected}`;
    throw new PlannerOptionError(
      `${planner}: option ${name} ${rule} (got ${JSON.stringify(v)})`,
      planner,
      name,
      rule,
    );
  }
  return v as T;
}

export const isPositiveInt = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) > 0;
export const isPositive = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v) && v > 0;
export const isFraction = (v: unknown): boolean => typeof v === "number" && v >= 0 && v < 1;
export const isNonNegative = (v: unknown): boolean => typeof v === "number" && v >= 0;
/** A sample or population size: an integer >= 2. */
export const isSampleCount = (v: unknown): boolean => isPositiveInt(v) && (v as number) >= 2;

/**
 * The two CEMs' `population` (sequences per round; undefined: the budget split over the rounds) and `elites`
 * (a fraction of the population in (0, 1), or a count; default 0.1).
 */
export function cemOptions(
  o: Record<string, unknown>,
  planner: string,
): { population: number | undefined; elites: number } {
  const population = option<number | undefined>(
    o,
    "population",
    undefined,
    isSampleCount,
    "an integer >= 2",
    planner,
  );
  const elites = option(
    o,
    "elites",
    0.1,
    (v) => isPositive(v) && ((v as number) < 1 || Number.isInteger(v)),
    "a fraction in (0, 1) or a positive integer",
    planner,
  );
  return { population, elites };
}

/** How many elites of a population of `population`: `elites` as a fraction (at least 1) or a count (at most all). */
export function eliteCount(elites: number, population: number): number {
  return Math.min(population, elites < 1 ? Math.max(1, Math.ceil(elites * population)) : elites);
}

/**
 * Rounds and candidates per round for population-based planners: with `perRound` given, up to `iterations`
 * rounds of it; otherwise `iterations` rounds sharing the `rollouts` the budget pays for. Throws when that is
 * less than one round of 2 candidates, saying how many candidate-steps are needed.
 */
export function splitBudget(
  planner: string,
  search: Search,
  rollouts: number,
  iterations: number,
  perRound: number | undefined,
  extraSteps = 0,
): { rounds: number; perRound: number } {
  const size = perRound ?? Math.floor(rollouts / iterations);
  const rounds = perRound === undefined ? iterations : Math.min(iterations, Math.floor(rollouts / size));
  if (size < 2 || rounds < 1) {
    const h = search.horizon;
    const needed = (perRound ?? 2 * iterations) * h + extraSteps;
    const what =
      perRound === undefined ? `${iterations} rounds of >= 2 candidates` : `one round of ${perRound}`;
    throw new InputError(
      `${planner}: budget ${search.budget} is too small for horizon ${h}: ${what} needs ${needed} candidate-steps`,
    );
  }
  return { rounds, perRound: size };
}

/** The `warmStartFill` option shared by planners. */
export function fillOption(options: Record<string, unknown>, planner: string): "repeat" | "zero" {
  return option(
    options,
    "warmStartFill",
    "repeat",
    (v) => v === "repeat" || v === "zero",
    '"repeat" or "zero"',
    planner,
  );
}

/** Unknown option names are an error naming the known ones (catches typos in configs). */
export function checkOptionNames(
  options: Record<string, unknown>,
  known: readonly string[],
  planner: string,
): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      const expected = `expected one of ${known.join(", ")}`;
      throw new PlannerOptionError(
        `${planner}: unknown option "${name}"; ${expected}`,
        planner,
        name,
        `is not an option of ${planner}; ${expected}`,
      );
    }
  }
}
