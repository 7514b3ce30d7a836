import { mean, spl, wilsonInterval } from "@hjepa/experiment";
import type { EpisodeRecord } from "./episodes.ts";

export interface BinSummary {
  bin: string;
  episodes: number;
  successes: number;
  successRate: number;
  /** 95% Wilson score interval of the success rate. */
  ci95: [number, number];
  spl: number;
  /** Fraction of episodes with at least one guardrail violation (hazard entry), and the total count. */
  violationRate: number;
  violations: number;
  msPerDecision: number;
  predictorCallsPerDecision: number;
  meanSteps: number;
  /** Fraction of episodes in which the configurator changed strategy (`agent.adapt`); only when any did. */
  adaptedRate?: number;
}

/** Per-bin (and "all") summaries of evaluated episodes, bins in first-seen order. */
export function summarize(records: readonly EpisodeRecord[]): BinSummary[] {
  const bins = [...new Set(records.map((r) => r.bin)), "all"];
  const adapting = records.some((r) => r.adaptations !== undefined);
  return bins.map((bin) => {
    const rs = bin === "all" ? records : records.filter((r) => r.bin === bin);
    const successes = rs.filter((r) => r.success).length;
    return {
      bin,
      episodes: rs.length,
      successes,
      successRate: rs.length ? successes / rs.length : Number.NaN,
      ci95: wilsonInterval(successes, rs.length),
      spl: mean(rs.map((r) => spl(r.success, r.optimal, r.pathLength))),
      violationRate: rs.length ? rs.filter((r) => r.violations > 0).length / rs.length : Number.NaN,
      violations: rs.reduce((a, r) => a + r.violations, 0),
      msPerDecision: mean(rs.flatMap((r) => (r.decisions > 0 ? [r.msPerDecision] : []))),
      predictorCallsPerDecision: mean(
        rs.flatMap((r) => (r.decisions > 0 ? [r.predictorCallsPerDecision] : [])),
      ),
      meanSteps: mean(rs.map((r) => r.steps)),
      ...(adapting
        ? {
            adaptedRate: rs.length
              ? rs.filter((r) => r.adaptations !== undefined).length / rs.length
              : Number.NaN,
          }
        : {}),
    };
  });
}

/** The summary as table cells: a header and one row per bin (shared by the text table and index.html). */
export function summaryTable(summaries: readonly BinSummary[]): { columns: string[]; rows: string[][] } {
  const columns = [
    "bin",
    "n",
    "success",
    "95% CI",
    "SPL",
    "viol. eps",
    "ms/decision",
    "calls/decision",
    "steps",
  ];
  const adapting = summaries.some((s) => s.adaptedRate !== undefined);
  if (adapting) columns.push("adapted");
  const rows = summaries.map((s) => [
    s.bin,
    String(s.episodes),
    pct(s.successRate),
    `[${pct(s.ci95[0])}, ${pct(s.ci95[1])}]`,
    s.spl.toFixed(3),
    pct(s.violationRate),
    s.msPerDecision.toFixed(1),
    s.predictorCallsPerDecision.toFixed(0),
    s.meanSteps.toFixed(1),
    ...(adapting ? [pct(s.adaptedRate ?? Number.NaN)] : []),
  ]);
  return { columns, rows };
}

/** The summary as an aligned text table. */
export function formatTable(summaries: readonly BinSummary[]): string {
  const { columns: header, rows } = summaryTable(summaries);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "-";
}
