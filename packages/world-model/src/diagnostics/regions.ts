/**
 * Regions of a map that a decoded state can be checked against: the rooms of a PointMaze rooms layout, or the
 * cells of a grid (or of any other PointMaze map). A state may belong to several regions (a doorway joins two
 * rooms), so two states are in "different regions" only when they share none.
 */
import {
  GridEnv,
  type GridMap,
  isPassable,
  type PlanningEnv,
  PointMazeEnv,
  roomOf,
  roomsLayout,
  type TrueState,
} from "@hjepa/envs";
import { EnvironmentError } from "@hjepa/errors";

export interface Regions {
  /** What one region is, for reports. */
  readonly kind: "room" | "cell";
  /** The labels of the regions `state` counts as in (never empty). */
  of(state: TrueState): readonly string[];
  /**
   * True when `state` lies inside a wall or off the map, where no true state can be: for continuous states,
   * deeper than the margin (true states stop on wall faces, which float32 storage rounds onto the wall).
   */
  inWall(state: TrueState): boolean;
}

/** True when the two label lists share no region. */
export function differentRegions(a: readonly string[], b: readonly string[]): boolean {
  return !a.some((label) => b.includes(label));
}

/** How far (map units) inside a wall a continuous state must lie to count as in it (default 0.1). */
export const WALL_MARGIN = 0.1;

/** Rooms of `roomSize` x `roomSize` cells as `roomsLayout` builds them; states `[x, y]` (PointMaze). */
export function roomRegions(map: GridMap, roomSize = 5, wallMargin = WALL_MARGIN): Regions {
  const period = roomSize + 1;
  const roomRows = (map.rows - 1) / period;
  const roomCols = (map.cols - 1) / period;
  return {
    kind: "room",
    of(state) {
      const r = clamp(Math.floor(state[1] as number), 1, map.rows - 2);
      const c = clamp(Math.floor(state[0] as number), 1, map.cols - 2);
      const room = roomOf([r, c], roomSize);
      if (room !== null) return [`${room[0]},${room[1]}`];
      // On a wall line (a doorway, or inside a wall): every room that the line separates here.
      const rows = r % period === 0 ? [r / period - 1, r / period] : [Math.floor(r / period)];
      const cols = c % period === 0 ? [c / period - 1, c / period] : [Math.floor(c / period)];
      const out: string[] = [];
      for (const R of rows)
        for (const C of cols) if (R >= 0 && C >= 0 && R < roomRows && C < roomCols) out.push(`${R},${C}`);
      return out;
    },
    inWall: (state) => wallDepth(map, state[0] as number, state[1] as number) > wallMargin,
  };
}

/**
 * Cells: `[row, col, ...]` states rounded to the nearest cell (grids), or `[x, y]` states floored to the cell
 * they lie in (`xy`, PointMaze maps that are not rooms layouts).
 */
export function cellRegions(map: GridMap, layout: "rowCol" | "xy", wallMargin = WALL_MARGIN): Regions {
  const cell = (s: TrueState): [number, number] =>
    layout === "rowCol"
      ? [Math.round(s[0] as number), Math.round(s[1] as number)]
      : [Math.floor(s[1] as number), Math.floor(s[0] as number)];
  return {
    kind: "cell",
    of(state) {
      const [r, c] = cell(state);
      return [`${r},${c}`];
    },
    inWall: (state) => {
      if (layout === "xy") return wallDepth(map, state[0] as number, state[1] as number) > wallMargin;
      // A KeyDoor state's third number says whether the key (and so the door) is held.
      const [r, c] = cell(state);
      return !isPassable(map, r, c, ((state[2] as number | undefined) ?? 0) >= 0.5);
    },
  };
}

/**
 * The regions of an env's map: rooms for a PointMaze rooms layout (TwoRooms, FourRooms, NineRooms), cells for
 * other PointMaze maps and for grids. Other envs have no map here: pass regions explicitly.
 */
export function envRegions(env: PlanningEnv): Regions {
  if (env instanceof PointMazeEnv)
    return isRoomsLayout(env.map) ? roomRegions(env.map) : cellRegions(env.map, "xy");
  if (env instanceof GridEnv) return cellRegions(env.map, "rowCol");
  throw new EnvironmentError(
    `envRegions: ${env.spec?.id ?? env.constructor.name} has no map of rooms or cells here; pass the regions to check against`,
  );
}

function isRoomsLayout(map: GridMap, roomSize = 5): boolean {
  const period = roomSize + 1;
  const R = (map.rows - 1) / period;
  const C = (map.cols - 1) / period;
  if (!(Number.isInteger(R) && Number.isInteger(C) && R >= 1 && C >= 1)) return false;
  const rooms = roomsLayout(R, C, { roomSize });
  // Hazards are free cells too: compare passability only.
  for (let r = 0; r < map.rows; r++)
    for (let c = 0; c < map.cols; c++) if (isPassable(map, r, c) !== isPassable(rooms, r, c)) return false;
  return true;
}

/** Distance (map units) from (x, y) to the nearest passable cell, searched up to 2 cells away (else 2). */
function wallDepth(map: GridMap, x: number, y: number): number {
  const r0 = Math.floor(y);
  const c0 = Math.floor(x);
  if (isPassable(map, r0, c0)) return 0;
  let best = 2;
  for (let r = r0 - 2; r <= r0 + 2; r++) {
    for (let c = c0 - 2; c <= c0 + 2; c++) {
      if (!isPassable(map, r, c)) continue;
      const dx = Math.max(c - x, 0, x - (c + 1));
      const dy = Math.max(r - y, 0, y - (r + 1));
      best = Math.min(best, Math.hypot(dx, dy));
    }
  }
  return best;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
