import { describe, expect, it } from "vitest";
import { fitScale, rankFigures, ranks, spearman } from "./criticDiagnostic.ts";

describe("the critic diagnostic's figures", () => {
  it("ranks with ties averaged, and Spearman's correlation is 1, -1 or in between", () => {
    expect(Array.from(ranks([3, 1, 3, 2]))).toEqual([2.5, 0, 2.5, 1]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 400])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(Number.isNaN(spearman([1, 1, 1], [1, 2, 3]))).toBe(true);
    expect(fitScale([1, 2], [2, 4])).toBeCloseTo(2, 12);
  });

  it("credits an estimate that knows the walls and not one that ignores them", () => {
    // Pairs 0-3 have a free straight line (geodesic = straight); pairs 4-8 cross a wall with growing detours.
    const straight = [1, 2, 3, 4, 5, 5.5, 6, 6.5, 7];
    const detour = [0, 0, 0, 0, 4, 1, 3, 0.5, 2];
    const geodesic = straight.map((s, i) => s + (detour[i] as number));
    // The critic counts steps of 0.5: twice the geodesic. L2 is the straight line, slightly warped.
    const critic = geodesic.map((g) => 2 * g);
    const l2 = straight.map((s, i) => s * (1 + 0.01 * ((i * 7) % 5)));
    const f = rankFigures(critic, l2, geodesic, straight);
    expect([f.pairs, f.crossing]).toEqual([9, 5]);
    expect(f.scale.critic).toBeCloseTo(0.5, 12);
    expect(f.detour.critic).toBeCloseTo(1, 12);
    expect(f.geodesic.critic).toBeCloseTo(1, 12);
    expect(f.crossingGeodesic.critic).toBeCloseTo(1, 12);
    expect(Math.abs(f.detour.l2)).toBeLessThan(0.8);
  });
});
