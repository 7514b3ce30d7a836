import type { TopLevelSpec } from "vega-lite";
import { finite, nonEmpty, orderOf, rate } from "./order.ts";
import { ARM_COLORS, renderVegaLite } from "./render.ts";

/** One arm's success in one distance bin (pooled over tasks, and over seeds when there are several). */
export interface ArmBinSuccess {
  /** The arm, as the legend names it (e.g. "flat cem", "2 levels"). */
  arm: string;
  /** The distance bin, as the axis names it (e.g. "near", "far"). */
  bin: string;
  /** Episodes that reached the goal. */
  successes: number;
  /** Episodes run. */
  episodes: number;
  /** 95% confidence interval of the success rate (e.g. Wilson), as fractions in [0, 1]. */
  ci95: readonly [number, number];
}

/** One seed's success rate in one bin, drawn as a small dot over the pooled bar. */
export interface SeedSuccess {
  arm: string;
  bin: string;
  seed: number;
  /** Fraction in [0, 1]. */
  successRate: number;
}

/** Input of `successByBinSpec` / `renderSuccessByBin`. */
export interface SuccessByBinInput {
  title: string;
  subtitle?: string;
  rows: readonly ArmBinSuccess[];
  /** Arms in legend order (and colour order); first-seen order of `rows` when absent. */
  arms?: readonly string[];
  /** Bins in axis order; first-seen order of `rows` when absent. */
  bins?: readonly string[];
  /** Per-seed success rates, drawn as dots over the bars. */
  seeds?: readonly SeedSuccess[];
  /** Title of the bin axis (default: "distance bin (oracle shortest path)"). */
  binAxisTitle?: string;
}

/** One arm's SPL in one distance bin. */
export interface ArmBinSpl {
  arm: string;
  bin: string;
  /** Success weighted by path length: mean over episodes of success x optimal / max(optimal, path), in [0, 1]. */
  spl: number;
  /** Optional 95% interval of the SPL, drawn as an error bar. */
  ci95?: readonly [number, number];
  /** Episodes behind the mean, printed above the bar. */
  episodes?: number;
}

/** Input of `splByBinSpec` / `renderSplByBin`. */
export interface SplByBinInput {
  title: string;
  subtitle?: string;
  rows: readonly ArmBinSpl[];
  arms?: readonly string[];
  bins?: readonly string[];
  binAxisTitle?: string;
}

const BIN_AXIS = "distance bin (oracle shortest path)";
/** Pixels per bar: wide enough for a "12/30" label above it. */
const BAR_PX = 34;

interface BarRow {
  arm: string;
  bin: string;
  value: number;
  lo: number | null;
  hi: number | null;
  label: string;
}

/** Grouped bars (one group per bin, one bar per arm) with optional error bars and a label above each. */
function groupedBars(opts: {
  title: string;
  subtitle?: string;
  rows: BarRow[];
  arms: string[];
  bins: string[];
  binAxisTitle: string;
  valueAxisTitle: string;
  /** d3 format of the value axis labels (".0%" for rates, ".1f" for SPL). */
  valueFormat: string;
  dots?: { arm: string; bin: string; value: number }[];
}): TopLevelSpec {
  const { rows, arms, bins } = opts;
  const x = {
    field: "bin",
    type: "nominal",
    sort: bins,
    scale: { domain: bins, paddingInner: 0.25 },
    axis: { title: opts.binAxisTitle, labelAngle: 0 },
  } as const;
  const xOffset = { field: "arm", type: "nominal", sort: arms, scale: { domain: arms } } as const;
  const color = {
    field: "arm",
    type: "nominal",
    scale: { domain: arms, range: ARM_COLORS.slice(0, Math.max(1, arms.length)) },
    legend: { title: "arm", orient: "right" },
  } as const;
  const y = {
    field: "value",
    type: "quantitative",
    scale: { domain: [0, 1], nice: false },
    axis: { title: opts.valueAxisTitle, format: opts.valueFormat, tickCount: 5 },
  } as const;
  const layers: unknown[] = [
    { name: "bars", mark: { type: "bar" }, encoding: { x, xOffset, color, y } },
    {
      name: "ci",
      transform: [{ filter: "datum.lo != null" }],
      mark: { type: "rule", color: "#222", strokeWidth: 1.5 },
      encoding: { x, xOffset, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
    },
    {
      name: "ci_hi",
      transform: [{ filter: "datum.lo != null" }],
      mark: { type: "tick", color: "#222", thickness: 1.5, size: 10, orient: "horizontal" },
      encoding: { x, xOffset, y: { field: "hi", type: "quantitative" } },
    },
    {
      name: "ci_lo",
      transform: [{ filter: "datum.lo != null" }],
      mark: { type: "tick", color: "#222", thickness: 1.5, size: 10, orient: "horizontal" },
      encoding: { x, xOffset, y: { field: "lo", type: "quantitative" } },
    },
    {
      name: "labels",
      transform: [{ calculate: "datum.hi != null ? datum.hi : datum.value", as: "top" }],
      mark: { type: "text", dy: -8, fontSize: 10, color: "#333", baseline: "bottom" },
      encoding: { x, xOffset, y: { field: "top", type: "quantitative" }, text: { field: "label" } },
    },
  ];
  if (opts.dots && opts.dots.length > 0) {
    layers.push({
      name: "seeds",
      data: { values: opts.dots },
      mark: { type: "point", filled: true, color: "#111", opacity: 0.7, size: 22, shape: "circle" },
      encoding: { x, xOffset, y: { field: "value", type: "quantitative" } },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: opts.subtitle ? { text: opts.title, subtitle: opts.subtitle } : { text: opts.title },
    width: Math.max(120, bins.length * (arms.length * BAR_PX + 24)),
    height: 260,
    data: { values: rows },
    layer: layers,
  } as TopLevelSpec;
}

/** The arms and bins of a plot in the input's order, or in first-seen order of the rows. */
function armsAndBins(
  input: { arms?: readonly string[]; bins?: readonly string[] },
  rows: readonly { arm: string; bin: string }[],
): { arms: string[]; bins: string[] } {
  return {
    arms: orderOf(
      input.arms,
      rows.map((r) => r.arm),
    ),
    bins: orderOf(
      input.bins,
      rows.map((r) => r.bin),
    ),
  };
}

/**
 * Success rate by distance bin, one bar per arm, with its 95% interval as an error bar and
 * "successes/episodes" above it; per-seed rates as dots when given. The value axis is 0-100%.
 */
export function successByBinSpec(input: SuccessByBinInput): TopLevelSpec {
  const rows = nonEmpty(input.rows, "success by bin");
  const { arms, bins } = armsAndBins(input, rows);
  const bars: BarRow[] = rows.map((r, i) => {
    const where = `success by bin: rows[${i}]`;
    const value = rate(finite(r.successes, `${where}.successes`), finite(r.episodes, `${where}.episodes`));
    return {
      arm: r.arm,
      bin: r.bin,
      value: value ?? 0,
      lo: value === null ? null : finite(r.ci95[0], `${where}.ci95[0]`),
      hi: value === null ? null : finite(r.ci95[1], `${where}.ci95[1]`),
      label: `${r.successes}/${r.episodes}`,
    };
  });
  return groupedBars({
    title: input.title,
    subtitle: input.subtitle ?? "bars: success rate; error bars: 95% interval; above: successes/episodes",
    rows: bars,
    arms,
    bins,
    binAxisTitle: input.binAxisTitle ?? BIN_AXIS,
    valueAxisTitle: "success rate (% of episodes)",
    valueFormat: ".0%",
    dots: input.seeds?.map((s) => ({ arm: s.arm, bin: s.bin, value: s.successRate })),
  });
}

/** SPL by distance bin, one bar per arm, with its interval when given and its value above. The axis is 0-1. */
export function splByBinSpec(input: SplByBinInput): TopLevelSpec {
  const rows = nonEmpty(input.rows, "SPL by bin");
  const { arms, bins } = armsAndBins(input, rows);
  const bars: BarRow[] = rows.map((r, i) => ({
    arm: r.arm,
    bin: r.bin,
    value: finite(r.spl, `SPL by bin: rows[${i}].spl`),
    lo: r.ci95 ? r.ci95[0] : null,
    hi: r.ci95 ? r.ci95[1] : null,
    label: r.spl.toFixed(2),
  }));
  return groupedBars({
    title: input.title,
    subtitle:
      input.subtitle ??
      "SPL: success weighted by optimal / actual path length (1 = every episode reached on a shortest path)",
    rows: bars,
    arms,
    bins,
    binAxisTitle: input.binAxisTitle ?? BIN_AXIS,
    valueAxisTitle: "SPL (0: failed, 1: shortest path)",
    valueFormat: ".1f",
  });
}

/** `successByBinSpec` rendered to an SVG string. */
export function renderSuccessByBin(input: SuccessByBinInput): Promise<string> {
  return renderVegaLite(successByBinSpec(input));
}

/** `splByBinSpec` rendered to an SVG string. */
export function renderSplByBin(input: SplByBinInput): Promise<string> {
  return renderVegaLite(splByBinSpec(input));
}
