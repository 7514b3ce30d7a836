import { mergeCells } from "../geometry/rects.ts";
import { VisibilityGraph } from "../geometry/visibility.ts";
import type { Oracle } from "../types.ts";
import type { WallGrid } from "./walls.ts";

/**
 * The exact shortest-path oracle of a PointMaze map: a visibility graph over the blocked cells (walls and
 * doors, merged into rectangles) inside the map's rectangle, with pinches closed since the point cannot pass
 * between two walls that touch at a corner. Distances in map units, exact up to float64 rounding; Infinity
 * (and a null path) between states that are in walls or in different connected regions.
 */
export function pointMazeOracle(grid: WallGrid): Oracle & { graph: VisibilityGraph } {
  const rects = mergeCells(grid.rows, grid.cols, (r, c) => grid.isBlocked(r, c));
  const graph = new VisibilityGraph(
    rects,
    { x0: 0, y0: 0, x1: grid.cols, y1: grid.rows },
    { closedPinches: true },
  );
  return {
    graph,
    distance: (from, to) => graph.distance(from, to),
    path: (from, to) => graph.path(from, to),
  };
}
