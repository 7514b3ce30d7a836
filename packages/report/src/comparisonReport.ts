import { InputError } from "@hjepa/errors";
import { issueLines, wilsonInterval } from "@hjepa/experiment";
import { z } from "zod";
import { renderSplByBin, renderSuccessByBin } from "./binPlots.ts";
import { renderSuccessVsCompute, renderSuccessVsTime } from "./curvePlots.ts";
import { type ReportPlot, type ReportSection, renderIndexHtml } from "./indexHtml.ts";
import { renderTrajectory, type TrajectoryPlotInput } from "./trajectoryPlot.ts";
import { fileSlug, writeReportFiles } from "./writeFiles.ts";

/**
 * One cell of a comparison: an arm at one planning budget, in one distance bin, for one training seed (or
 * pooled over seeds).
 */
export interface ComparisonResult {
  arm: string;
  /** The compute per env step the arm was given, in cost units (its budget; the efficiency plot's points). */
  budget: number;
  /** A distance bin, or "all" for every task. Missing "all" rows are pooled from the bins. */
  bin: string;
  /** The training seed, or "pooled" for the row over every seed (missing pooled rows are pooled here). */
  seed: number | "pooled";
  successes: number;
  episodes: number;
  /** 95% interval of the success rate, fractions in [0, 1] (Wilson, or a seed-aware interval for pooled rows). */
  ci95: readonly [number, number];
  /** Mean SPL over the episodes, in [0, 1]. */
  spl: number;
  /** Mean planning milliseconds per decision. */
  msPerDecision: number;
  /** Mean planning milliseconds per episode. */
  msPerEpisode?: number;
  /** Measured compute per env step over every level, in cost units (1 = one level-1 predictor call). */
  costUnitsPerStep: number;
}

/** An arm of a comparison, in display order (its colour in every plot). */
export interface ComparisonArm {
  name: string;
  /** The budget whose rows the per-bin plots show (an arm may have several budgets: the efficiency curve). */
  budget: number;
  /** A line about what the arm is, e.g. "2 levels, strides 1 and 4, mppi at both". */
  description?: string;
}

/** Input of `renderComparisonReport`: everything `hjepa compare` measured, and example episodes. */
export interface ComparisonReportInput {
  /** Page title, e.g. "nine-rooms: flat against 2 and 3 levels". */
  title: string;
  /** Label-value lines under the title: config, task set, seeds, commit, created at, the command. */
  meta?: readonly (readonly [string, string])[];
  arms: readonly ComparisonArm[];
  /** Distance bins in axis order (without "all"). */
  bins: readonly string[];
  /** Per arm, budget, bin and seed (and pooled rows when the comparison computed its own intervals). */
  results: readonly ComparisonResult[];
  /** The comparison table as markdown (e.g. comparison.md's), shown above the plots. */
  tableMarkdown?: string;
  /** Example episodes on the map, e.g. one success and one failure per arm on the same far tasks. */
  examples?: readonly TrajectoryPlotInput[];
}

const point = z.tuple([z.number(), z.number()]);
const resultSchema = z.object({
  arm: z.string().min(1),
  budget: z.number().positive(),
  bin: z.string().min(1),
  seed: z.union([z.number().int(), z.literal("pooled")]),
  successes: z.number().int().nonnegative(),
  episodes: z.number().int().nonnegative(),
  ci95: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]),
  spl: z.number().min(0).max(1),
  msPerDecision: z.number().nonnegative(),
  msPerEpisode: z.number().nonnegative().optional(),
  costUnitsPerStep: z.number().nonnegative(),
});
const exampleSchema = z.object({
  env: z.string(),
  taskId: z.string(),
  arm: z.string(),
  success: z.boolean(),
  steps: z.number().int().nonnegative(),
  map: z.object({
    rows: z.number().int().positive(),
    cols: z.number().int().positive(),
    cells: z.array(z.number().int().min(0).max(4)),
    unit: z.string().optional(),
  }),
  start: point,
  goal: point,
  goalRadius: z.number().nonnegative(),
  goalLabel: z.string().optional(),
  path: z.array(point),
  plan: z.array(point).nullable().optional(),
  subgoals: z
    .array(
      z.object({
        level: z.number().int().nonnegative(),
        points: z.array(point),
        label: z.string().optional(),
      }),
    )
    .optional(),
  subtitle: z.string().optional(),
  pxPerUnit: z.number().positive().optional(),
});

/** The zod schema of `ComparisonReportInput`, for JSON read from a file. */
export const comparisonReportSchema = z
  .object({
    title: z.string(),
    meta: z.array(z.tuple([z.string(), z.string()])).optional(),
    arms: z
      .array(
        z.object({
          name: z.string().min(1),
          budget: z.number().positive(),
          description: z.string().optional(),
        }),
      )
      .min(1),
    bins: z.array(z.string().min(1)).min(1),
    results: z.array(resultSchema).min(1),
    tableMarkdown: z.string().optional(),
    examples: z.array(exampleSchema).optional(),
  })
  .superRefine((v, ctx) => {
    const arms = new Set(v.arms.map((a) => a.name));
    v.results.forEach((r, i) => {
      if (!arms.has(r.arm)) {
        ctx.addIssue({ code: "custom", path: ["results", i, "arm"], message: "is not one of arms[].name" });
      }
      if (r.successes > r.episodes) {
        ctx.addIssue({ code: "custom", path: ["results", i, "successes"], message: "exceeds episodes" });
      }
    });
  });

/** Checks `raw` (e.g. parsed JSON) against `comparisonReportSchema`; problems are one `InputError` naming `source`. */
export function parseComparisonReport(raw: unknown, source: string): ComparisonReportInput {
  const r = comparisonReportSchema.safeParse(raw);
  if (!r.success) throw new InputError(issueLines(r.error, raw, source).join("\n"));
  return r.data;
}

/**
 * One pooled row per arm, budget and bin, and "all": pooled rows the input gives are kept; missing ones are
 * summed over seeds (Wilson interval, episode-weighted means); a missing "all" is summed over the bins.
 */
export function pooledResults(input: ComparisonReportInput): ComparisonResult[] {
  const key = (arm: string, budget: number, bin: string) => JSON.stringify([arm, budget, bin]);
  const out = new Map<string, ComparisonResult>();
  for (const r of input.results) if (r.seed === "pooled") out.set(key(r.arm, r.budget, r.bin), r);
  const seeds = new Map<string, ComparisonResult[]>();
  for (const r of input.results) if (r.seed !== "pooled") push(seeds, key(r.arm, r.budget, r.bin), r);
  for (const [k, rows] of seeds) if (!out.has(k)) out.set(k, pool(rows, (rows[0] as ComparisonResult).bin));
  const bins = new Map<string, ComparisonResult[]>();
  for (const r of out.values()) if (input.bins.includes(r.bin)) push(bins, key(r.arm, r.budget, "all"), r);
  for (const [k, rows] of bins) if (!out.has(k)) out.set(k, pool(rows, "all"));
  return [...out.values()];
}

function push<T>(groups: Map<string, T[]>, key: string, value: T): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

function pool(rows: readonly ComparisonResult[], bin: string): ComparisonResult {
  const first = rows[0] as ComparisonResult;
  const episodes = rows.reduce((a, r) => a + r.episodes, 0);
  const successes = rows.reduce((a, r) => a + r.successes, 0);
  const weighted = (f: (r: ComparisonResult) => number) =>
    episodes > 0 ? rows.reduce((a, r) => a + f(r) * r.episodes, 0) / episodes : 0;
  const perEpisode = rows.every((r) => r.msPerEpisode !== undefined);
  return {
    arm: first.arm,
    budget: first.budget,
    bin,
    seed: "pooled",
    successes,
    episodes,
    ci95: wilsonInterval(successes, episodes),
    spl: weighted((r) => r.spl),
    msPerDecision: weighted((r) => r.msPerDecision),
    ...(perEpisode ? { msPerEpisode: weighted((r) => r.msPerEpisode as number) } : {}),
    costUnitsPerStep: weighted((r) => r.costUnitsPerStep),
  };
}

/** What `renderComparisonReport` wrote. */
export interface WrittenReport {
  /** The page. */
  index: string;
  /** Every file written, the page last. */
  files: string[];
}

/**
 * Renders a comparison's report into `outDir`: success by bin with 95% intervals (per-seed rates as dots), SPL
 * by bin, success against compute per env step and against planning time (a point per budget, a line per
 * arm), the example episodes on the map, and `index.html` holding the table and every plot inline. Each file
 * is written atomically (temp file + rename); input problems are `InputError`s naming the field.
 */
export async function renderComparisonReport(
  comparison: ComparisonReportInput,
  outDir: string,
): Promise<WrittenReport> {
  const input = parseComparisonReport(comparison, "comparison report");
  const arms = input.arms.map((a) => a.name);
  const pooled = pooledResults(input);
  const atBudget = (r: ComparisonResult) => input.arms.some((a) => a.name === r.arm && a.budget === r.budget);
  const inBins = (r: ComparisonResult) => input.bins.includes(r.bin);
  const binRows = pooled.filter((r) => atBudget(r) && inBins(r));
  const allRows = pooled.filter((r) => r.bin === "all");
  const seedRows = input.results.filter((r) => r.seed !== "pooled" && atBudget(r) && inBins(r));

  const plots: (ReportPlot & { name: string })[] = [];
  plots.push({
    name: "success-by-bin.svg",
    title: "Success by distance bin",
    svg: await renderSuccessByBin({
      title: "Success by distance bin",
      rows: binRows,
      arms,
      bins: input.bins,
      seeds: seedRows.map((r) => ({
        arm: r.arm,
        bin: r.bin,
        seed: r.seed as number,
        successRate: r.episodes > 0 ? r.successes / r.episodes : 0,
      })),
      subtitle:
        "bars: pooled over seeds; dots: one seed; error bars: 95% interval; above: successes/episodes",
    }),
  });
  plots.push({
    name: "spl-by-bin.svg",
    title: "SPL by distance bin",
    svg: await renderSplByBin({
      title: "SPL by distance bin",
      rows: binRows.map((r) => ({ arm: r.arm, bin: r.bin, spl: r.spl, episodes: r.episodes })),
      arms,
      bins: input.bins,
    }),
  });
  const budgets = allRows.map((r) => ({
    arm: r.arm,
    successes: r.successes,
    episodes: r.episodes,
    ci95: r.ci95,
    costUnitsPerStep: r.costUnitsPerStep,
    ms: r.msPerDecision,
    label: String(r.budget),
  }));
  if (budgets.length > 0) {
    plots.push({
      name: "success-vs-compute.svg",
      title: "Success against compute per env step",
      svg: await renderSuccessVsCompute({
        title: "Success against compute per env step (all tasks)",
        subtitle: "a point per budget (labelled: cost units asked for); error bars: 95% interval",
        rows: budgets,
        arms,
      }),
    });
    plots.push({
      name: "success-vs-time.svg",
      title: "Success against planning time",
      svg: await renderSuccessVsTime({
        title: "Success against planning time (all tasks)",
        subtitle: "a point per budget (labelled: cost units asked for); error bars: 95% interval",
        rows: budgets,
        arms,
        per: "decision",
      }),
    });
  }
  const examples: (ReportPlot & { name: string })[] = [];
  const names = new Set<string>();
  for (const e of input.examples ?? []) {
    const base = `example-${fileSlug(e.arm)}-${fileSlug(e.taskId)}`;
    let name = `${base}.svg`;
    for (let k = 2; names.has(name); k++) name = `${base}-${k}.svg`;
    names.add(name);
    examples.push({
      name,
      title: `${e.arm}: ${e.taskId}`,
      svg: await renderTrajectory(e),
    });
  }
  const descriptions = input.arms.filter((a) => a.description);
  const sections: ReportSection[] = [
    {
      heading: "Results",
      ...(descriptions.length ? { text: descriptions.map((a) => `${a.name}: ${a.description}`) } : {}),
      ...(input.tableMarkdown ? { markdown: input.tableMarkdown } : {}),
      plots: plots.map((p) => ({ ...p, file: p.name })),
    },
  ];
  if (examples.length > 0) {
    sections.push({ heading: "Example episodes", plots: examples.map((p) => ({ ...p, file: p.name })) });
  }
  const html = renderIndexHtml({ title: input.title, meta: input.meta, sections });
  return writeReportFiles(outDir, [...plots, ...examples], html);
}
