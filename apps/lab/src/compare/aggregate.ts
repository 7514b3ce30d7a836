import { mean, pairedCounts, pairedDifference, spl, sum, wilsonInterval } from "@hjepa/experiment";
import type { EpisodeNumbers } from "./evalJob.ts";

/**
 * A comparison's numbers from its episodes: one row per arm, budget, bin (and "all") and training seed, plus a
 * row pooled over the seeds; and each arm's paired difference in success against the reference arm.
 *
 * - Success intervals are Wilson 95% score intervals on the row's episodes. Pooled rows count every episode of
 *   every seed as one trial: the spread between seeds shows in the per-seed rows.
 * - The paired difference pairs the two arms' episodes on the same task and training seed and gives
 *   Newcombe's method-10 interval (`pairedDifference` of @hjepa/experiment), pairs of every seed together.
 * - Timing (milliseconds) is kept apart in `timing`: it varies from run to run, the rest does not.
 */

/** What the aggregation needs to know of the comparison. */
export interface AggregateInput {
  arms: { name: string; budgets: { label: string | null; computePerStep: number }[] }[];
  seeds: number[];
  /** Bins in axis order. */
  bins: string[];
  reference: string;
  /** The matched compute per env step: rows whose measured mean exceeds it are flagged. */
  computePerStep: number;
  /** Episodes per `cellKey(arm, budget, seed)`, in task order. */
  episodes: ReadonlyMap<string, readonly EpisodeNumbers[]>;
}

export function cellKey(arm: number, budget: number, seed: number): string {
  return `${arm}|${budget}|${seed}`;
}

export interface ResultRow {
  arm: string;
  /** The budget's label (null: the arm has one budget). */
  budget: string | null;
  /** Compute per env step the agent schedules, in cost units. */
  computePerStep: number;
  bin: string;
  seed: number | "pooled";
  episodes: number;
  successes: number;
  successRate: number;
  ci95: [number, number];
  spl: number;
  /** Hazard entries over the episodes, and the fraction of episodes with at least one. */
  violations: number;
  violationRate: number;
  predictorCallsPerDecision: number;
  /** Measured compute per env step over every level, in cost units (mean over episodes). */
  costUnitsPerStep: number;
  /** The measured compute exceeds the comparison's matched compute per env step. */
  overCompute: boolean;
  meanSteps: number;
  timing: { msPerDecision: number; planningMsPerEpisode: number };
}

export interface PairedRow {
  arm: string;
  budget: string | null;
  bin: string;
  reference: { arm: string; budget: string | null };
  pairs: number;
  both: number;
  onlyArm: number;
  onlyReference: number;
  neither: number;
  /** The arm's success rate minus the reference's over the pairs. */
  difference: number;
  ci95: [number, number];
}

export function aggregate(input: AggregateInput): { results: ResultRow[]; paired: PairedRow[] } {
  const results: ResultRow[] = [];
  const paired: PairedRow[] = [];
  const bins = [...input.bins, "all"];
  const episodesOf = (a: number, b: number, seed: number) => input.episodes.get(cellKey(a, b, seed)) ?? [];
  const inBin = (bin: string) => (e: EpisodeNumbers) => bin === "all" || e.bin === bin;
  const refArm = input.arms.findIndex((a) => a.name === input.reference);
  for (const [a, arm] of input.arms.entries()) {
    for (const [b, budget] of arm.budgets.entries()) {
      const head = { arm: arm.name, budget: budget.label, computePerStep: budget.computePerStep };
      for (const bin of bins) {
        for (const seed of input.seeds) {
          const eps = episodesOf(a, b, seed).filter(inBin(bin));
          results.push({ ...head, bin, seed, ...stats(eps, input.computePerStep) });
        }
        const pooled = input.seeds.flatMap((seed) => episodesOf(a, b, seed).filter(inBin(bin)));
        results.push({ ...head, bin, seed: "pooled", ...stats(pooled, input.computePerStep) });
        if (a === refArm && b === 0) continue;
        const pairs: [boolean, boolean][] = [];
        for (const seed of input.seeds) {
          const reference = new Map(episodesOf(refArm, 0, seed).map((e) => [e.id, e.success]));
          for (const e of episodesOf(a, b, seed).filter(inBin(bin))) {
            const r = reference.get(e.id);
            if (r !== undefined) pairs.push([e.success, r]);
          }
        }
        const d = pairedDifference(pairedCounts(pairs));
        paired.push({
          arm: arm.name,
          budget: budget.label,
          bin,
          reference: { arm: input.reference, budget: input.arms[refArm]?.budgets[0]?.label ?? null },
          pairs: d.pairs,
          both: d.both,
          onlyArm: d.onlyFirst,
          onlyReference: d.onlySecond,
          neither: d.neither,
          difference: d.pairs > 0 ? d.difference : 0,
          ci95: d.ci95,
        });
      }
    }
  }
  return { results, paired };
}

type Stats = Omit<ResultRow, "arm" | "budget" | "computePerStep" | "bin" | "seed">;

/** A row's numbers; means over no episodes are 0 (JSON has no NaN), and such a row says `episodes: 0`. */
function stats(eps: readonly EpisodeNumbers[], matched: number): Stats {
  const successes = eps.filter((e) => e.success).length;
  const avg = (xs: number[]) => (xs.length > 0 ? mean(xs) : 0);
  const decided = eps.filter((e) => e.decisions > 0);
  const costUnitsPerStep = avg(eps.map((e) => e.costUnitsPerStep));
  return {
    episodes: eps.length,
    successes,
    successRate: eps.length > 0 ? successes / eps.length : 0,
    ci95: wilsonInterval(successes, eps.length),
    spl: avg(eps.map((e) => spl(e.success, e.optimal, e.pathLength))),
    violations: sum(eps.map((e) => e.violations)),
    violationRate: eps.length > 0 ? eps.filter((e) => e.violations > 0).length / eps.length : 0,
    predictorCallsPerDecision: avg(decided.map((e) => e.predictorCallsPerDecision)),
    costUnitsPerStep,
    overCompute: costUnitsPerStep > matched,
    meanSteps: avg(eps.map((e) => e.steps)),
    timing: {
      msPerDecision: avg(decided.map((e) => e.msPerDecision)),
      planningMsPerEpisode: avg(eps.map((e) => e.planningMs)),
    },
  };
}
