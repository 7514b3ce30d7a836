import { z } from "zod";
import { clipInto, shiftedWarmStart, tiledCenter, type WarmStartFill } from "./actionSpace.ts";
import {
  cemOptionShape,
  fraction,
  nonNegativeNumber,
  parsePlannerOptions,
  positiveInt,
  positiveNumber,
  warmStartFillOption,
} from "./plannerOptions.ts";
import { registerPlanner } from "./registry.ts";
import { eliteCount, Search, splitBudget } from "./search.ts";
import type { Planner, PlanRequest, PlanResult } from "./types.ts";

/**
 * Options of `cem` (Gaussian cross-entropy method over continuous action sequences). Units of `initStd` and
 * `minStd`: half-widths of the action box (1 on unbounded dimensions).
 */
export interface CemOptions {
  /** Refinement rounds (default 5); fewer when the budget cannot pay for a population of 2. */
  iterations?: number;
  /** Candidates per round (default: budget / (horizon x iterations), all of the budget). */
  population?: number;
  /** Elites per round: a fraction of the population when < 1, else a count (default 0.1). */
  elites?: number;
  /** Initial sampling std (default 0.5). */
  initStd?: number;
  /** Floor of the sampling std (default 0.05), so the search never freezes. */
  minStd?: number;
  /** Weight of the previous mean/std in each update, in [0, 1) (default 0.1). */
  momentum?: number;
  /** Last step of the shifted warm start: repeat the last action or zero (default "repeat"). */
  warmStartFill?: WarmStartFill;
}

const NAME = "cem";
/** The options of `cem` as a config gives them (`agent.plannerOptions`), with their defaults and bounds. */
export const cemOptionsSchema = z
  .object({
    iterations: positiveInt().default(5),
    ...cemOptionShape(),
    initStd: positiveNumber().default(0.5),
    minStd: nonNegativeNumber().default(0.05),
    momentum: fraction().default(0.1),
    warmStartFill: warmStartFillOption(),
  })
  .strict();

/**
 * Each round samples `population` sequences around the mean (the first is the mean itself), clips them into
 * the box, rolls all of them out in one batch per step, and refits mean and std to the elites (feasible
 * first, then lowest cost). Returns the best sequence seen.
 */
export function cemPlanner(options: CemOptions = {}): Planner {
  const {
    iterations,
    population,
    elites,
    initStd,
    minStd,
    momentum,
    warmStartFill: fill,
  } = parsePlannerOptions(NAME, cemOptionsSchema, options);

  return {
    name: NAME,
    plan(request: PlanRequest): PlanResult {
      const search = new Search(request, NAME, { futures: true });
      const { horizon: h, k } = search;
      const space = search.continuous();
      const rollouts = Math.floor(search.capacity / h);
      const { rounds, perRound: pop } = splitBudget(NAME, search, rollouts, iterations, population);
      const nElites = eliteCount(elites, pop);
      const size = h * k;
      const mean = shiftedWarmStart(request.warmStart, space, h, fill, NAME) ?? tiledCenter(space, h);
      const std = Float32Array.from({ length: size }, (_, i) => initStd * (space.scale[i % k] as number));
      const { rng } = request;

      for (let round = 0; round < rounds; round++) {
        const cand = new Float32Array(pop * size);
        cand.set(mean);
        for (let i = size; i < cand.length; i++) {
          const j = i % size;
          cand[i] = (mean[j] as number) + (std[j] as number) * rng.normal();
        }
        clipInto(cand, space);
        const { order } = search.evaluate(cand, pop);
        for (let j = 0; j < size; j++) {
          let m = 0;
          for (let e = 0; e < nElites; e++) m += cand[(order[e] as number) * size + j] as number;
          m /= nElites;
          let v = 0;
          for (let e = 0; e < nElites; e++) v += ((cand[(order[e] as number) * size + j] as number) - m) ** 2;
          const s = Math.sqrt(v / nElites);
          mean[j] = momentum * (mean[j] as number) + (1 - momentum) * m;
          std[j] = Math.max(
            momentum * (std[j] as number) + (1 - momentum) * s,
            minStd * (space.scale[j % k] as number),
          );
        }
      }
      return search.result(rounds);
    },
  };
}

registerPlanner(NAME, { schema: cemOptionsSchema, create: (options) => cemPlanner(options) });
