import { z } from "zod";
import { clipInto, shiftedWarmStart, tiledCenter, type WarmStartFill } from "./actionSpace.ts";
import {
  parsePlannerOptions,
  positiveInt,
  positiveNumber,
  sampleCount,
  warmStartFillOption,
} from "./plannerOptions.ts";
import { registerPlanner } from "./registry.ts";
import { Search, splitBudget } from "./search.ts";
import type { Planner, PlanRequest, PlanResult } from "./types.ts";

/** Options of `mppi` (model-predictive path integral control, as PLDM plans). */
export interface MppiOptions {
  /** Updates of the nominal sequence (default 3). */
  iterations?: number;
  /** Sampled sequences per update (default: all of the budget, after the final evaluation of the mean). */
  samples?: number;
  /** Std of the action noise, in half-widths of the box (default 0.5). */
  sigma?: number;
  /** Factor applied to sigma after each update (default 1: fixed noise, as PLDM); < 1 anneals. */
  sigmaDecay?: number;
  /** Temperature of the weights exp(-(c - min c) / lambda), in cost units (default 0.1). */
  lambda?: number;
  /** "mean": return the final nominal sequence (costs one extra rollout); "best": the best sample seen. */
  select?: "mean" | "best";
  warmStartFill?: WarmStartFill;
}

const NAME = "mppi";
const sigmaDecayRule = { error: "must be a number in (0, 1]" };

/** The options of `mppi` as a config gives them (`agent.plannerOptions`), with their defaults and bounds. */
export const mppiOptionsSchema = z
  .object({
    iterations: positiveInt().default(3),
    samples: sampleCount().optional(),
    sigma: positiveNumber().default(0.5),
    sigmaDecay: z.number(sigmaDecayRule).positive(sigmaDecayRule).max(1, sigmaDecayRule).default(1),
    lambda: positiveNumber().default(0.1),
    select: z.enum(["mean", "best"], { error: 'must be "mean" or "best"' }).default("mean"),
    warmStartFill: warmStartFillOption(),
  })
  .strict();

/**
 * Each update perturbs the nominal sequence U with Gaussian noise (the first sample is U itself), clips the
 * samples into the box, scores them in one batch, and sets U to their average weighted by
 * exp(-(c_i - min c) / lambda). Infeasible samples (hard constraints) get weight 0 whenever a feasible one
 * exists. With select "mean", the final U is rolled out once more and returned — unless it is infeasible
 * while a feasible sample was seen, in which case that sample is returned.
 */
export function mppiPlanner(options: MppiOptions = {}): Planner {
  const {
    iterations,
    samples,
    sigma,
    sigmaDecay,
    lambda,
    select,
    warmStartFill: fill,
  } = parsePlannerOptions(NAME, mppiOptionsSchema, options);

  return {
    name: NAME,
    plan(request: PlanRequest): PlanResult {
      const search = new Search(request, NAME, { futures: true });
      const { horizon: h, k } = search;
      const space = search.continuous();
      const extra = select === "mean" ? 1 : 0;
      const rollouts = Math.floor(search.capacity / h) - extra;
      const { rounds, perRound: n } = splitBudget(NAME, search, rollouts, iterations, samples, extra * h);
      const size = h * k;
      const nominal = shiftedWarmStart(request.warmStart, space, h, fill, NAME) ?? tiledCenter(space, h);
      const noise = Float32Array.from({ length: size }, (_, i) => sigma * (space.scale[i % k] as number));
      const { rng } = request;
      const weights = new Float64Array(n);

      for (let round = 0; round < rounds; round++) {
        const cand = new Float32Array(n * size);
        cand.set(nominal);
        for (let i = size; i < cand.length; i++) {
          const j = i % size;
          cand[i] = (nominal[j] as number) + (noise[j] as number) * rng.normal();
        }
        clipInto(cand, space);
        const { total, feasible, order } = search.evaluate(cand, n);
        const best = order[0] as number;
        const onlyFeasible = (feasible[best] as number) > 0;
        const cMin = total[best] as number;
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const allowed = !onlyFeasible || (feasible[i] as number) > 0;
          const w = allowed ? Math.exp(-((total[i] as number) - cMin) / lambda) : 0;
          weights[i] = Number.isFinite(w) ? w : 0;
          sum += weights[i] as number;
        }
        if (!(sum > 0)) {
          // Every cost was NaN or infinite: keep the best-ranked sample.
          weights.fill(0);
          weights[best] = 1;
          sum = 1;
        }
        for (let j = 0; j < size; j++) noise[j] = (noise[j] as number) * sigmaDecay;
        nominal.fill(0);
        for (let i = 0; i < n; i++) {
          const w = (weights[i] as number) / sum;
          if (w === 0) continue;
          for (let j = 0; j < size; j++)
            nominal[j] = (nominal[j] as number) + w * (cand[i * size + j] as number);
        }
      }
      if (select === "mean") search.evaluate(clipInto(nominal, space), 1, { force: true });
      return search.result(rounds);
    },
  };
}

registerPlanner(NAME, { schema: mppiOptionsSchema, create: (options) => mppiPlanner(options) });
