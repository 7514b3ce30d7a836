import {
  type ContinuousActions,
  cemOptionShape,
  clipInto,
  eliteCount,
  fraction,
  nonNegativeNumber,
  type Planner,
  type PlanRequest,
  type PlanResult,
  parsePlannerOptions,
  positiveInt,
  positiveNumber,
  rankCandidates,
  Search,
  tiledCenter,
  type WarmStartFill,
  warmStartFillOption,
} from "@hjepa/actor";
import { InputError } from "@hjepa/errors";
import { z } from "zod";
import { coloredNoiseBasis, sampleColoredNoise } from "./coloredNoise.ts";

const NAME = "icem";
const decayRule = { error: "must be a number >= 1" };
const shareRule = { error: "must be a number in [0, 1]" };

/**
 * The options of `icem` as a config gives them (`agent.plannerOptions`), with the defaults of Pinneri et al.
 * (2020) where they apply. Units of `initStd` and `minStd`: half-widths of the action box.
 */
export const icemOptionsSchema = z
  .object({
    /** CEM iterations per plan (the paper uses 3 or 4); fewer when the budget cannot pay for them. */
    iterations: positiveInt().default(3),
    /**
     * `population`: sequences of the first iteration (default: the largest whose decaying series the budget
     * pays for); `elites`: a fraction of that population, or a count (default 0.1).
     */
    ...cemOptionShape(),
    initStd: positiveNumber().default(0.5),
    /** Floor of the sampling std, so that the search never freezes. */
    minStd: nonNegativeNumber().default(0.05),
    /** Weight of the previous mean and std in each update. */
    momentum: fraction().default(0.1),
    /** Exponent of the noise's power spectrum along time: 0 white (as CEM), 2 brown (the paper's default). */
    noiseBeta: nonNegativeNumber().default(2),
    /** Iteration i samples population / decay^i new sequences (at least twice the elites). */
    populationDecay: z.number(decayRule).min(1, decayRule).default(1.25),
    /** Share of the elites carried into the next iteration (with their cost) and, shifted, into the next plan. */
    keepElites: z.number(shareRule).min(0, shareRule).max(1, shareRule).default(0.3),
    /** Seed the next plan's first iteration with this plan's elites shifted by one step. */
    shiftElites: z.boolean({ error: "must be true or false" }).default(true),
    warmStartFill: warmStartFillOption(),
  })
  .strict();

export type IcemOptions = z.input<typeof icemOptionsSchema>;

/** What an `icem` plan carries to the next decision (read back from `PlanRequest.warmStart`). */
export interface IcemCarry {
  /** The final sampling mean `[H * k]`. */
  mean: Float32Array;
  /** The final elites `[K * H * k]`, best first. */
  elites: Float32Array;
}

export interface IcemPlanResult extends PlanResult {
  icem: IcemCarry;
}

/** A `Planner` whose plans carry what the next plan starts from. */
export interface IcemPlanner extends Planner {
  plan(request: PlanRequest): IcemPlanResult;
}

/** New sequences per iteration from a first population `n0`: `n0 / decay^i`, at least 2 and twice the elites (up to n0). */
export function icemSeries(n0: number, iterations: number, elites: number, decay: number): number[] {
  const floor = Math.max(2, Math.min(n0, 2 * eliteCount(elites, n0)));
  return Array.from({ length: iterations }, (_, i) => Math.max(Math.floor(n0 / decay ** i), floor));
}

/**
 * The populations of a plan (see `icemSeries`). With `population` given,
 * as many of its iterations as `rollouts` pays for; otherwise the largest `n0` whose series fits in `rollouts`
 * (rollouts of the whole horizon). Empty when not even the smallest first iteration fits.
 */
export function icemPopulations(
  rollouts: number,
  iterations: number,
  elites: number,
  decay: number,
  population?: number,
): number[] {
  const series = (n0: number) => icemSeries(n0, iterations, elites, decay);
  const total = sum;
  if (population !== undefined) {
    const out: number[] = [];
    for (const n of series(population)) {
      if (total(out) + n > rollouts) break;
      out.push(n);
    }
    return out;
  }
  if (total(series(2)) > rollouts) return [];
  // The total grows with n0: the largest n0 that fits, by bisection.
  let lo = 2;
  let hi = Math.max(2, rollouts);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(series(mid)) <= rollouts) lo = mid;
    else hi = mid - 1;
  }
  return series(lo);
}

/**
 * iCEM (Pinneri et al. 2020, "Sample-efficient cross-entropy method for real-time planning"). Each iteration
 * samples sequences around the mean with colored noise along time (the first iteration also tries a share of
 * the previous plan's elites shifted by one step; the last also tries the mean itself), clips them into the
 * box, rolls them out in one batch per step, and refits mean and std to the elites of those samples together
 * with the share of the previous iteration's elites it kept (their cost reused: the model and the cost are
 * deterministic). Populations shrink by `populationDecay` per iteration. Returns the best sequence seen; the
 * final mean and elites ride along in the result for the next plan.
 */
export function icemPlanner(options: IcemOptions = {}): IcemPlanner {
  const o = parsePlannerOptions(NAME, icemOptionsSchema, options);

  return {
    name: NAME,
    plan(request: PlanRequest): IcemPlanResult {
      const search = new Search(request, NAME);
      const { horizon: h, k } = search;
      const space = search.continuous();
      const rollouts = Math.floor(search.capacity / h);
      const populations = icemPopulations(rollouts, o.iterations, o.elites, o.populationDecay, o.population);
      if (populations.length === 0) {
        const given = o.population !== undefined;
        const needed = given
          ? (o.population as number)
          : sum(icemSeries(2, o.iterations, o.elites, o.populationDecay));
        const what = given
          ? `one iteration of ${o.population}`
          : `${o.iterations} iterations of >= 2 sequences`;
        throw new InputError(
          `${NAME}: budget ${search.budget} is too small for horizon ${h}: ${what} needs ${search.need(needed * h)}`,
        );
      }
      const size = h * k;
      const nElites = eliteCount(o.elites, populations[0] as number);
      const nKeep = Math.min(nElites, Math.ceil(o.keepElites * nElites));
      const previous = warmStart(request.warmStart, space, h, o.warmStartFill);
      const mean = previous.mean ?? tiledCenter(space, h);
      const std = Float32Array.from({ length: size }, (_, i) => o.initStd * (space.scale[i % k] as number));
      const basis = coloredNoiseBasis(h, o.noiseBeta);
      const noise = new Float32Array(h);
      const { rng } = request;
      // The kept elites of the previous iteration: sequences, costs and feasibility.
      let kept: { actions: Float32Array; total: Float32Array; feasible: Float32Array } = {
        actions: new Float32Array(0),
        total: new Float32Array(0),
        feasible: new Float32Array(0),
      };
      let elites: Float32Array = new Float32Array(0);

      for (const [it, n] of populations.entries()) {
        const cand = new Float32Array(n * size);
        let fixed = 0;
        if (it === 0 && o.shiftElites) {
          for (const e of previous.elites.slice(0, Math.min(nKeep, n - 1))) cand.set(e, size * fixed++);
        }
        if (it === populations.length - 1) cand.set(mean, size * fixed++);
        for (let c = fixed; c < n; c++) {
          for (let j = 0; j < k; j++) {
            sampleColoredNoise(noise, 1, h, basis, rng);
            for (let t = 0; t < h; t++) {
              const i = t * k + j;
              cand[c * size + i] = (mean[i] as number) + (std[i] as number) * (noise[t] as number);
            }
          }
        }
        clipInto(cand, space);
        const scored = search.evaluate(cand, n);
        const pool = {
          actions: concat(cand, kept.actions),
          total: concat(scored.total, kept.total),
          feasible: concat(scored.feasible, kept.feasible),
        };
        const order = rankCandidates(pool.total, pool.feasible).subarray(0, nElites);
        refit(mean, std, pool.actions, order, size, k, space, o);
        elites = gather(pool.actions, order, size);
        const best = order.subarray(0, nKeep);
        kept = {
          actions: gather(pool.actions, best, size),
          total: Float32Array.from(best, (i) => pool.total[i] as number),
          feasible: Float32Array.from(best, (i) => pool.feasible[i] as number),
        };
      }
      return { ...search.result(populations.length), icem: { mean: Float32Array.from(mean), elites } };
    },
  };
}

/** Mean and std (in place) moved toward those of the elites `order` of `actions`, std floored at `minStd`. */
function refit(
  mean: Float32Array,
  std: Float32Array,
  actions: Float32Array,
  order: Int32Array,
  size: number,
  k: number,
  space: ContinuousActions,
  o: { momentum: number; minStd: number },
): void {
  const ne = order.length;
  for (let j = 0; j < size; j++) {
    let m = 0;
    for (const e of order) m += actions[e * size + j] as number;
    m /= ne;
    let v = 0;
    for (const e of order) v += ((actions[e * size + j] as number) - m) ** 2;
    const s = Math.sqrt(v / ne);
    mean[j] = o.momentum * (mean[j] as number) + (1 - o.momentum) * m;
    std[j] = Math.max(
      o.momentum * (std[j] as number) + (1 - o.momentum) * s,
      o.minStd * (space.scale[j % k] as number),
    );
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Rows `rows` of `[N, size]` `values`, in that order. */
function gather(values: Float32Array, rows: ArrayLike<number>, size: number): Float32Array {
  const out = new Float32Array(rows.length * size);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    out.set(values.subarray(i * size, (i + 1) * size), r * size);
  }
  return out;
}

/**
 * The previous decision's mean and elites shifted by one step (the step past their end repeats their last
 * action or is zero, clipped into the box). A previous plan of another planner gives its plan as the mean and
 * no elites; no previous plan (or one of another action size) gives neither.
 */
function warmStart(
  warm: PlanResult | null | undefined,
  space: ContinuousActions,
  h: number,
  fill: WarmStartFill,
): { mean: Float32Array | null; elites: Float32Array[] } {
  if (warm === null || warm === undefined || warm.actionDim !== space.k) return { mean: null, elites: [] };
  const k = space.k;
  const carry = (warm as Partial<IcemPlanResult>).icem;
  const prevH = warm.horizon;
  const shift = (seq: Float32Array) => {
    const out = new Float32Array(h * k);
    for (let t = 0; t < h; t++) {
      const src = Math.min(t + 1, prevH - 1);
      for (let j = 0; j < k; j++) {
        out[t * k + j] = t + 1 < prevH || fill === "repeat" ? (seq[src * k + j] as number) : 0;
      }
    }
    return clipInto(out, space);
  };
  if (carry === undefined) return { mean: shift(warm.actions), elites: [] };
  const size = prevH * k;
  const elites = Array.from({ length: Math.floor(carry.elites.length / size) }, (_, e) =>
    shift(carry.elites.subarray(e * size, (e + 1) * size)),
  );
  return { mean: shift(carry.mean), elites };
}
