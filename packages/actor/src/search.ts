import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import {
  type ContinuousActions,
  type DiscreteActions,
  describeActions,
  type PlannerActions,
} from "./actionSpace.ts";
import { LatentFutures } from "./latentFutures.ts";
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
  /** Cost units allowed (`PlanRequest.budget`). */
  readonly budget: number;
  /** Cost units of one predictor call on one candidate at the planned level (`costPerCall`, 1 for bare dynamics). */
  readonly callCost: number;
  /**
   * Candidate-steps the budget pays for: `floor(budget / (callCost x futures))`. Planners size their searches
   * by it.
   */
  readonly capacity: number;
  /**
   * Predictor calls per candidate-step, each paid for: 1, M futures in latent modes "sample"/"worst", or every
   * latent code in "adversarial".
   */
  readonly futures: number;
  /** The level planned at. */
  readonly level: number;
  readonly space: PlannerActions;
  /** Candidate-steps used so far. */
  used = 0;
  private readonly t0 = performance.now();
  private best: Incumbent | null = null;
  /** Futures per candidate, the plan's latent scenarios, and how a batch is rolled out over them. */
  private readonly latent: LatentFutures;

  /**
   * `futures`: the planner scores every candidate through `evaluate`, so it can plan over sampled latent futures
   * (`PlanRequest.latent` mode "sample", "worst" or "adversarial"); other planners get an `InputError` for those
   * modes.
   */
  constructor(
    readonly request: PlanRequest,
    readonly planner: string,
    { futures = false }: { futures?: boolean } = {},
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
    if (!(Number.isFinite(budget) && budget > 0)) {
      throw new Error(`${where}: budget must be a positive number of cost units (got ${budget})`);
    }
    const callCost = request.model.costPerCall ?? 1;
    if (!(Number.isFinite(callCost) && callCost > 0)) {
      throw new Error(`${where}: the model's costPerCall must be a positive number (got ${callCost})`);
    }
    this.space = describeActions(request.actions, where);
    this.horizon = horizon;
    this.k = this.space.k;
    this.d = state.shape[1];
    this.budget = budget;
    this.callCost = callCost;
    this.level = request.model.level ?? 1;
    this.latent = new LatentFutures(request, planner, futures);
    this.futures = this.latent.futures;
    // The epsilon keeps an exact budget (e.g. 4096 units at cost 1) from losing a call to rounding.
    this.capacity = Math.floor(budget / (callCost * this.futures) + 1e-9);
  }

  /** "N candidate-steps", with their cost in units when a call costs other than 1: for messages. */
  need(calls: number): string {
    const units = calls * this.callCost * this.futures;
    const each =
      this.futures === 1
        ? ""
        : this.latent.mode === "adversarial"
          ? ` with each of ${this.futures} latent codes predicted`
          : ` in ${this.futures} latent futures each`;
    return this.callCost === 1 && this.futures === 1
      ? `${calls} candidate-steps`
      : `${calls} candidate-steps${each} (${Number(units.toPrecision(6))} cost units at level ${this.level})`;
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

  /** Candidate-steps still affordable. */
  get remaining(): number {
    return this.capacity - this.used;
  }

  /** Reserves `calls` candidate-steps; throws (a planner bug) rather than exceed the budget. */
  charge(calls: number): void {
    if (this.used + calls > this.capacity) {
      throw new Error(
        `${this.planner}: would use ${this.need(this.used + calls)}, over the budget of ${this.budget} ` +
          `cost units; this is a bug in the planner's budget arithmetic`,
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
    const { request, latent } = this;
    const [states, total, feasible] = tf.tidy(() => {
      const { rows, states: s } = latent.rollout(request, tf.tensor3d(actions, [count, h, k]));
      const ev = request.cost.evaluate({ states: s, actions: rows, start: request.state }, request.goal);
      return [s, ev.total, ev.feasible];
    });
    const raw = scoreOf(total, feasible);
    tf.dispose([total, feasible]);
    const scored = latent.score(raw, count);
    const best = scored.order[0] as number;
    const row = "representative" in scored ? (scored.representative as Int32Array)[best] : best;
    this.offer(actions, states, scored, best, force, row);
    states.dispose();
    return scored;
  }

  /**
   * Makes candidate `i` of a scored batch the incumbent when it ranks before it (reads its states: row `row` of
   * `states`, candidate i's own unless its futures have rows of their own).
   */
  offer(actions: Float32Array, states: tf.Tensor3D, scored: Scored, i: number, force = false, row = i): void {
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
    const picked = tf.tidy(() => tf.slice(states, [row, 0, 0], [1, h, d]));
    const predicted = picked.dataSync().slice() as Float32Array;
    picked.dispose();
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
        level: this.level,
        predictorCalls: this.used * this.futures,
        costUnits: this.used * this.futures * this.callCost,
        iterations,
        ms: performance.now() - this.t0,
        feasible: best.feasible,
      },
    };
  }
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
      `${planner}: budget ${search.budget} is too small for horizon ${h}: ${what} needs ${search.need(needed)}`,
    );
  }
  return { rounds, perRound: size };
}
