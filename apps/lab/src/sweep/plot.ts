/**
 * A sweep's plot, one per metric: the metric's mean over seeds (a point with its 95% interval as an error
 * bar, lines joining them) against the first grid axis, a colour per combination of the other axes (the
 * legend), and each seed's value as a small open dot. A numeric first axis is a quantitative x (log when its
 * values span more than 20x); otherwise its values are categories in grid order.
 */
import { ARM_COLORS, renderVegaLite } from "@hjepa/report";
import type { MetricSpec, SweepRow } from "./aggregate.ts";
import type { GridAxis } from "./grid.ts";

type Spec = Parameters<typeof renderVegaLite>[0];

const LOG_SPAN = 20;

export interface SweepPlotInput {
  name: string;
  axes: readonly GridAxis[];
  seeds: readonly number[];
  rows: readonly SweepRow[];
  metric: MetricSpec;
}

export function sweepPlotSpec(input: SweepPlotInput): Spec {
  const { axes, rows, metric } = input;
  const first = axes[0];
  const rest = axes.slice(1);
  const numeric = first?.values.every((v) => typeof v.value === "number") ?? false;
  const xOf = (r: SweepRow) => (first === undefined ? "(the config)" : display(r.values[first.path]));
  const one = `mean of ${input.seeds.length} seed${input.seeds.length === 1 ? "" : "s"}`;
  const seriesOf = (r: SweepRow) =>
    rest.length === 0 ? one : rest.map((a) => `${a.path}=${display(r.values[a.path])}`).join(" ");
  const means = rows.flatMap((r) => {
    const s = r.metrics[metric.name];
    if (s === undefined) return [];
    const [lo, hi] = s.ci95 ?? [s.mean, s.mean];
    return [
      { x: numeric ? r.values[first?.path as string] : xOf(r), series: seriesOf(r), mean: s.mean, lo, hi },
    ];
  });
  const dots = rows.flatMap((r) =>
    (r.metrics[metric.name]?.perSeed ?? []).flatMap((v, i) =>
      v === null
        ? []
        : [
            {
              x: numeric ? r.values[first?.path as string] : xOf(r),
              series: seriesOf(r),
              value: v,
              seed: input.seeds[i],
            },
          ],
    ),
  );
  const series = [...new Set(rows.map(seriesOf))];
  const xs = means.map((m) => m.x).filter((x): x is number => typeof x === "number");
  const log = numeric && xs.length > 0 && Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) > LOG_SPAN;
  const xTitle = first === undefined ? "setting" : `${first.path} (config value, as in the grid)`;
  const x = numeric
    ? {
        field: "x",
        type: "quantitative",
        scale: log ? { type: "log", nice: false, padding: 14 } : { zero: false, padding: 14 },
        axis: { title: xTitle },
      }
    : {
        field: "x",
        type: "ordinal",
        sort: first?.values.map((v) => display(v.value)) ?? null,
        axis: { title: xTitle, labelAngle: 0 },
      };
  const yAxis = { title: `${metric.label} (${metric.unit})`, ...(metric.percent ? { format: ".0%" } : {}) };
  const yScale =
    metric.range?.[0] === 0 && metric.range[1] === 1 ? { domain: [0, 1], nice: false } : { zero: false };
  const color = {
    field: "series",
    type: "nominal",
    scale: { domain: series, range: ARM_COLORS.slice(0, Math.max(1, series.length)) },
    legend: {
      title: rest.length === 0 ? "95% interval over seeds" : rest.map((a) => a.path).join(", "),
      offset: 20,
    },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `${input.name}: ${metric.label} by ${first?.path ?? "setting"}`,
      subtitle: `mean over ${input.seeds.length} training seed(s), error bars: 95% interval (t); open dots: each seed`,
    },
    width: 380,
    height: 260,
    layer: [
      {
        data: { values: means },
        mark: { type: "line", strokeWidth: 2 },
        encoding: { x, y: { field: "mean", type: "quantitative", axis: yAxis, scale: yScale }, color },
      },
      {
        data: { values: means },
        mark: { type: "rule", strokeWidth: 1.5 },
        encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
      },
      {
        data: { values: means },
        mark: { type: "point", filled: true, size: 70, opacity: 1 },
        encoding: { x, y: { field: "mean", type: "quantitative" }, color },
      },
      {
        data: { values: dots },
        mark: { type: "point", filled: false, size: 30, opacity: 0.6 },
        encoding: { x, y: { field: "value", type: "quantitative" }, color },
      },
    ],
  } as Spec;
}

export function renderSweepPlot(input: SweepPlotInput): Promise<string> {
  return renderVegaLite(sweepPlotSpec(input));
}

function display(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
