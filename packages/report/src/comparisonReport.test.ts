import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "@hjepa/errors";
import { wilsonInterval } from "@hjepa/experiment";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ComparisonReportInput,
  type ComparisonResult,
  parseComparisonReport,
  pooledResults,
  renderComparisonReport,
} from "./comparisonReport.ts";
import { parseSvg } from "./svgTesting.ts";

function cell(arm: string, budget: number, bin: string, seed: number, successes: number): ComparisonResult {
  return {
    arm,
    budget,
    bin,
    seed,
    successes,
    episodes: 10,
    ci95: wilsonInterval(successes, 10),
    spl: successes / 20,
    msPerDecision: budget / 100,
    msPerEpisode: budget,
    costUnitsPerStep: budget * 0.98,
  };
}

/** Two arms, two bins, two seeds; the flat arm at two budgets (an efficiency curve). */
const input: ComparisonReportInput = {
  title: "toy comparison",
  meta: [["config", "configs/comparisons/toy.json"]],
  arms: [
    { name: "flat", budget: 2800, description: "one level, mppi" },
    { name: "2 levels", budget: 2800 },
  ],
  bins: ["near", "far"],
  results: [
    ...[0, 1].flatMap((seed) => [
      cell("flat", 2800, "near", seed, 9 - seed),
      cell("flat", 2800, "far", seed, 2 + seed),
      cell("flat", 700, "near", seed, 6),
      cell("flat", 700, "far", seed, 1),
      cell("2 levels", 2800, "near", seed, 10),
      cell("2 levels", 2800, "far", seed, 5 + seed),
    ]),
  ],
  tableMarkdown: "| arm | success |\n|:--|--:|\n| flat | 30% |\n| 2 levels | 55% |",
  examples: [
    {
      env: "hjepa/Toy-v0",
      taskId: "far-0",
      arm: "2 levels",
      success: true,
      steps: 9,
      map: { rows: 3, cols: 4, cells: [1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1] },
      start: [1.5, 1.5],
      goal: [2.5, 1.5],
      goalRadius: 0.5,
      path: [
        [1.5, 1.5],
        [2.4, 1.5],
      ],
      subgoals: [{ level: 2, points: [[2, 1.5]] }],
    },
  ],
};

let dir = "";
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

describe("pooledResults", () => {
  it("sums seeds into one row per arm, budget and bin, and bins into 'all', with Wilson intervals", () => {
    const pooled = pooledResults(input);
    const find = (arm: string, budget: number, bin: string) =>
      pooled.find((r) => r.arm === arm && r.budget === budget && r.bin === bin);
    expect(find("flat", 2800, "near")).toMatchObject({ successes: 17, episodes: 20, seed: "pooled" });
    expect(find("flat", 2800, "near")?.ci95).toEqual(wilsonInterval(17, 20));
    expect(find("flat", 2800, "all")).toMatchObject({ successes: 22, episodes: 40 });
    expect(find("flat", 700, "all")).toMatchObject({ successes: 14, episodes: 40 });
    expect(find("2 levels", 2800, "all")?.spl).toBeCloseTo((10 + 10 + 5 + 6) / 20 / 4, 12);
    expect(pooled).toHaveLength(9);
  });

  it("keeps a pooled row the comparison gives (its own interval)", () => {
    const given: ComparisonResult = {
      ...cell("flat", 2800, "near", 0, 7),
      successes: 17,
      episodes: 20,
      seed: "pooled",
      ci95: [0.5, 0.9],
    };
    const pooled = pooledResults({ ...input, results: [...input.results, given] });
    expect(pooled.find((r) => r.arm === "flat" && r.budget === 2800 && r.bin === "near")?.ci95).toEqual([
      0.5, 0.9,
    ]);
  });
});

describe("renderComparisonReport", () => {
  it("writes every plot as SVG and one index.html that holds the table and all of them", async () => {
    dir = mkdtempSync(join(tmpdir(), "hjepa-report-"));
    const out = await renderComparisonReport(input, dir);
    expect(readdirSync(dir).sort()).toEqual([
      "example-2-levels-far-0.svg",
      "index.html",
      "spl-by-bin.svg",
      "success-by-bin.svg",
      "success-vs-compute.svg",
      "success-vs-time.svg",
    ]);
    expect(out.index).toBe(join(dir, "index.html"));
    const read = (f: string) => parseSvg(readFileSync(join(dir, f), "utf8"));
    const success = read("success-by-bin.svg");
    expect(success.items("bars")).toHaveLength(4);
    expect(success.items("seeds")).toHaveLength(8);
    expect(success.texts("legend-label")).toEqual(["flat", "2 levels"]);
    const efficiency = read("success-vs-compute.svg");
    expect(efficiency.items("points")).toHaveLength(3);
    expect(efficiency.items("lines")).toHaveLength(2);
    expect(read("example-2-levels-far-0.svg").items("subgoals_0")).toHaveLength(1);
    const html = readFileSync(out.index, "utf8");
    expect(html.match(/<svg /g)).toHaveLength(5);
    expect(html).toContain('<td class="l">2 levels</td><td class="r">55%</td>');
    expect(html).toContain("flat: one level, mppi");
    // Rendering again gives the same bytes.
    const before = readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8"));
    await renderComparisonReport(input, dir);
    expect(readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8"))).toEqual(before);
  });

  it("refuses a result for an arm it does not list, naming the field, and writes nothing", async () => {
    dir = mkdtempSync(join(tmpdir(), "hjepa-report-"));
    const bad = { ...input, results: [...input.results, cell("3 levels", 2800, "far", 0, 1)] };
    await expect(renderComparisonReport(bad, dir)).rejects.toThrow(InputError);
    await expect(renderComparisonReport(bad, dir)).rejects.toThrow(
      /comparison report: results\[12\]\.arm is not one of arms\[\]\.name/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("names the file when JSON from a file does not fit", () => {
    expect(() =>
      parseComparisonReport({ title: "t", arms: [], bins: ["far"], results: [] }, "x/comparison.json"),
    ).toThrow(/^x\/comparison\.json: arms/);
  });
});
