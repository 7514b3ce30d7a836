import { createHash } from "node:crypto";
import type { Comparison, Match, Row } from "./compareMetrics.ts";
import type { Value } from "./metricSet.ts";

/** Members of a group listed under its line when they differ (every one is in reproduce.json). */
const SHOWN_MEMBERS = 5;

/** A value in a table cell: numbers in full (so that "exact" can be seen), long strings and vectors short. */
export function cell(v: Value | undefined): string {
  if (v === undefined) return "(none)";
  if (Array.isArray(v)) return `[${v.length} numbers]`;
  if (typeof v === "string") return v.length > 24 ? `${v.slice(0, 12)}…${v.slice(-6)}` : v;
  return String(v);
}

const MATCH_WORD: Record<Match, string> = {
  exact: "exact",
  close: "close",
  differs: "DIFFERS",
  missing: "MISSING",
  beside: "-",
};

interface Line {
  metric: string;
  original: string;
  reproduced: string;
  match: string;
}

function rowLine(r: Row, indent = ""): Line {
  return {
    metric: `${indent}${r.name}`,
    original: cell(r.original),
    reproduced: cell(r.reproduced),
    match: `${MATCH_WORD[r.match]}${r.detail ? ` (${r.detail})` : ""}`,
  };
}

function mean(rows: readonly Row[], side: "original" | "reproduced"): string {
  const xs = rows.map((r) => r[side]).filter((v): v is number => typeof v === "number");
  if (xs.length === 0) return `${rows.length} values`;
  return `mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toPrecision(6)}`;
}

/** One line for a group of rows (every episode's success), then the members that differ. */
function groupLines(group: string, rows: readonly Row[]): Line[] {
  const n = rows.length;
  const bad = rows.filter((r) => r.match === "differs" || r.match === "missing");
  const close = rows.filter((r) => r.match === "close");
  const beside = rows.every((r) => r.match === "beside");
  const what = rows.some((r) => Array.isArray(r.original ?? r.reproduced)) ? "vectors" : "values";
  const match = beside
    ? "-"
    : bad.length > 0
      ? `DIFFERS (${bad.length} of ${n})`
      : close.length > 0
        ? `close (${close.length} of ${n} not exact)`
        : `exact (all ${n})`;
  const head: Line = {
    metric: `${group} (${n})`,
    original: beside
      ? mean(rows, "original")
      : `${rows.filter((r) => r.original !== undefined).length} ${what}`,
    reproduced: beside
      ? mean(rows, "reproduced")
      : `${rows.filter((r) => r.reproduced !== undefined).length} ${what}`,
    match,
  };
  const members = bad.slice(0, SHOWN_MEMBERS).map((r) => rowLine(r, "  "));
  if (bad.length > SHOWN_MEMBERS)
    members.push({
      metric: `  … ${bad.length - SHOWN_MEMBERS} more (reproduce.json)`,
      original: "",
      reproduced: "",
      match: "",
    });
  return [head, ...members];
}

/** Rows in order, each group as one line where its first member is. */
function lines(rows: readonly Row[]): Line[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) if (r.group !== undefined) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const done = new Set<string>();
  const out: Line[] = [];
  for (const r of rows) {
    if (r.group === undefined) out.push(rowLine(r));
    else if (!done.has(r.group)) {
      done.add(r.group);
      out.push(...groupLines(r.group, groups.get(r.group) as Row[]));
    }
  }
  return out;
}

function render(header: Line, body: Line[]): string[] {
  const all = [header, ...body];
  const w = (k: keyof Line, cap: number) => Math.min(cap, Math.max(...all.map((l) => l[k].length)));
  const wm = w("metric", 72);
  const wo = w("original", 26);
  const wr = w("reproduced", 26);
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
  return all.map((l) =>
    `${clip(l.metric, wm)}  ${l.original.padStart(wo)}  ${l.reproduced.padStart(wr)}  ${l.match}`.trimEnd(),
  );
}

/** The table `hjepa reproduce` prints: compared values, then what is reported beside (times, checksums). */
export function formatComparison(c: Comparison): string[] {
  const compared = c.rows.filter((r) => r.match !== "beside");
  const beside = c.rows.filter((r) => r.match === "beside");
  const out = render(
    { metric: "metric", original: "original", reproduced: "reproduced", match: "match" },
    lines(compared),
  );
  if (beside.length > 0) {
    out.push("");
    out.push(
      ...render(
        {
          metric: "reported beside, not compared",
          original: "original",
          reproduced: "reproduced",
          match: "",
        },
        lines(beside),
      ),
    );
  }
  return out;
}

/** A row as written to reproduce.json: vectors as their length and sha256 (a trajectory is long). */
export function rowJson(r: Row): Record<string, unknown> {
  const v = (x: Value | undefined) =>
    x === undefined
      ? null
      : Array.isArray(x)
        ? { numbers: x.length, sha256: createHash("sha256").update(JSON.stringify(x)).digest("hex") }
        : x;
  return {
    metric: r.name,
    category: r.category,
    ...(r.group === undefined ? {} : { group: r.group }),
    original: v(r.original),
    reproduced: v(r.reproduced),
    match: r.match,
    ...(r.detail === undefined ? {} : { detail: r.detail }),
  };
}
