import { describe, expect, it } from "vitest";
import { rankCandidates, ranksBefore } from "./search.ts";

describe("candidate ranking", () => {
  it("puts feasible candidates first, then lower totals, NaN last, ties by index", () => {
    const total = [5, 1, Number.NaN, 1, 0, 3];
    const feasible = [1, 1, 1, 1, 0, 1];
    expect(Array.from(rankCandidates(total, feasible))).toEqual([1, 3, 5, 0, 2, 4]);
    expect(ranksBefore(100, true, 0, false)).toBe(true);
    expect(ranksBefore(1, true, Number.NaN, true)).toBe(true);
    expect(ranksBefore(1, true, 1, true)).toBe(false);
  });
});
