/**
 * What a sweep writes to its output folder: sweep.json (everything: the grid, seeds, each cell's metrics, the
 * per-setting means and intervals, how it ran), sweep.md (the table and how it was computed) and one SVG plot
 * per metric (plot.ts). Written atomically, the plots before the files that name them. Everything but
 * `session` is the same however the sweep ran (local pool or queue, interrupted and resumed or not).
 */
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "@hjepa/experiment/atomicWrite";
import { type MetricSpec, type SweepCell, type SweepRow, sweepTable } from "./aggregate.ts";
import type { GridAxis, Setting } from "./grid.ts";
import { renderSweepPlot } from "./plot.ts";

export interface SweepFile {
  version: 1;
  name: string;
  /** What was swept: the config, the task set, ... (the target's own description). */
  source: Record<string, unknown>;
  grid: GridAxis[];
  seeds: number[];
  metrics: MetricSpec[];
  settings: Setting[];
  /** Setting x seed, in grid then seed order. */
  cells: SweepCell[];
  results: SweepRow[];
  methods: string[];
  session: {
    createdAt: string;
    command: string[];
    /** "local (N workers)" or "queue postgres://host:port/db". */
    runner: string;
    seconds: number;
    commit: string | null;
  };
}

export const METHODS = [
  "cells: every grid setting (the overrides applied to the config, first axis slowest) at every training seed (`seed` set to it)",
  "mean: over the seeds of the setting (each seed one observation); 95% CI: mean ± t(0.975, n-1) · sd / √n (Student's t); " +
    "none for one seed; clipped to the values a metric can take (0 to 100% for a rate)",
];

/** Writes the plots, sweep.md and sweep.json; returns their paths. */
export async function writeSweepFiles(
  out: string,
  file: SweepFile,
): Promise<{ json: string; md: string; plots: string[] }> {
  const plots: string[] = [];
  for (const metric of file.metrics) {
    if (!file.results.some((r) => r.metrics[metric.name] !== undefined)) continue;
    const svg = await renderSweepPlot({
      name: file.name,
      axes: file.grid,
      seeds: file.seeds,
      rows: file.results,
      metric,
    });
    const path = join(out, `sweep-${metric.name}.svg`);
    writeFileAtomic(path, svg, "write a sweep plot");
    plots.push(path);
  }
  const md = join(out, "sweep.md");
  writeFileAtomic(md, sweepMarkdown(file, plots), "write sweep.md");
  const json = join(out, "sweep.json");
  writeJsonAtomic(json, file, "write sweep.json");
  return { json, md, plots };
}

export function sweepMarkdown(file: SweepFile, plots: readonly string[]): string {
  const source = Object.entries(file.source).map(
    ([k, v]) => `- ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`,
  );
  return [
    `# Sweep ${file.name}`,
    "",
    ...source,
    `- grid: ${file.grid.length > 0 ? file.grid.map((a) => `${a.path} = ${a.values.map((v) => v.text).join(", ")}`).join("; ") : "none"}`,
    `- seeds: ${file.seeds.join(", ")}`,
    "",
    sweepTable(file.results, file.metrics),
    "",
    ...plots.map((p) => `![${p.split("/").at(-1)}](${p.split("/").at(-1)})`),
    "",
    "## Method",
    "",
    ...file.methods.map((m) => `- ${m}`),
    "",
    `Ran with ${file.session.runner} in ${file.session.seconds.toFixed(0)} s, commit ${file.session.commit ?? "unknown"}.`,
    "",
  ].join("\n");
}
