import { describe, expect, it } from "vitest";
import { pairedCounts, pairedDifference } from "./paired.ts";

describe("pairedDifference (Newcombe's method 10)", () => {
  it("matches the worked example of Altman et al. (2000), table 6.2", () => {
    // 14 both, 5 first only, 0 second only, 22 neither: difference 5/41 = 0.122, 95% CI 0.011 to 0.226.
    const r = pairedDifference({ both: 14, onlyFirst: 5, onlySecond: 0, neither: 22 });
    expect(r.pairs).toBe(41);
    expect(r.difference).toBeCloseTo(5 / 41, 12);
    expect(r.ci95[0]).toBeCloseTo(0.0115, 4);
    expect(r.ci95[1]).toBeCloseTo(0.2265, 4);
  });

  it("matches Newcombe's (1998) example of 12, 9, 2, 21 pairs: 0.0112 to 0.2954", () => {
    const r = pairedDifference({ both: 12, onlyFirst: 9, onlySecond: 2, neither: 21 });
    expect(r.difference).toBeCloseTo(7 / 44, 12);
    expect(r.ci95[0]).toBeCloseTo(0.0112, 4);
    expect(r.ci95[1]).toBeCloseTo(0.2954, 4);
  });

  it("is antisymmetric: swapping the arms negates the difference and mirrors the interval", () => {
    const ab = pairedDifference({ both: 3, onlyFirst: 7, onlySecond: 1, neither: 9 });
    const ba = pairedDifference({ both: 3, onlyFirst: 1, onlySecond: 7, neither: 9 });
    expect(ba.difference).toBeCloseTo(-ab.difference, 12);
    expect(ba.ci95[0]).toBeCloseTo(-ab.ci95[1], 12);
    expect(ba.ci95[1]).toBeCloseTo(-ab.ci95[0], 12);
  });

  it("keeps a width when no pair disagrees, stays inside [-1, 1], and is [-1, 1] without pairs", () => {
    const same = pairedDifference({ both: 30, onlyFirst: 0, onlySecond: 0, neither: 0 });
    expect(same.difference).toBe(0);
    expect(same.ci95[0]).toBeLessThan(0);
    expect(same.ci95[1]).toBeGreaterThan(0);
    const all = pairedDifference({ both: 0, onlyFirst: 30, onlySecond: 0, neither: 0 });
    expect(all.difference).toBe(1);
    expect(all.ci95[1]).toBe(1);
    expect(all.ci95[0]).toBeGreaterThan(0.8);
    expect(pairedDifference({ both: 0, onlyFirst: 0, onlySecond: 0, neither: 0 }).ci95).toEqual([-1, 1]);
  });

  it("counts the 2x2 table from paired outcomes", () => {
    const pairs: [boolean, boolean][] = [
      [true, true],
      [true, false],
      [true, false],
      [false, true],
      [false, false],
    ];
    expect(pairedCounts(pairs)).toEqual({ both: 1, onlyFirst: 2, onlySecond: 1, neither: 1 });
    expect(() => pairedDifference({ both: -1, onlyFirst: 0, onlySecond: 0, neither: 0 })).toThrow(/both/);
  });
});
