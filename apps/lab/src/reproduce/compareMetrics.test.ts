import { describe, expect, it } from "vitest";
import { compareMetrics } from "./compareMetrics.ts";
import { isTimingKey, MetricSet } from "./metricSet.ts";
import { formatComparison } from "./table.ts";

function set(build: (s: MetricSet) => void): MetricSet {
  const s = new MetricSet();
  build(s);
  return s;
}

describe("MetricSet", () => {
  it("flattens JSON: keys joined by dots, indices in brackets, numeric arrays as one vector", () => {
    const s = set((m) =>
      m.addJson("episode a", {
        success: true,
        trajectory: [
          [1, 2],
          [3, 4],
        ],
        levels: [{ level: 2, plans: 3 }],
        timing: { msPerDecision: 5 },
        weightsSha256: "abc",
      }),
    );
    expect(s.items).toEqual([
      { name: "episode a success", value: true, category: "metric" },
      { name: "episode a trajectory", value: [1, 2, 3, 4], category: "metric" },
      { name: "episode a levels[0].level", value: 2, category: "metric" },
      { name: "episode a levels[0].plans", value: 3, category: "metric" },
      { name: "episode a timing.msPerDecision", value: 5, category: "timing" },
      { name: "episode a weightsSha256", value: "abc", category: "checksum" },
    ]);
  });

  it("groups the same quantity over records, with [*] for indices", () => {
    const s = set((m) => {
      m.addJson("episode a", { levels: [{ plans: 1 }] }, "episodes");
      m.addJson("episode b", { levels: [{ plans: 2 }] }, "episodes");
    });
    expect(s.items.map((i) => i.group)).toEqual(["episodes: levels[*].plans", "episodes: levels[*].plans"]);
  });

  it("tells times by their key: ms, seconds, elapsed, ETA, durations, dates", () => {
    for (const k of [
      "msPerDecision",
      "planningMs",
      "planningMsPerEpisode",
      "elapsed",
      "createdAt",
      "seconds",
      "eta",
    ])
      expect(isTimingKey(k), k).toBe(true);
    for (const k of ["predictorCallsPerDecision", "costUnitsPerStep", "steps", "format", "meanSteps", "spl"])
      expect(isTimingKey(k), k).toBe(false);
  });
});

describe("compareMetrics", () => {
  const original = set((m) => {
    m.add("loss", 0.5);
    m.add("curve", [1, 2, 3]);
    m.add("weights", "aa", "checksum");
    m.add("ms", 10, "timing");
  });

  it("is exact when every value is equal, whatever the times", () => {
    const again = set((m) => {
      m.add("loss", 0.5);
      m.add("curve", [1, 2, 3]);
      m.add("weights", "aa", "checksum");
      m.add("ms", 12, "timing");
    });
    const c = compareMetrics(original.items, again.items, { tolerance: 0, checksums: true });
    expect(c.match).toBe(true);
    expect(c.counts).toEqual({ exact: 3, close: 0, differs: 0, missing: 0, beside: 1 });
  });

  it("reports the smallest difference exactly, and within a tolerance as close", () => {
    const again = set((m) => {
      m.add("loss", 0.5000001);
      m.add("curve", [1, 2, 3.000001]);
      m.add("weights", "bb", "checksum");
    });
    const exact = compareMetrics(original.items, again.items, { tolerance: 0, checksums: true });
    expect(exact.rows.map((r) => [r.name, r.match])).toEqual([
      ["loss", "differs"],
      ["curve", "differs"],
      ["weights", "differs"],
      ["ms", "beside"],
    ]);
    expect(exact.rows[1]?.detail).toBe("max |diff| 0.00000100 at [2]");
    // Off the deterministic backends: numbers within the tolerance, checksums shown beside.
    const loose = compareMetrics(original.items, again.items, { tolerance: 1e-3, checksums: false });
    expect(loose.rows.map((r) => r.match)).toEqual(["close", "close", "beside", "beside"]);
    expect(loose.match).toBe(true);
    const tight = compareMetrics(original.items, again.items, { tolerance: 1e-9, checksums: false });
    expect(tight.match).toBe(false);
  });

  it("reports values in one side only as missing, except optional ones (a run folder that is gone)", () => {
    const again = set((m) => {
      m.add("loss", 0.5);
      m.add("extra", 1);
      m.add("run weights", "cc", "checksum", undefined, true);
    });
    const c = compareMetrics(original.items, again.items, { tolerance: 0, checksums: true });
    expect(c.rows.filter((r) => r.match === "missing").map((r) => r.name)).toEqual([
      "curve",
      "weights",
      "extra",
    ]);
    expect(c.rows.some((r) => r.name === "run weights")).toBe(false);
  });

  it("shows a field that is null on one side and absent on the other beside, as a field added since", () => {
    const again = set((m) => {
      m.add("loss", 0.5);
      m.add("curve", [1, 2, 3]);
      m.add("weights", "aa", "checksum");
      m.add("critic", null);
    });
    const c = compareMetrics(original.items, again.items, { tolerance: 0, checksums: true });
    expect(c.match).toBe(true);
    expect(c.rows.find((r) => r.name === "critic")).toMatchObject({ match: "beside", original: undefined });
  });

  it("prints a group as one line, and the members that differ under it", () => {
    const episodes = (successes: boolean[]) =>
      set((m) => {
        successes.forEach((s, i) => {
          m.addJson(`episode ${i}`, { success: s }, "episodes");
        });
      });
    const c = compareMetrics(episodes([true, false, true]).items, episodes([true, true, true]).items, {
      tolerance: 0,
      checksums: true,
    });
    const lines = formatComparison(c);
    expect(lines[1]).toMatch(/^episodes: success \(3\) +3 values +3 values +DIFFERS \(1 of 3\)$/);
    expect(lines[2]).toMatch(/^ {2}episode 1 success +false +true +DIFFERS$/);
  });
});
