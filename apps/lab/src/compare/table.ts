import type { ComparisonFile } from "./comparisonFile.ts";

/**
 * The comparison table (comparison.md, the terminal, index.html): one row per arm and budget (per bin when
 * several bins were evaluated), pooled over the training seeds. Columns: episodes, success with its 95%
 * interval, success per seed, the paired difference against the reference arm with its 95% interval (in
 * percentage points), SPL, episodes with a guardrail violation, planning ms and predictor calls per decision,
 * and the measured compute per env step, marked when above the matched compute. Cells are padded so that
 * the markdown reads as a table in a terminal too.
 */
export function comparisonTable(file: ComparisonFile): { markdown: string; notes: string[] } {
  const bins = file.tasks.bins.length > 1 ? [...file.tasks.bins, "all"] : file.tasks.bins;
  const withBudgets = file.arms.some((a) => a.budgets.length > 1 || a.budgets[0]?.label !== null);
  const reference = `${file.reference.arm}${file.reference.budget === null ? "" : ` @ ${file.reference.budget}`}`;
  const header = [
    "arm",
    ...(withBudgets ? ["budget"] : []),
    ...(bins.length > 1 ? ["bin"] : []),
    "n",
    "success",
    "95% CI",
    "per seed",
    `vs ${reference} (95% CI)`,
    "SPL",
    "viol.",
    "ms/decision",
    "calls/decision",
    "cost units/step",
  ];
  const right = new Set(header.map((_, i) => i).filter((i) => i >= header.indexOf("n")));
  right.delete(header.indexOf("per seed"));
  const rows: string[][] = [];
  let over = false;
  for (const arm of file.arms) {
    for (const budget of arm.budgets) {
      for (const bin of bins) {
        const match = (r: { arm: string; budget: string | null; bin: string }) =>
          r.arm === arm.name && r.budget === budget.label && r.bin === bin;
        const pooled = file.results.find((r) => match(r) && r.seed === "pooled");
        if (!pooled) continue;
        const seeds = file.seeds.map((s) => file.results.find((r) => match(r) && r.seed === s));
        const diff = file.paired.find(match);
        over ||= pooled.overCompute;
        rows.push([
          arm.name,
          ...(withBudgets ? [budget.label ?? "-"] : []),
          ...(bins.length > 1 ? [bin] : []),
          String(pooled.episodes),
          pct(pooled.successRate),
          `[${pct(pooled.ci95[0])}, ${pct(pooled.ci95[1])}]`,
          seeds.map((r) => (r && r.episodes > 0 ? pct(r.successRate) : "-")).join(" "),
          diff ? `${pp(diff.difference)} [${pp(diff.ci95[0])}, ${pp(diff.ci95[1])}]` : "reference",
          pooled.spl.toFixed(3),
          pct(pooled.violationRate),
          pooled.timing.msPerDecision.toFixed(1),
          pooled.predictorCallsPerDecision.toFixed(0),
          `${Math.round(pooled.costUnitsPerStep)}${pooled.overCompute ? " (over)" : ""}`,
        ]);
      }
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (right.has(i) ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  const notes = [
    ...(over
      ? [
          `(over): the measured compute per env step is above the matched ${file.computePerStep} cost units; the arm ` +
            "is compared at more compute than the others.",
        ]
      : []),
  ];
  return { markdown: [line(header), rule, ...rows.map(line)].join("\n"), notes };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** A difference of rates in percentage points, signed. */
function pp(x: number): string {
  const v = 100 * x;
  return `${v >= 0 ? "+" : "-"}${Math.abs(v).toFixed(1)}`;
}
