import { InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import {
  type ArmBinSuccess,
  renderSplByBin,
  renderSuccessByBin,
  splByBinSpec,
  successByBinSpec,
} from "./binPlots.ts";
import { renderVegaLite } from "./render.ts";
import { parseSvg } from "./svgTesting.ts";

const ci = (lo: number, hi: number) => [lo, hi] as const;
const rows: ArmBinSuccess[] = [
  { arm: "flat", bin: "near", successes: 9, episodes: 10, ci95: ci(0.6, 0.98) },
  { arm: "flat", bin: "far", successes: 2, episodes: 10, ci95: ci(0.06, 0.51) },
  { arm: "2 levels", bin: "near", successes: 10, episodes: 10, ci95: ci(0.72, 1) },
  { arm: "2 levels", bin: "far", successes: 6, episodes: 10, ci95: ci(0.31, 0.83) },
];
const strict = { onWarning: (m: string) => expect.fail(`vega warning: ${m}`) };

describe("success by bin", () => {
  it("draws a bar, an error bar and a count per arm and bin, with title, axis titles and an arm legend", async () => {
    const svg = await renderVegaLite(successByBinSpec({ title: "Success on FourRooms", rows }), strict);
    const p = parseSvg(svg);
    expect(p.items("bars")).toHaveLength(4);
    expect(p.items("ci")).toHaveLength(4);
    expect(p.items("ci_hi")).toHaveLength(4);
    expect(p.items("ci_lo")).toHaveLength(4);
    expect(p.items("labels").map((t) => t.textContent)).toEqual(["9/10", "2/10", "10/10", "6/10"]);
    expect(p.texts("title-text")).toEqual(["Success on FourRooms"]);
    expect(p.texts("axis-title")).toEqual(
      expect.arrayContaining(["distance bin (oracle shortest path)", "success rate (% of episodes)"]),
    );
    expect(p.texts("legend-title")).toEqual(["arm"]);
    expect(p.texts("legend-label")).toEqual(["flat", "2 levels"]);
    expect(p.texts("axis-label")).toEqual(expect.arrayContaining(["near", "far", "0%", "100%"]));
  });

  it("keeps the given arm and bin order, and draws per-seed dots", async () => {
    const p = parseSvg(
      await renderSuccessByBin({
        title: "t",
        rows,
        arms: ["2 levels", "flat"],
        bins: ["far", "near"],
        seeds: [
          { arm: "flat", bin: "far", seed: 0, successRate: 0.1 },
          { arm: "flat", bin: "far", seed: 1, successRate: 0.3 },
        ],
      }),
    );
    expect(p.texts("legend-label")).toEqual(["2 levels", "flat"]);
    expect(p.items("seeds")).toHaveLength(2);
    const bins = p.texts("axis-label").filter((t) => t === "near" || t === "far");
    expect(bins).toEqual(["far", "near"]);
  });

  it("draws no interval for a bin without episodes (0/0 is not 0%)", async () => {
    const p = parseSvg(
      await renderSuccessByBin({
        title: "t",
        rows: [...rows, { arm: "flat", bin: "mid", successes: 0, episodes: 0, ci95: ci(0, 1) }],
      }),
    );
    expect(p.items("bars")).toHaveLength(5);
    expect(p.items("ci")).toHaveLength(4);
    expect(p.items("labels").map((t) => t.textContent)).toContain("0/0");
  });

  it("gives byte-identical SVG for the same input, whatever was rendered in between", async () => {
    const a = await renderSuccessByBin({ title: "t", rows });
    await renderSplByBin({ title: "other", rows: rows.map((r) => ({ arm: r.arm, bin: r.bin, spl: 0.5 })) });
    expect(await renderSuccessByBin({ title: "t", rows })).toBe(a);
  });

  it("refuses an empty plot and a count that is not a number, naming the row", () => {
    expect(() => successByBinSpec({ title: "t", rows: [] })).toThrow(InputError);
    expect(() =>
      successByBinSpec({ title: "t", rows: [{ ...(rows[0] as ArmBinSuccess), successes: Number.NaN }] }),
    ).toThrow(/rows\[0\]\.successes must be a finite number/);
  });
});

describe("SPL by bin", () => {
  it("draws a bar and its value per arm and bin on a 0-1 axis", async () => {
    const svg = await renderVegaLite(
      splByBinSpec({
        title: "SPL",
        rows: [
          { arm: "a", bin: "near", spl: 0.81, ci95: [0.7, 0.9] },
          { arm: "b", bin: "near", spl: 0.4 },
        ],
      }),
      strict,
    );
    const p = parseSvg(svg);
    expect(p.items("bars")).toHaveLength(2);
    expect(p.items("ci")).toHaveLength(1);
    expect(p.items("labels").map((t) => t.textContent)).toEqual(["0.81", "0.40"]);
    expect(p.texts("axis-title")).toContain("SPL (0: failed, 1: shortest path)");
    expect(p.texts("axis-label")).toEqual(expect.arrayContaining(["0.0", "1.0"]));
  });
});
