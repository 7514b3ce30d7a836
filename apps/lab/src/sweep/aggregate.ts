/**
 * A sweep's numbers: per setting, each metric's mean over the training seeds with its 95% interval
 * (stats.ts), and the value of every seed; and the table sweep.md and the terminal show.
 */
import type { Setting } from "./grid.ts";
import { type MeanInterval, meanInterval } from "./stats.ts";

/** A number the sweep reports per cell (setting and seed). */
export interface MetricSpec {
  name: string;
  /** For tables and axis titles. */
  label: string;
  /** The unit, for axis titles ("% of episodes", "steps", "error / baseline"). */
  unit: string;
  /** A fraction in [0, 1] shown as a percentage. */
  percent?: boolean;
  /** The values it can take ([0, 1] for a rate; null: unbounded): intervals are clipped to it. */
  range?: [number | null, number | null];
}

/** One setting at one training seed: its metric values. */
export interface SweepCell {
  setting: string;
  seed: number;
  metrics: Record<string, number>;
}

export interface SweepRow {
  /** The setting's key. */
  setting: string;
  label: string;
  values: Record<string, unknown>;
  /** Seeds with a value. */
  n: number;
  metrics: Record<string, MeanInterval & { perSeed: (number | null)[] }>;
}

/** One row per setting, in grid order; a setting without any finished cell has n = 0 and no metrics. */
export function aggregateSweep(
  settings: readonly Setting[],
  seeds: readonly number[],
  metrics: readonly MetricSpec[],
  cells: readonly SweepCell[],
): SweepRow[] {
  const byKey = new Map(cells.map((c) => [`${c.setting}|${c.seed}`, c]));
  return settings.map((s) => {
    const mine = seeds.map((seed) => byKey.get(`${s.key}|${seed}`) ?? null);
    const row: SweepRow = {
      setting: s.key,
      label: s.label,
      values: s.values,
      n: mine.filter((c) => c !== null).length,
      metrics: {},
    };
    for (const m of metrics) {
      const perSeed = mine.map((c) => c?.metrics[m.name] ?? null);
      const present = perSeed.filter((v): v is number => v !== null);
      if (present.length === 0) continue;
      const stats = meanInterval(present);
      row.metrics[m.name] = { ...stats, ci95: stats.ci95 && clip(stats.ci95, m.range), perSeed };
    }
    return row;
  });
}

/**
 * A t interval of a bounded metric (a rate over few seeds) can reach past its bounds, where no value can be:
 * it is clipped to them, as sweep.md's method says.
 */
function clip(ci: [number, number], range: MetricSpec["range"]): [number, number] {
  const [lo, hi] = range ?? [null, null];
  return [lo === null ? ci[0] : Math.max(lo, ci[0]), hi === null ? ci[1] : Math.min(hi, ci[1])];
}

/**
 * The markdown table: setting, seeds, then each metric's mean [95% interval] (a metric's unit in its column
 * head); padded to read in a terminal.
 */
export function sweepTable(rows: readonly SweepRow[], metrics: readonly MetricSpec[]): string {
  const header = ["setting", "n", ...metrics.map((m) => `${m.label} (${m.unit})`)];
  const body = rows.map((r) => [
    r.label,
    String(r.n),
    ...metrics.map((m) => {
      const s = r.metrics[m.name];
      if (s === undefined) return "-";
      const f = (x: number) => format(x, m);
      return s.ci95 ? `${f(s.mean)} [${f(s.ci95[0])}, ${f(s.ci95[1])}]` : f(s.mean);
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, 3, ...body.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [line(header), rule, ...body.map(line)].join("\n");
}

/** A metric value as tables show it: percentages with one decimal, others with 4 significant digits. */
export function format(x: number, m: MetricSpec): string {
  if (m.percent) return `${(100 * x).toFixed(1)}%`;
  if (x === 0) return "0";
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(x))));
  return Math.abs(x) >= 1e5 || Math.abs(x) < 1e-4 ? x.toExponential(3) : x.toFixed(Math.min(digits, 6));
}
