import { InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { type BudgetSuccess, successVsComputeSpec, successVsTimeSpec } from "./curvePlots.ts";
import { renderVegaLite } from "./render.ts";
import { parseSvg } from "./svgTesting.ts";

const point = (arm: string, cost: number, successes: number, ms: number): BudgetSuccess => ({
  arm,
  costUnitsPerStep: cost,
  ms,
  successes,
  episodes: 30,
  ci95: [Math.max(0, successes / 30 - 0.15), Math.min(1, successes / 30 + 0.15)],
  label: String(cost),
});
const rows = [
  point("flat", 700, 5, 4),
  point("flat", 2800, 10, 16),
  point("flat", 22400, 12, 64),
  point("2 levels", 700, 9, 5),
  point("2 levels", 2800, 20, 18),
  point("2 levels", 22400, 24, 70),
];
const strict = { onWarning: (m: string) => expect.fail(`vega warning: ${m}`) };

describe("success against compute", () => {
  it("draws a line per arm through a point and an error bar per budget, with units on the axes", async () => {
    const p = parseSvg(await renderVegaLite(successVsComputeSpec({ title: "Efficiency", rows }), strict));
    expect(p.items("lines")).toHaveLength(2);
    expect(p.items("points")).toHaveLength(6);
    expect(p.items("ci")).toHaveLength(6);
    expect(p.items("labels").map((t) => t.textContent)).toEqual([
      "700",
      "2800",
      "22400",
      "700",
      "2800",
      "22400",
    ]);
    expect(p.texts("title-text")).toEqual(["Efficiency"]);
    expect(p.texts("axis-title")).toEqual([
      "compute per env step (cost units: level-1 predictor calls)",
      "success rate (% of episodes)",
    ]);
    expect(p.texts("legend-label")).toEqual(["flat", "2 levels"]);
  });

  it("uses a log axis when the budgets span more than a factor of 20, unless told otherwise", () => {
    const x = (s: ReturnType<typeof successVsComputeSpec>) =>
      JSON.stringify((s as { layer: { encoding: { x: unknown } }[] }).layer[0]?.encoding.x);
    expect(x(successVsComputeSpec({ title: "t", rows }))).toContain('"type":"log"');
    expect(x(successVsComputeSpec({ title: "t", rows, xScale: "linear" }))).not.toContain('"type":"log"');
    expect(x(successVsComputeSpec({ title: "t", rows: rows.slice(0, 2) }))).not.toContain('"type":"log"');
  });

  it("needs the compute of every row", () => {
    const { costUnitsPerStep: _, ...noCost } = rows[0] as BudgetSuccess;
    expect(() => successVsComputeSpec({ title: "t", rows: [noCost] })).toThrow(InputError);
  });
});

describe("success against planning time", () => {
  it("says per what the milliseconds are", async () => {
    const p = parseSvg(await renderVegaLite(successVsTimeSpec({ title: "t", rows, per: "episode" }), strict));
    expect(p.texts("axis-title")).toContain("planning time (ms per episode)");
    expect(p.items("points")).toHaveLength(6);
  });
});
