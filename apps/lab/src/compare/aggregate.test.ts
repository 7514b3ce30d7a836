import { wilsonInterval } from "@hjepa/experiment";
import { describe, expect, it } from "vitest";
import { aggregate, cellKey } from "./aggregate.ts";
import type { EpisodeNumbers } from "./evalJob.ts";

/** An episode of task `id` (bin far unless "near-*"), success or not, at `cost` cost units per env step. */
function ep(id: string, success: boolean, cost = 100, ms = 2): EpisodeNumbers {
  return {
    id,
    bin: id.startsWith("near") ? "near" : "far",
    success,
    steps: success ? 10 : 40,
    pathLength: success ? 12 : 30,
    optimal: 10,
    violations: id === "far-3" ? 2 : 0,
    decisions: success ? 10 : 40,
    msPerDecision: ms,
    predictorCallsPerDecision: cost,
    costUnitsPerStep: cost,
    planningMs: ms * (success ? 10 : 40),
    levels: [{ level: 1, plans: 10, predictorCalls: 10 * cost, costUnits: 10 * cost }],
  };
}

const T = true;
const F = false;
/** Per seed, the reference's and the arm's outcome on far-0..far-4 and near-0. */
const REF = { 1: [T, T, F, F, T, T], 2: [T, F, F, F, T, T] } as Record<number, boolean[]>;
const ARM = { 1: [T, T, T, F, T, T], 2: [T, T, T, F, F, T] } as Record<number, boolean[]>;
const IDS = ["far-0", "far-1", "far-2", "far-3", "far-4", "near-0"];

function input() {
  const episodes = new Map<string, EpisodeNumbers[]>();
  for (const seed of [1, 2]) {
    episodes.set(
      cellKey(0, 0, seed),
      IDS.map((id, i) => ep(id, REF[seed]?.[i] as boolean)),
    );
    episodes.set(
      cellKey(1, 0, seed),
      IDS.map((id, i) => ep(id, ARM[seed]?.[i] as boolean, 120, 3)),
    );
  }
  return {
    arms: [
      { name: "ref", budgets: [{ label: null, computePerStep: 100 }] },
      { name: "arm", budgets: [{ label: null, computePerStep: 110 }] },
    ],
    seeds: [1, 2],
    bins: ["far", "near"],
    reference: "ref",
    computePerStep: 110,
    episodes,
  };
}

describe("aggregate", () => {
  const { results, paired } = aggregate(input());
  const row = (arm: string, bin: string, seed: number | "pooled") =>
    results.find((r) => r.arm === arm && r.bin === bin && r.seed === seed);

  it("gives a row per arm, bin (and all) and seed, and pooled rows over the seeds", () => {
    expect(results).toHaveLength(2 * 3 * 3);
    expect(row("ref", "far", 1)).toMatchObject({ episodes: 5, successes: 3, successRate: 0.6 });
    expect(row("ref", "far", 1)?.ci95).toEqual(wilsonInterval(3, 5));
    expect(row("ref", "far", "pooled")).toMatchObject({ episodes: 10, successes: 5, violations: 4 });
    expect(row("ref", "far", "pooled")?.violationRate).toBeCloseTo(0.2, 12);
    expect(row("ref", "all", "pooled")).toMatchObject({ episodes: 12, successes: 7 });
    expect(row("ref", "all", "pooled")?.ci95).toEqual(wilsonInterval(7, 12));
    // SPL: a success's optimal 10 over its path 12; failures 0.
    expect(row("arm", "near", 2)?.spl).toBeCloseTo(10 / 12, 12);
    expect(row("arm", "far", "pooled")?.timing).toEqual({
      msPerDecision: 3,
      planningMsPerEpisode: (3 * (7 * 10 + 3 * 40)) / 10,
    });
  });

  it("flags rows whose measured compute exceeds the matched compute, and keeps them", () => {
    expect(row("arm", "all", "pooled")).toMatchObject({ costUnitsPerStep: 120, overCompute: true });
    expect(row("ref", "all", "pooled")).toMatchObject({ costUnitsPerStep: 100, overCompute: false });
  });

  it("pairs the arm with the reference by task and seed (hand-counted 2x2 table)", () => {
    // far, both seeds: (arm, ref) = seed 1: TT TT TF FF TT; seed 2: TT TF TF FF FT.
    const far = paired.find((p) => p.arm === "arm" && p.bin === "far");
    expect(far).toMatchObject({ pairs: 10, both: 4, onlyArm: 3, onlyReference: 1, neither: 2 });
    expect(far?.difference).toBeCloseTo(0.2, 12);
    expect(far?.reference).toEqual({ arm: "ref", budget: null });
    // The interval by Newcombe's method 10 for a = 4, b = 3, c = 1, d = 2, n = 10 (worked by hand):
    // p1 = 0.7, p2 = 0.5; Wilson 95%: [0.3968, 0.8922] and [0.2366, 0.7634]; ad - bc = 5 = n/2, so phi = 0;
    // lower = 0.2 - sqrt(0.3032^2 + 0.2634^2) = -0.2016, upper = 0.2 + sqrt(0.2634^2 + 0.1922^2) = 0.5261.
    expect(far?.ci95[0]).toBeCloseTo(-0.2016, 3);
    expect(far?.ci95[1]).toBeCloseTo(0.5261, 3);
    expect(paired.some((p) => p.arm === "ref")).toBe(false);
    expect(paired.find((p) => p.arm === "arm" && p.bin === "all")).toMatchObject({ pairs: 12, both: 6 });
  });
});
