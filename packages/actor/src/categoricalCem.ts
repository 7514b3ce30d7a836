import { z } from "zod";
import { shiftedWarmStart, type WarmStartFill } from "./actionSpace.ts";
import {
  cemOptionShape,
  fraction,
  parsePlannerOptions,
  positiveInt,
  warmStartFillOption,
} from "./plannerOptions.ts";
import { registerPlanner } from "./registry.ts";
import { eliteCount, Search, splitBudget } from "./search.ts";
import type { Planner, PlanRequest, PlanResult } from "./types.ts";

/** Options of `categorical-cem` (CEM over discrete action sequences). */
export interface CategoricalCemOptions {
  /** Refinement rounds (default 5). */
  iterations?: number;
  /** Candidates per round (default: budget / (horizon x iterations)). */
  population?: number;
  /** Elites per round: a fraction when < 1, else a count (default 0.1). */
  elites?: number;
  /** Weight of the previous probabilities in each update, in [0, 1) (default 0.2). */
  momentum?: number;
  /** Probability mass the shifted warm start puts on its action at each step (default 0.5). */
  warmStartMass?: number;
  warmStartFill?: WarmStartFill;
}

const NAME = "categorical-cem";
const warmStartMassRule = { error: "must be a number in [0, 1]" };

/** The options of `categorical-cem` as a config gives them (`agent.plannerOptions`), with defaults and bounds. */
export const categoricalCemOptionsSchema = z
  .object({
    iterations: positiveInt().default(5),
    ...cemOptionShape(),
    momentum: fraction().default(0.2),
    warmStartMass: z
      .number(warmStartMassRule)
      .min(0, warmStartMassRule)
      .max(1, warmStartMassRule)
      .default(0.5),
    warmStartFill: warmStartFillOption(),
  })
  .strict();

/**
 * One categorical distribution per step `[H, n]` (uniform, or peaked on the shifted warm start). Each round
 * samples `population` sequences (the first is the per-step mode), scores them in one batch per step, and
 * moves the probabilities toward the elites' action frequencies. Returns the best sequence seen.
 */
export function categoricalCemPlanner(options: CategoricalCemOptions = {}): Planner {
  const {
    iterations,
    population,
    elites,
    momentum,
    warmStartMass: warmMass,
    warmStartFill: fill,
  } = parsePlannerOptions(NAME, categoricalCemOptionsSchema, options);

  return {
    name: NAME,
    plan(request: PlanRequest): PlanResult {
      const search = new Search(request, NAME, { futures: true });
      const { horizon: h } = search;
      const space = search.discrete();
      const { n, start } = space;
      const rollouts = Math.floor(search.capacity / h);
      const { rounds, perRound: pop } = splitBudget(NAME, search, rollouts, iterations, population);
      const nElites = eliteCount(elites, pop);
      const probs = new Float64Array(h * n).fill(1 / n);
      const warm = shiftedWarmStart(request.warmStart, space, h, fill, NAME);
      if (warm !== null) {
        for (let t = 0; t < h; t++) {
          for (let a = 0; a < n; a++) probs[t * n + a] = (1 - warmMass) / n + (a === warm[t] ? warmMass : 0);
        }
      }
      const { rng } = request;
      const idx = new Int32Array(pop * h);
      const values = new Float32Array(pop * h);
      const counts = new Float64Array(h * n);

      for (let round = 0; round < rounds; round++) {
        for (let t = 0; t < h; t++) {
          let mode = 0;
          for (let a = 1; a < n; a++)
            if ((probs[t * n + a] as number) > (probs[t * n + mode] as number)) mode = a;
          idx[t] = mode;
        }
        for (let c = 1; c < pop; c++) {
          for (let t = 0; t < h; t++) {
            let u = rng.float();
            let a = 0;
            while (a < n - 1 && u >= (probs[t * n + a] as number)) {
              u -= probs[t * n + a] as number;
              a++;
            }
            idx[c * h + t] = a;
          }
        }
        for (let i = 0; i < idx.length; i++) values[i] = start + (idx[i] as number);
        const { order } = search.evaluate(values.slice(), pop);
        counts.fill(0);
        for (let e = 0; e < nElites; e++) {
          const c = order[e] as number;
          for (let t = 0; t < h; t++) counts[t * n + (idx[c * h + t] as number)] += 1 / nElites;
        }
        for (let i = 0; i < probs.length; i++) {
          probs[i] = momentum * (probs[i] as number) + (1 - momentum) * (counts[i] as number);
        }
      }
      return search.result(rounds);
    },
  };
}

registerPlanner(NAME, {
  schema: categoricalCemOptionsSchema,
  create: (options) => categoricalCemPlanner(options),
});
