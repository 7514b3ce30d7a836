import { EnvironmentError } from "@hjepa/errors";
import type { Rng } from "gymnasium-js";

/**
 * The fixed layout of PLDM's Two-Rooms ("wall") environment, in pixels (x = column, y = row). PLDM draws the
 * layout into an `imgSize` x `imgSize` image: 1-px border lines at 4 and imgSize-5 (60 for the 65-px image
 * PLDM's configs use), a vertical middle wall 3 px wide centred at x=32 (columns 31..33) and a door in it
 * centred at y=10 with half-width 4 (open for y in [6, 14], next to the top border). The layout never changes.
 *
 * Continuous positions live in the open square (borderLo, borderHi)^2 minus the wall band
 * [wallLo, wallHi] x (y < doorLo or y > doorHi). The door rows are inclusive.
 */
export interface PLDMGeometry {
  imgSize: number;
  /** Border lines (top/left and bottom/right). */
  borderLo: number;
  borderHi: number;
  /** Middle wall: its centre and its two faces. */
  wallX: number;
  wallLo: number;
  wallHi: number;
  /** Door rows (inclusive). */
  doorLo: number;
  doorHi: number;
}

/** PLDM's `border_wall_loc`: the border lines sit at `5 - 1` and `imgSize - 5`. */
const BORDER_WALL_LOC = 5;
const WALL_X = 32;
const WALL_WIDTH = 3;
const DOOR_Y = 10;
const DOOR_SPACE = 4;
/** PLDM's eval keeps starts and goals 2.6 px (two dot widths) away from every wall line. */
export const PLDM_TASK_MARGIN = 2.6;
/** The image size of PLDM's configs (the code default is 64). */
export const PLDM_IMG_SIZE = 65;

export function pldmGeometry(imgSize: number = PLDM_IMG_SIZE): PLDMGeometry {
  const half = (WALL_WIDTH - 1) / 2;
  // The right room must hold the eval goal range [wallHi + margin, borderHi - margin].
  const minSize = Math.floor(WALL_X + half + 2 * PLDM_TASK_MARGIN + BORDER_WALL_LOC) + 1;
  if (!Number.isInteger(imgSize) || imgSize < minSize) {
    throw new EnvironmentError(
      `PLDMTwoRooms: imgSize must be an integer >= ${minSize} so the right room holds the eval goals ` +
        `(got ${imgSize}; PLDM uses 65)`,
    );
  }
  return {
    imgSize,
    borderLo: BORDER_WALL_LOC - 1,
    borderHi: imgSize - BORDER_WALL_LOC,
    wallX: WALL_X,
    wallLo: WALL_X - half,
    wallHi: WALL_X + half,
    doorLo: DOOR_Y - DOOR_SPACE,
    doorHi: DOOR_Y + DOOR_SPACE,
  };
}

/** True inside the middle wall (closed band [wallLo, wallHi] outside the door rows). */
export function isInWall(g: PLDMGeometry, x: number, y: number): boolean {
  return x >= g.wallLo && x <= g.wallHi && (y < g.doorLo || y > g.doorHi);
}

/** True strictly inside the border lines (false for NaN). */
export function isInsideBorders(g: PLDMGeometry, x: number, y: number): boolean {
  return x > g.borderLo && x < g.borderHi && y > g.borderLo && y < g.borderHi;
}

/** True for a position the agent can occupy: inside the border lines and not in the middle wall. */
export function isFreeState(g: PLDMGeometry, x: number, y: number): boolean {
  return isInsideBorders(g, x, y) && !isInWall(g, x, y);
}

/** Uniform over the free space (rejection from the square inside the borders). */
export function sampleFreePosition(g: PLDMGeometry, rng: Rng): [number, number] {
  for (;;) {
    const x = rng.uniform(g.borderLo, g.borderHi);
    const y = rng.uniform(g.borderLo, g.borderHi);
    if (isFreeState(g, x, y)) return [x, y];
  }
}

/** The x and y ranges PLDM's eval draws starts and goals from (before the 50% swap of the x values). */
export interface PLDMTaskRanges {
  startX: readonly [number, number];
  goalX: readonly [number, number];
  y: readonly [number, number];
}

/** "medium" (PLDM's reported eval): the whole rooms minus a 2.6 px margin, start left and goal right. */
export function mediumTaskRanges(g: PLDMGeometry): PLDMTaskRanges {
  const m = PLDM_TASK_MARGIN;
  return {
    startX: [g.borderLo + m, g.wallLo - m],
    goalX: [g.wallHi + m, g.borderHi - m],
    y: [g.borderLo + m, g.borderHi - m],
  };
}

/** "easy" (only in PLDM's wc0 config, 50 steps): start and goal near the wall and near the door's height. */
export const EASY_TASK_RANGES: PLDMTaskRanges = { startX: [19, 27], goalX: [37, 45], y: [6.6, 22] };

/**
 * PLDM's eval start/goal sampler: start x ~ U(startX), goal x ~ U(goalX), both y ~ U(y), then the two x
 * values swapped with probability 1/2, so start and goal are always in opposite rooms. Draw order: start x,
 * start y, goal x, goal y, swap (PLDM draws from Python's global `random`, a stream we cannot reproduce).
 */
export function samplePLDMTask(
  rng: Rng,
  ranges: PLDMTaskRanges,
): { start: [number, number]; goal: [number, number] } {
  let sx = rng.uniform(ranges.startX[0], ranges.startX[1]);
  const sy = rng.uniform(ranges.y[0], ranges.y[1]);
  let gx = rng.uniform(ranges.goalX[0], ranges.goalX[1]);
  const gy = rng.uniform(ranges.y[0], ranges.y[1]);
  if (rng.bernoulli(0.5)) [sx, gx] = [gx, sx];
  return { start: [sx, sy], goal: [gx, gy] };
}
