import type { Category, Metric, Value } from "./metricSet.ts";

/**
 * How a value of the original compares with its reproduction: `exact` (bit for bit), `close` (within the
 * tolerance, not exact), `differs`, `missing` (in one of the two only), or `beside` (a time, or a checksum off
 * the deterministic backends: shown, never compared).
 */
export type Match = "exact" | "close" | "differs" | "missing" | "beside";

export interface Row {
  name: string;
  category: Category;
  group?: string;
  original: Value | undefined;
  reproduced: Value | undefined;
  match: Match;
  /** For numbers and vectors that are not exact: the largest difference and where. */
  detail?: string;
}

export interface Comparison {
  rows: Row[];
  /** 0 for exact equality; else numbers match when |a - b| <= tolerance * max(1, |a|, |b|). */
  tolerance: number;
  counts: Record<Match, number>;
  /** Nothing differs and nothing is missing. */
  match: boolean;
}

/** Why a value absent on one side and null on the other is not a difference. */
export const ABSENT_OR_NULL = "absent on one side, null on the other: a field added or removed since";

/** Within the tolerance: relative for numbers above 1 in size, absolute below (so zeros compare sensibly). */
function within(a: number, b: number, tolerance: number): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function compareVectors(
  a: readonly number[],
  b: readonly number[],
  tolerance: number,
): Pick<Row, "match" | "detail"> {
  if (a.length !== b.length) return { match: "differs", detail: `${a.length} numbers vs ${b.length}` };
  let worst = -1;
  let worstDiff = 0;
  let exact = true;
  let ok = true;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (sameNumber(x, y)) continue;
    exact = false;
    if (!within(x, y, tolerance)) ok = false;
    const d = Math.abs(x - y);
    if (worst < 0 || d > worstDiff || Number.isNaN(d)) {
      worst = i;
      worstDiff = d;
    }
  }
  if (exact) return { match: "exact" };
  return { match: ok ? "close" : "differs", detail: `max |diff| ${worstDiff.toPrecision(3)} at [${worst}]` };
}

function compareValues(a: Value, b: Value, tolerance: number): Pick<Row, "match" | "detail"> {
  if (typeof a === "number" && typeof b === "number") {
    if (sameNumber(a, b)) return { match: "exact" };
    const detail = `|diff| ${Math.abs(a - b).toPrecision(3)}`;
    return { match: within(a, b, tolerance) ? "close" : "differs", detail };
  }
  if (Array.isArray(a) && Array.isArray(b)) return compareVectors(a, b, tolerance);
  return { match: a === b ? "exact" : "differs" };
}

/**
 * Compares two sets of metrics name by name (the original's order, then names only the reproduction has).
 * Times are reported beside; checksums are compared only when `checksums` is true (a deterministic backend:
 * elsewhere equal weights cannot be expected, and the numbers they give are compared within the tolerance).
 */
export function compareMetrics(
  original: readonly Metric[],
  reproduced: readonly Metric[],
  opts: { tolerance: number; checksums: boolean },
): Comparison {
  const other = new Map(reproduced.map((m) => [m.name, m]));
  const seen = new Set<string>();
  const rows: Row[] = [];
  const push = (m: Metric, a: Value | undefined, b: Value | undefined) => {
    const base = { name: m.name, category: m.category, original: a, reproduced: b };
    const grouped = m.group === undefined ? base : { ...base, group: m.group };
    if (m.optional && (a === undefined || b === undefined)) return;
    if (m.category === "timing" || (m.category === "checksum" && !opts.checksums)) {
      rows.push({ ...grouped, match: "beside" });
    } else if (a === undefined || b === undefined) {
      // A key the code writes as null since (or wrote as null until) a change: the same "nothing", shown beside.
      if ((a ?? b) === null) rows.push({ ...grouped, match: "beside", detail: ABSENT_OR_NULL });
      else rows.push({ ...grouped, match: "missing" });
    } else {
      rows.push({ ...grouped, ...compareValues(a, b, opts.tolerance) });
    }
  };
  for (const m of original) {
    seen.add(m.name);
    push(m, m.value, other.get(m.name)?.value);
  }
  for (const m of reproduced) if (!seen.has(m.name)) push(m, undefined, m.value);
  const counts: Record<Match, number> = { exact: 0, close: 0, differs: 0, missing: 0, beside: 0 };
  for (const r of rows) counts[r.match] += 1;
  return { rows, tolerance: opts.tolerance, counts, match: counts.differs + counts.missing === 0 };
}
