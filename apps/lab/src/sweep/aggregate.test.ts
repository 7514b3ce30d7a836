import { describe, expect, it } from "vitest";
import { aggregateSweep, format, type MetricSpec, type SweepCell, sweepTable } from "./aggregate.ts";
import { expandGrid, parseGrid } from "./grid.ts";
import { renderSweepPlot, sweepPlotSpec } from "./plot.ts";
import { meanInterval, t975 } from "./stats.ts";

const METRICS: MetricSpec[] = [
  { name: "success", label: "success", unit: "% of episodes", percent: true, range: [0, 1] },
  { name: "error", label: "prediction error", unit: "error / baseline" },
];

describe("sweep statistics", () => {
  it("takes t quantiles from the table, and past it from an expansion close to the exact values", () => {
    expect(t975(1)).toBe(12.706);
    expect(t975(2)).toBe(4.303);
    expect(t975(30)).toBe(2.042);
    // Exact: t(0.975, 40) = 2.021075, t(0.975, 120) = 1.979930.
    expect(t975(40)).toBeCloseTo(2.021075, 4);
    expect(t975(120)).toBeCloseTo(1.97993, 4);
  });

  it("gives the mean and its t interval over seeds, and no interval for one seed", () => {
    const s = meanInterval([1, 2, 3]);
    expect(s.mean).toBe(2);
    expect(s.sd).toBe(1);
    // 2 ± 4.303 / sqrt(3)
    expect(s.ci95?.[0]).toBeCloseTo(2 - 4.303 / Math.sqrt(3), 12);
    expect(s.ci95?.[1]).toBeCloseTo(2 + 4.303 / Math.sqrt(3), 12);
    expect(meanInterval([5])).toEqual({ n: 1, mean: 5, sd: 0, ci95: null });
    expect(() => meanInterval([])).toThrow(RangeError);
  });
});

describe("sweep aggregation", () => {
  const settings = expandGrid(parseGrid(["lr=0.001,0.01"]));
  const [a, b] = settings.map((s) => s.key) as [string, string];
  const cells: SweepCell[] = [
    { setting: a, seed: 1, metrics: { success: 0.5, error: 0.2 } },
    { setting: a, seed: 2, metrics: { success: 0.7, error: 0.4 } },
    { setting: a, seed: 3, metrics: { success: 0.9, error: 0.3 } },
    { setting: b, seed: 2, metrics: { success: 0.1, error: 1.5 } },
  ];

  it("has a row per setting with each metric's mean, clipped interval and value per seed", () => {
    const rows = aggregateSweep(settings, [1, 2, 3], METRICS, cells);
    expect(rows.map((r) => [r.label, r.n])).toEqual([
      ["lr=0.001", 3],
      ["lr=0.01", 1],
    ]);
    const success = rows[0]?.metrics.success;
    expect(success?.mean).toBeCloseTo(0.7, 12);
    // 0.7 ± 4.303 * 0.2 / sqrt(3) reaches past 100%: clipped to the rate's range.
    expect(success?.ci95?.[0]).toBeCloseTo(0.7 - (4.303 * 0.2) / Math.sqrt(3), 12);
    expect(success?.ci95?.[1]).toBe(1);
    expect(success?.perSeed).toEqual([0.5, 0.7, 0.9]);
    expect(rows[0]?.metrics.error?.ci95?.[0]).toBeCloseTo(0.3 - (4.303 * 0.1) / Math.sqrt(3), 12);
    expect(rows[1]?.metrics.success).toEqual({
      n: 1,
      mean: 0.1,
      sd: 0,
      ci95: null,
      perSeed: [null, 0.1, null],
    });
    // Cell order does not matter.
    expect(aggregateSweep(settings, [1, 2, 3], METRICS, [...cells].reverse())).toEqual(rows);
  });

  it("writes a table with the setting, n and each metric's mean [95% CI]", () => {
    const table = sweepTable(aggregateSweep(settings, [1, 2, 3], METRICS, cells), METRICS).split("\n");
    expect(table[0]).toMatch(
      /^\| setting +\| +n \| success \(% of episodes\) \| prediction error \(error \/ baseline\) \|$/,
    );
    expect(table[2]).toContain(" 70.0% [20.3%, 100.0%] | ");
    expect(table[3]).toMatch(/\| lr=0.01 +\| +1 \| +10.0% \| +1.500 \|/);
    expect(format(0.000012345, METRICS[1] as MetricSpec)).toBe("1.234e-5");
  });

  it("plots a metric against the first axis with a title, axis titles with units, and a legend", async () => {
    const grid = parseGrid(["lr=0.001,0.01", "horizon=4,8"]);
    const s = expandGrid(grid);
    const twoAxes = s.flatMap((x, i) =>
      [1, 2].map((seed) => ({ setting: x.key, seed, metrics: { success: i / 4 + seed / 10, error: 1 } })),
    );
    const rows = aggregateSweep(s, [1, 2], METRICS, twoAxes);
    const spec = sweepPlotSpec({
      name: "toy",
      axes: grid,
      seeds: [1, 2],
      rows,
      metric: METRICS[0] as MetricSpec,
    }) as {
      layer: {
        encoding: { x: { type: string }; color: { legend: { title: string }; scale: { domain: string[] } } };
      }[];
    };
    expect(spec.layer[0]?.encoding.x.type).toBe("quantitative");
    expect(spec.layer[0]?.encoding.color.scale.domain).toEqual(["horizon=4", "horizon=8"]);
    const svg = await renderSweepPlot({
      name: "toy",
      axes: grid,
      seeds: [1, 2],
      rows,
      metric: METRICS[0] as MetricSpec,
    });
    expect(svg).toContain("toy: success by lr");
    expect(svg).toContain("lr (config value, as in the grid)");
    expect(svg).toContain("success (% of episodes)");
    expect(svg).toContain("horizon=8");
  });
});
