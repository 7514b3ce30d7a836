import {
  GridEnv,
  PLDM_SUCCESS_MSE,
  PLDMTwoRoomsEnv,
  type PlanningEnv,
  PointMazeEnv,
  pldmWallMask,
  type TrueState,
} from "@hjepa/envs";
import type { MapGrid, Point } from "@hjepa/report";

/**
 * An environment as the trajectory plots see it: its map as a grid of cells in map units (cell (r, c) covers
 * x in [c, c + 1), y in [r, r + 1)), where a true state lies on it, and the radius within which a goal counts as
 * reached.
 */
export interface MapView {
  map: MapGrid;
  toMap(state: TrueState): Point;
  /** In map units. */
  goalRadius: number;
  /** The goal's legend text when "reached within R" would mislead (a grid goal is reached on its cell). */
  goalLabel?: string;
}

/**
 * The map view of the hjepa environments. PointMaze states are already in map units; grid states are
 * [row, col] (a cell, reached exactly: drawn as the circle inside it); PLDM states are pixels centred on their
 * pixel. Another env is drawn on its `renderMap()` grid, without walls.
 */
export function mapViewOf(core: PlanningEnv): MapView {
  if (core instanceof PointMazeEnv) {
    const { rows, cols, cells } = core.map;
    return {
      map: { rows, cols, cells: Array.from(cells) },
      toMap: (s) => [s[0] as number, s[1] as number],
      goalRadius: core.successRadius,
    };
  }
  if (core instanceof GridEnv) {
    const { rows, cols, cells } = core.map;
    return {
      map: { rows, cols, cells: Array.from(cells) },
      toMap: (s) => [(s[1] as number) + 0.5, (s[0] as number) + 0.5],
      goalRadius: 0.5,
      goalLabel: "goal (reached on its cell)",
    };
  }
  if (core instanceof PLDMTwoRoomsEnv) {
    const n = core.geometry.imgSize;
    return {
      map: {
        rows: n,
        cols: n,
        cells: Array.from(pldmWallMask(core.geometry), (v) => (v ? 1 : 0)),
        unit: "px",
      },
      toMap: (s) => [(s[0] as number) + 0.5, (s[1] as number) + 0.5],
      // Success: the mean squared error over (x, y) below PLDM_SUCCESS_MSE px^2.
      goalRadius: Math.sqrt(2 * PLDM_SUCCESS_MSE),
    };
  }
  const picture = core.renderMap();
  const rows = Math.round(picture.height / picture.cellPx);
  const cols = Math.round(picture.width / picture.cellPx);
  return {
    map: { rows, cols, cells: new Array(rows * cols).fill(0) },
    toMap: (s) => {
      const [x, y] = core.stateToPixel(s);
      return [x / picture.cellPx, y / picture.cellPx];
    },
    goalRadius: 0,
  };
}
