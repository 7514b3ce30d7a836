import { InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { renderVegaLite } from "./render.ts";
import { parseSvg, translation } from "./svgTesting.ts";
import {
  type MapGrid,
  mapRects,
  renderTrajectory,
  type TrajectoryPlotInput,
  trajectorySpec,
} from "./trajectoryPlot.ts";

/** A 5 x 7 map: two rooms joined through row 2, as text (# wall, . free, H hazard, K key). */
function gridOf(text: string): MapGrid {
  const lines = text.trim().split("\n");
  const codes: Record<string, number> = { ".": 0, "#": 1, H: 2, K: 3, D: 4 };
  return {
    rows: lines.length,
    cols: (lines[0] as string).length,
    cells: lines.flatMap((l) => [...l].map((ch) => codes[ch] as number)),
  };
}
const TWO_ROOMS = gridOf(`
#######
#..#..#
#.....#
#..#..#
#######`);

const episode: TrajectoryPlotInput = {
  env: "hjepa/Toy-v0",
  taskId: "far-3",
  arm: "flat cem",
  success: true,
  steps: 12,
  map: TWO_ROOMS,
  start: [1.5, 1.5],
  goal: [5.5, 3.5],
  goalRadius: 0.5,
  path: [
    [1.5, 1.5],
    [2.5, 2.5],
    [4.5, 2.5],
    [5.5, 3.4],
  ],
  plan: [
    [2, 2],
    [3, 2.5],
  ],
  subgoals: [
    {
      level: 2,
      points: [
        [3, 2.5],
        [5, 3],
      ],
    },
    { level: 0, points: [[4, 2.5]] },
  ],
  pxPerUnit: 20,
};
const strict = { onWarning: (m: string) => expect.fail(`vega warning: ${m}`) };

/** x, y, width, height of a rect mark's path "M x,y h w v h h -w Z". */
function rectOf(d: string): number[] {
  const m = /^M([-\d.]+),([-\d.]+)h([-\d.]+)v([-\d.]+)/.exec(d);
  if (!m) throw new Error(`not a rect path: ${d}`);
  return m.slice(1).map(Number);
}

describe("mapRects", () => {
  it("merges runs of wall cells along rows and down columns", () => {
    expect(mapRects(TWO_ROOMS)).toEqual([
      { x: 0, x2: 7, y: 0, y2: 1, kind: "wall" },
      { x: 0, x2: 1, y: 1, y2: 4, kind: "wall" },
      { x: 3, x2: 4, y: 1, y2: 2, kind: "wall" },
      { x: 6, x2: 7, y: 1, y2: 4, kind: "wall" },
      { x: 3, x2: 4, y: 3, y2: 4, kind: "wall" },
      { x: 0, x2: 7, y: 4, y2: 5, kind: "wall" },
    ]);
  });

  it("refuses cells that do not fill rows x cols", () => {
    expect(() => mapRects({ rows: 2, cols: 2, cells: [0, 1, 0] })).toThrow(InputError);
  });
});

describe("trajectory plot", () => {
  it("draws the walls where the map has them, in map units with one scale for both axes", async () => {
    const p = parseSvg(await renderVegaLite(trajectorySpec(episode), strict));
    const walls = p.items("walls").map((e) => rectOf(e.getAttribute("d") ?? ""));
    // 20 px per map unit, y down: cell (row r, col c) starts at (20 c, 20 r).
    expect(walls).toEqual([
      [0, 0, 140, 20],
      [0, 20, 20, 60],
      [60, 20, 20, 20],
      [120, 20, 20, 60],
      [60, 60, 20, 20],
      [0, 80, 140, 20],
    ]);
    const [start, goal] = p.items("endpoints").map(translation);
    expect(start).toEqual([30, 30]);
    expect(goal).toEqual([110, 70]);
  });

  it("draws the goal's success radius as a circle of that radius in map units", async () => {
    const p = parseSvg(await renderTrajectory(episode));
    const [region] = p.items("goal_region");
    expect(translation(region as never)).toEqual([110, 70]);
    // 0.5 map units at 20 px per unit: a circle of radius 10 px.
    expect(region?.getAttribute("d")).toMatch(/^M10,0A10,10,/);
  });

  it("draws the path, the decoded plan and each level's subgoals, with a legend and a title", async () => {
    const p = parseSvg(await renderTrajectory(episode));
    expect(p.items("path")).toHaveLength(1);
    expect(p.items("plan_line")).toHaveLength(1);
    expect(p.items("plan")).toHaveLength(2);
    expect(p.items("subgoals_0")).toHaveLength(2);
    expect(p.items("subgoals_1")).toHaveLength(1);
    expect(p.items("endpoints")).toHaveLength(2);
    expect(p.texts("title-text")).toEqual(["hjepa/Toy-v0 · task far-3 · flat cem · reached in 12 steps"]);
    expect(p.texts("legend-title")).toEqual(["episode", "map"]);
    expect(p.texts("legend-label")).toEqual([
      "path taken (12 steps)",
      "first plan, decoded (2 states)",
      "level 2 subgoals (2)",
      "oracle subgoals (1)",
      "start",
      "goal (reached within 0.5 cells)",
      "wall",
    ]);
    expect(p.texts("axis-title")).toEqual(["x (cells)", "y (cells, down)"]);
  });

  it("says a failed episode failed, and leaves out what it does not have", async () => {
    const p = parseSvg(
      await renderTrajectory({
        ...episode,
        success: false,
        steps: 40,
        plan: null,
        subgoals: [],
        map: { ...gridOf("#####\n#.HK#\n#####"), unit: "px" },
        start: [1.5, 1.5],
        goal: [3.5, 1.5],
        goalRadius: 1.4,
        path: [[1.5, 1.5]],
      }),
    );
    expect(p.texts("title-text")[0]).toMatch(/· failed \(40 steps\)$/);
    expect(p.items("plan")).toHaveLength(0);
    expect(p.texts("legend-label")).toEqual([
      "path taken (40 steps)",
      "start",
      "goal (reached within 1.4 px)",
      "wall",
      "hazard",
      "key",
    ]);
  });

  it("takes the goal's legend text from the caller when a radius would mislead (a grid goal is a cell)", async () => {
    const p = parseSvg(await renderTrajectory({ ...episode, goalLabel: "goal (reached on its cell)" }));
    expect(p.texts("legend-label")).toContain("goal (reached on its cell)");
  });

  it("gives byte-identical SVG for the same episode", async () => {
    expect(await renderTrajectory(episode)).toBe(await renderTrajectory(episode));
  });

  it("refuses a point that is not [x, y], naming it", () => {
    expect(() => trajectorySpec({ ...episode, path: [[1, Number.NaN]] })).toThrow(/path\[0\]/);
    expect(() => trajectorySpec({ ...episode, goalRadius: -1 })).toThrow(InputError);
  });
});
