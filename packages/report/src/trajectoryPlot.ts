import { InputError } from "@hjepa/errors";
import type { TopLevelSpec } from "vega-lite";
import { renderVegaLite } from "./render.ts";

/** A position in map units: x to the right, y down (row 0 at the top), as the env pictures draw them. */
export type Point = readonly [x: number, y: number];

/**
 * The map an episode ran on: a grid of cells in map units, cell (r, c) covering x in [c, c + 1) and y in
 * [r, r + 1). Cell kinds are the codes of `@hjepa/envs`' `CELL`: 0 free, 1 wall, 2 hazard, 3 key, 4 door.
 */
export interface MapGrid {
  rows: number;
  cols: number;
  /** Row-major cell kinds, `rows * cols` of them. */
  cells: ArrayLike<number>;
  /** What one map unit is, for the axis titles (default "cells"). */
  unit?: string;
}

/** The subgoals one level handed down over an episode (or the first plan), in map units. */
export interface SubgoalSeries {
  /** The level whose plan made them; 0 for subgoals from the env's exact shortest path (oracle arm). */
  level: number;
  points: readonly Point[];
  /** Legend text (default "level L subgoals", or "oracle subgoals" for level 0). */
  label?: string;
}

/** Input of `trajectorySpec` / `renderTrajectory`: one episode on its map. */
export interface TrajectoryPlotInput {
  /** Environment id, e.g. "hjepa/NineRooms-v0". */
  env: string;
  taskId: string;
  /** The arm (planner, levels) that ran the episode. */
  arm: string;
  success: boolean;
  /** Env steps taken (to the goal, or the whole budget). */
  steps: number;
  map: MapGrid;
  start: Point;
  goal: Point;
  /** Distance to the goal within which the episode counts as reached, in map units: drawn as a circle. */
  goalRadius: number;
  /** Legend text of the goal (default "goal (reached within R <unit>)"), e.g. "goal (its cell)" on a grid. */
  goalLabel?: string;
  /** The executed path, from the start. */
  path: readonly Point[];
  /** The first plan's imagined states decoded to positions (a linear probe), when available. */
  plan?: readonly Point[] | null;
  subgoals?: readonly SubgoalSeries[];
  /** A second title line, e.g. "bin far; shortest path 15.5 cells; path taken 37.3". */
  subtitle?: string;
  /** Pixels per map unit (default: the longer side of the map in 460 px). Both axes share it. */
  pxPerUnit?: number;
}

/** Cell kinds drawn (free cells are the background), with their legend names and colours (as the PNGs). */
const CELL_KINDS = [
  { code: 1, name: "wall", color: "#282830" },
  { code: 2, name: "hazard", color: "#e67828" },
  { code: 3, name: "key", color: "#e6c81e" },
  { code: 4, name: "door (locked)", color: "#825028" },
] as const;
const FREE_COLOR = "#f5f5f0";
const MAP_SIDE_PX = 460;

const COLORS = { path: "#1e6ee6", start: "#6e6e6e", goal: "#1e9632", plan: "#c828a0" } as const;
/** Subgoal marks by level: level 0 (oracle) first, then levels 2, 3, 4, ... */
const SUBGOAL_STYLES = [
  { color: "#111111", shape: "cross" },
  { color: "#7b3fb0", shape: "diamond" },
  { color: "#b15928", shape: "triangle-up" },
  { color: "#1b9e9e", shape: "square" },
  { color: "#e7298a", shape: "triangle-down" },
] as const;
/** A legend symbol for lines: a short horizontal stroke (vega symbol paths span -1..1). */
const LINE_SYMBOL = "M-1,0L1,0";

interface CellRect {
  x: number;
  x2: number;
  y: number;
  y2: number;
  kind: string;
}

/**
 * The map's non-free cells as few rectangles in map units: runs of equal cells along each row, merged with the
 * same run in the rows below (a wall 10 cells tall is one rectangle, so no seams show between its rows).
 */
export function mapRects(map: MapGrid): CellRect[] {
  const { rows, cols, cells } = map;
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0)) {
    throw new InputError(`trajectory map: rows and cols must be positive integers (got ${rows} x ${cols})`);
  }
  if (cells.length !== rows * cols) {
    throw new InputError(
      `trajectory map: cells has ${cells.length} entries, expected rows x cols = ${rows * cols}`,
    );
  }
  const out: CellRect[] = [];
  // Rectangles still growing downwards, by "x:x2:kind" of their run.
  let open = new Map<string, CellRect>();
  for (let r = 0; r < rows; r++) {
    const next = new Map<string, CellRect>();
    let c = 0;
    while (c < cols) {
      const code = cells[r * cols + c] as number;
      let end = c + 1;
      while (end < cols && cells[r * cols + end] === code) end++;
      const kind = CELL_KINDS.find((k) => k.code === code);
      if (kind) {
        const key = `${c}:${end}:${kind.name}`;
        const above = open.get(key);
        if (above) above.y2 = r + 1;
        else out.push({ x: c, x2: end, y: r, y2: r + 1, kind: kind.name });
        next.set(key, above ?? (out[out.length - 1] as CellRect));
      }
      c = end;
    }
    open = next;
  }
  return out;
}

function checkPoint(p: Point, where: string): Point {
  if (!(Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]))) {
    throw new InputError(`${where} must be a point [x, y] of finite numbers (got ${JSON.stringify(p)})`);
  }
  return p;
}

/** "reached in N steps" or "failed (N steps)": the outcome as the title says it. */
export function outcomeText(success: boolean, steps: number): string {
  return success ? `reached in ${steps} steps` : `failed (${steps} steps)`;
}

/**
 * One episode on its map, in map units with equal scales on both axes: walls (and hazards, key, door), the
 * start, the goal with its success radius as a circle, the executed path, the decoded first plan and each
 * level's subgoals (a colour and shape per level), with a legend and a title naming env, task, arm and outcome.
 */
export function trajectorySpec(input: TrajectoryPlotInput): TopLevelSpec {
  const { map } = input;
  const rects = mapRects(map);
  const unit = map.unit ?? "cells";
  const ppu = input.pxPerUnit ?? MAP_SIDE_PX / Math.max(map.rows, map.cols);
  if (!(ppu > 0)) throw new InputError(`trajectory: pxPerUnit must be positive (got ${ppu})`);
  if (!(input.goalRadius >= 0)) {
    throw new InputError(
      `trajectory: goalRadius must be a distance >= 0 in map units (got ${input.goalRadius})`,
    );
  }
  const start = checkPoint(input.start, "trajectory: start");
  const goal = checkPoint(input.goal, "trajectory: goal");
  const path = input.path.map((p, i) => checkPoint(p, `trajectory: path[${i}]`));
  const plan = (input.plan ?? []).map((p, i) => checkPoint(p, `trajectory: plan[${i}]`));

  // Legend entries in drawing order; each has a colour and a legend symbol.
  const legend: { what: string; color: string; shape: string }[] = [];
  const entry = (what: string, color: string, shape: string) => {
    legend.push({ what, color, shape });
    return what;
  };
  const pathWhat = entry(`path taken (${input.steps} steps)`, COLORS.path, LINE_SYMBOL);
  const planWhat =
    plan.length > 0 ? entry(`first plan, decoded (${plan.length} states)`, COLORS.plan, "circle") : "";
  const subgoalLayers = (input.subgoals ?? [])
    .filter((s) => s.points.length > 0)
    .map((s, i) => {
      const style = SUBGOAL_STYLES[s.level <= 0 ? 0 : Math.min(s.level - 1, SUBGOAL_STYLES.length - 1)] as {
        color: string;
        shape: string;
      };
      const label = s.label ?? (s.level <= 0 ? "oracle subgoals" : `level ${s.level} subgoals`);
      const what = entry(`${label} (${s.points.length})`, style.color, style.shape);
      return s.points.map((p, j) => {
        const [x, y] = checkPoint(p, `trajectory: subgoals[${i}].points[${j}]`);
        return { x, y, what };
      });
    });
  const startWhat = entry("start", COLORS.start, "circle");
  const goalWhat = entry(
    input.goalLabel ?? `goal (reached within ${fmt(input.goalRadius)} ${unit})`,
    COLORS.goal,
    "circle",
  );

  const x = {
    field: "x",
    type: "quantitative",
    scale: { domain: [0, map.cols], nice: false, zero: false },
    axis: { title: `x (${unit})`, grid: false, tickMinStep: 1 },
  } as const;
  const y = {
    field: "y",
    type: "quantitative",
    scale: { domain: [0, map.rows], nice: false, zero: false, reverse: true },
    axis: { title: `y (${unit}, down)`, grid: false, tickMinStep: 1 },
  } as const;
  const color = {
    field: "what",
    type: "nominal",
    scale: { domain: legend.map((l) => l.what), range: legend.map((l) => l.color) },
    legend: {
      title: "episode",
      orient: "right",
      symbolStrokeWidth: 2.5,
      symbolSize: 140,
    },
  } as const;
  const shape = {
    field: "what",
    type: "nominal",
    scale: { domain: legend.map((l) => l.what), range: legend.map((l) => l.shape) },
  } as const;
  const cellColors = CELL_KINDS.filter((k) => rects.some((r) => r.kind === k.name));
  const cellScale = {
    field: "kind",
    type: "nominal",
    scale: { domain: cellColors.map((k) => k.name), range: cellColors.map((k) => k.color) },
  } as const;

  const layers: unknown[] = [];
  if (rects.length > 0) {
    layers.push({
      name: "walls",
      data: { values: rects.map((r) => ({ ...r, color: cellColors.find((k) => k.name === r.kind)?.color })) },
      // Outlined in their own colour: no anti-aliased seam shows where two rectangles meet.
      mark: { type: "rect", strokeWidth: 0.75 },
      encoding: {
        x,
        x2: { field: "x2" },
        y,
        y2: { field: "y2" },
        fill: { ...cellScale, legend: { title: "map", orient: "right", symbolType: "square" } },
        stroke: { field: "color", type: "nominal", scale: null },
      },
    });
  }
  // The success region: a vega symbol's size is the area of its bounding square ((2 r)^2 px^2 for a circle),
  // and both axes have `ppu` pixels per map unit.
  const radiusPx = Math.max(input.goalRadius * ppu, 3);
  layers.push({
    name: "goal_region",
    data: { values: [{ x: goal[0], y: goal[1], what: goalWhat }] },
    mark: {
      type: "point",
      shape: "circle",
      size: 4 * radiusPx * radiusPx,
      filled: true,
      fillOpacity: 0.25,
      strokeOpacity: 1,
      strokeWidth: 1.5,
      stroke: COLORS.goal,
    },
    encoding: { x, y, color, shape },
  });
  layers.push({
    name: "path",
    data: { values: path.map(([px, py], i) => ({ x: px, y: py, i, what: pathWhat })) },
    mark: { type: "line", strokeWidth: 2, interpolate: "linear" },
    encoding: { x, y, color, order: { field: "i", type: "quantitative" } },
  });
  if (plan.length > 0) {
    const planRows = [start, ...plan].map(([px, py], i) => ({ x: px, y: py, i, what: planWhat }));
    layers.push({
      name: "plan_line",
      data: { values: planRows },
      mark: { type: "line", strokeWidth: 1.2, strokeDash: [3, 2], opacity: 0.8 },
      encoding: { x, y, color, order: { field: "i", type: "quantitative" } },
    });
    layers.push({
      name: "plan",
      data: { values: planRows.slice(1) },
      mark: { type: "point", filled: true, size: 30, opacity: 0.9 },
      encoding: { x, y, color, shape },
    });
  }
  for (const [i, rows] of subgoalLayers.entries()) {
    layers.push({
      name: `subgoals_${i}`,
      data: { values: rows },
      mark: { type: "point", filled: true, size: 80, opacity: 0.95, stroke: "white", strokeWidth: 0.8 },
      encoding: { x, y, color, shape },
    });
  }
  layers.push({
    name: "endpoints",
    data: {
      values: [
        { x: start[0], y: start[1], what: startWhat },
        { x: goal[0], y: goal[1], what: goalWhat },
      ],
    },
    mark: { type: "point", filled: true, size: 110, opacity: 1, stroke: "white", strokeWidth: 1.5 },
    encoding: { x, y, color, shape },
  });

  const title = `${input.env} · task ${input.taskId} · ${input.arm} · ${outcomeText(input.success, input.steps)}`;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: input.subtitle ? { text: title, subtitle: input.subtitle } : { text: title },
    width: map.cols * ppu,
    height: map.rows * ppu,
    config: { view: { fill: FREE_COLOR, stroke: "#888" } },
    resolve: { scale: { fill: "independent" } },
    layer: layers,
  } as TopLevelSpec;
}

/** `trajectorySpec` rendered to an SVG string. */
export function renderTrajectory(input: TrajectoryPlotInput): Promise<string> {
  return renderVegaLite(trajectorySpec(input));
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0+$/, "");
}
