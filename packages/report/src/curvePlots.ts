import { InputError } from "@hjepa/errors";
import type { TopLevelSpec } from "vega-lite";
import { finite, nonEmpty, orderOf, rate } from "./order.ts";
import { ARM_COLORS, renderVegaLite } from "./render.ts";

/** One arm at one planning budget: its success over every task against what it spent. */
export interface BudgetSuccess {
  /** The arm, as the legend names it. */
  arm: string;
  successes: number;
  episodes: number;
  /** 95% confidence interval of the success rate, as fractions in [0, 1]. */
  ci95: readonly [number, number];
  /**
   * Measured compute per env step over every level, in cost units (one level-1 predictor call on one candidate
   * is 1 unit; a level's call costs its cost per call). Needed by `successVsComputeSpec`.
   */
  costUnitsPerStep?: number;
  /** Measured planning time in milliseconds (per decision or per episode, as the plot's `per` says). */
  ms?: number;
  /** Printed beside the point, e.g. the budget asked for ("2800"). */
  label?: string;
}

/** Input of `successVsComputeSpec` / `renderSuccessVsCompute`: the efficiency plot, one line per arm. */
export interface SuccessVsComputeInput {
  title: string;
  subtitle?: string;
  /** One row per arm and budget; every row needs `costUnitsPerStep`. */
  rows: readonly BudgetSuccess[];
  arms?: readonly string[];
  /** "log" when the budgets span more than a factor of 20 (default), else "linear". */
  xScale?: "log" | "linear";
}

/** Input of `successVsTimeSpec` / `renderSuccessVsTime`: success against planning time, one line per arm. */
export interface SuccessVsTimeInput {
  title: string;
  subtitle?: string;
  /** One row per arm and budget; every row needs `ms`. */
  rows: readonly BudgetSuccess[];
  /** Whether `ms` is planning time per decision (one agent step's planning) or per episode. */
  per: "decision" | "episode";
  arms?: readonly string[];
  xScale?: "log" | "linear";
}

/** Budgets spanning more than this factor get a log axis (equal steps for doublings). */
const LOG_SPAN = 20;

interface CurveRow {
  arm: string;
  x: number;
  value: number;
  lo: number;
  hi: number;
  label: string;
}

function curve(opts: {
  title: string;
  subtitle: string;
  rows: CurveRow[];
  arms: string[];
  xTitle: string;
  xScale: "log" | "linear" | undefined;
}): TopLevelSpec {
  const xs = opts.rows.map((r) => r.x);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const log = opts.xScale ? opts.xScale === "log" : lo > 0 && hi / lo > LOG_SPAN;
  const x = {
    field: "x",
    type: "quantitative",
    scale: log ? { type: "log", nice: false, padding: 14 } : { zero: true, nice: true, padding: 14 },
    axis: { title: opts.xTitle, format: ",d", tickCount: 6 },
  } as const;
  const color = {
    field: "arm",
    type: "nominal",
    scale: { domain: opts.arms, range: ARM_COLORS.slice(0, Math.max(1, opts.arms.length)) },
    legend: { title: "arm", offset: 30 },
  } as const;
  const y = {
    field: "value",
    type: "quantitative",
    scale: { domain: [0, 1], nice: false },
    axis: { title: "success rate (% of episodes)", format: ".0%", tickCount: 5 },
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: opts.title, subtitle: opts.subtitle },
    width: 380,
    height: 260,
    data: { values: opts.rows },
    layer: [
      {
        name: "lines",
        mark: { type: "line", strokeWidth: 2 },
        encoding: { x, y, color, order: { field: "x", type: "quantitative" } },
      },
      {
        name: "ci",
        mark: { type: "rule", strokeWidth: 1.5 },
        encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
      },
      {
        name: "points",
        mark: { type: "point", filled: true, size: 70, opacity: 1 },
        encoding: { x, y, color },
      },
      {
        name: "labels",
        mark: { type: "text", dx: 7, dy: -7, align: "left", fontSize: 10, color: "#333" },
        encoding: { x, y, text: { field: "label" } },
      },
    ],
  } as TopLevelSpec;
}

function curveRows(
  rows: readonly BudgetSuccess[],
  plot: string,
  xOf: (r: BudgetSuccess) => number | undefined,
) {
  return nonEmpty(rows, plot).flatMap((r, i): CurveRow[] => {
    const where = `${plot}: rows[${i}]`;
    const x = xOf(r);
    if (x === undefined) throw new InputError(`${where} has no x value (${plot} needs it on every row)`);
    const value = rate(finite(r.successes, `${where}.successes`), finite(r.episodes, `${where}.episodes`));
    if (value === null) return [];
    return [
      {
        arm: r.arm,
        x: finite(x, `${where} x value`),
        value,
        lo: finite(r.ci95[0], `${where}.ci95[0]`),
        hi: finite(r.ci95[1], `${where}.ci95[1]`),
        label: r.label ?? "",
      },
    ];
  });
}

/**
 * Success against compute per env step (cost units), a line per arm through its budgets (the efficiency plot
 * HWM reports): an arm to the upper left reaches more goals for less compute. Error bars: 95% intervals.
 */
export function successVsComputeSpec(input: SuccessVsComputeInput): TopLevelSpec {
  const rows = curveRows(input.rows, "success vs compute", (r) => r.costUnitsPerStep);
  return curve({
    title: input.title,
    subtitle: input.subtitle ?? "a point per planning budget; error bars: 95% interval; upper left is better",
    rows,
    arms: orderOf(
      input.arms,
      rows.map((r) => r.arm),
    ),
    xTitle: "compute per env step (cost units: level-1 predictor calls)",
    xScale: input.xScale,
  });
}

/** Success against planning time (ms per decision or per episode), a line per arm through its budgets. */
export function successVsTimeSpec(input: SuccessVsTimeInput): TopLevelSpec {
  const rows = curveRows(input.rows, "success vs planning time", (r) => r.ms);
  return curve({
    title: input.title,
    subtitle: input.subtitle ?? "a point per planning budget; error bars: 95% interval; upper left is better",
    rows,
    arms: orderOf(
      input.arms,
      rows.map((r) => r.arm),
    ),
    xTitle: `planning time (ms per ${input.per})`,
    xScale: input.xScale,
  });
}

/** `successVsComputeSpec` rendered to an SVG string. */
export function renderSuccessVsCompute(input: SuccessVsComputeInput): Promise<string> {
  return renderVegaLite(successVsComputeSpec(input));
}

/** `successVsTimeSpec` rendered to an SVG string. */
export function renderSuccessVsTime(input: SuccessVsTimeInput): Promise<string> {
  return renderVegaLite(successVsTimeSpec(input));
}
