import { readFileSync } from "node:fs";
import { DataError, EnvironmentError, onFileSystem } from "@hjepa/errors";

/**
 * ASCII maps: a grid of cells, one character each, rows of equal length.
 *
 *   #  wall          .  free          S  start (free)       G  goal (free)
 *   K  key (free)    D  locked door   H  hazard (free, but entering it costs)
 *
 * Blank lines before and after the map and trailing whitespace are ignored. Row 0 is the top row;
 * a cell is addressed as [row, col].
 */
export const CELL = { free: 0, wall: 1, hazard: 2, key: 3, door: 4 } as const;
export type CellCode = (typeof CELL)[keyof typeof CELL];

const CHAR_TO_CELL: Record<string, CellCode> = {
  ".": CELL.free,
  "#": CELL.wall,
  S: CELL.free,
  G: CELL.free,
  K: CELL.key,
  D: CELL.door,
  H: CELL.hazard,
};

export type Cell = [row: number, col: number];

export interface GridMap {
  rows: number;
  cols: number;
  /** Row-major cell codes (`CELL`). */
  cells: Uint8Array;
  start: Cell | null;
  goal: Cell | null;
  key: Cell | null;
  door: Cell | null;
  /** Where the map came from, for error messages ("map option", a file path, a layout name). */
  source: string;
}

export class MapError extends DataError {
  override name = "MapError";
}

/** Parses an ASCII map; errors name `source`, the row and column, and what was expected. */
export function parseMap(text: string, source = "map"): GridMap {
  const lines = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""));
  while (lines.length > 0 && lines[0] === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) throw new MapError(`${source}: the map is empty (expected rows of # . S G K D H)`);
  const cols = (lines[0] as string).length;
  const rows = lines.length;
  const cells = new Uint8Array(rows * cols);
  const marks: Record<"S" | "G" | "K" | "D", Cell | null> = { S: null, G: null, K: null, D: null };
  lines.forEach((line, r) => {
    if (line.length !== cols) {
      throw new MapError(
        `${source}: row ${r + 1} has ${line.length} characters, expected ${cols} (rows must be of equal length)`,
      );
    }
    for (let c = 0; c < cols; c++) {
      const ch = line[c] as string;
      const code = CHAR_TO_CELL[ch];
      if (code === undefined) {
        throw new MapError(
          `${source}: row ${r + 1}, column ${c + 1} has '${ch}', expected one of # . S G K D H`,
        );
      }
      cells[r * cols + c] = code;
      if (ch === "S" || ch === "G" || ch === "K" || ch === "D") {
        if (marks[ch] !== null) {
          throw new MapError(
            `${source}: more than one '${ch}' (row ${r + 1}, column ${c + 1}); expected at most one`,
          );
        }
        marks[ch] = [r, c];
      }
    }
  });
  if (!cells.some((v) => v !== CELL.wall)) throw new MapError(`${source}: the map has no free cell`);
  return { rows, cols, cells, start: marks.S, goal: marks.G, key: marks.K, door: marks.D, source };
}

/** Reads and parses a map file; an unreadable file is a `FileSystemError`, a malformed one a `MapError`. */
export function loadMapFile(path: string): GridMap {
  const text = onFileSystem(path, "read the map file", () => readFileSync(path, "utf8"));
  return parseMap(text, path);
}

/** The map from env options: `map` (text) or `mapFile` (path), else the env's built-in layout. */
export function mapFromOptions(opts: { map?: string; mapFile?: string }, fallback: () => GridMap): GridMap {
  if (opts.map !== undefined && opts.mapFile !== undefined) {
    throw new EnvironmentError("env options: give either map (text) or mapFile (path), not both");
  }
  if (opts.map !== undefined) return parseMap(opts.map, "map option");
  if (opts.mapFile !== undefined) return loadMapFile(opts.mapFile);
  return fallback();
}

/** Writes a map back to ASCII (the inverse of `parseMap`). */
export function formatMap(map: GridMap): string {
  const chars = ".#HKD";
  const out: string[] = [];
  for (let r = 0; r < map.rows; r++) {
    let line = "";
    for (let c = 0; c < map.cols; c++) {
      const at = (p: Cell | null) => p !== null && p[0] === r && p[1] === c;
      if (at(map.start)) line += "S";
      else if (at(map.goal)) line += "G";
      else line += chars[map.cells[r * map.cols + c] as number];
    }
    out.push(line);
  }
  return `${out.join("\n")}\n`;
}

export function cellAt(map: GridMap, r: number, c: number): CellCode {
  if (r < 0 || c < 0 || r >= map.rows || c >= map.cols) return CELL.wall;
  return map.cells[r * map.cols + c] as CellCode;
}

/** True when the cell can be occupied (everything but walls; doors only when `doorOpen`). */
export function isPassable(map: GridMap, r: number, c: number, doorOpen = false): boolean {
  const v = cellAt(map, r, c);
  return v !== CELL.wall && (v !== CELL.door || doorOpen);
}

/**
 * Rooms in an R x C grid joined by doors: each room has `roomSize` x `roomSize` free cells, walls are one
 * cell thick, and every pair of neighbouring rooms is joined by a door `doorWidth` cells wide in the middle
 * of their shared wall. TwoRooms = 1x2, FourRooms = 2x2, NineRooms = 3x3, TwentyFiveRooms = 5x5 (defaults: 5x5
 * rooms, 1-cell doors).
 */
export function roomsLayout(
  roomRows: number,
  roomCols: number,
  opts: { roomSize?: number; doorWidth?: number; name?: string } = {},
): GridMap {
  const size = opts.roomSize ?? 5;
  const door = opts.doorWidth ?? 1;
  if (door > size) throw new EnvironmentError(`roomsLayout: doorWidth ${door} exceeds roomSize ${size}`);
  const rows = roomRows * (size + 1) + 1;
  const cols = roomCols * (size + 1) + 1;
  const cells = new Uint8Array(rows * cols).fill(CELL.wall);
  const doorStart = Math.floor((size - door) / 2);
  for (let R = 0; R < roomRows; R++) {
    for (let C = 0; C < roomCols; C++) {
      const r0 = 1 + R * (size + 1);
      const c0 = 1 + C * (size + 1);
      for (let r = 0; r < size; r++)
        for (let c = 0; c < size; c++) cells[(r0 + r) * cols + c0 + c] = CELL.free;
      // Door to the room on the right and to the room below.
      if (C + 1 < roomCols)
        for (let k = 0; k < door; k++) cells[(r0 + doorStart + k) * cols + c0 + size] = CELL.free;
      if (R + 1 < roomRows)
        for (let k = 0; k < door; k++) cells[(r0 + size) * cols + c0 + doorStart + k] = CELL.free;
    }
  }
  return {
    rows,
    cols,
    cells,
    start: null,
    goal: null,
    key: null,
    door: null,
    source: opts.name ?? "rooms layout",
  };
}

/** The room a cell of a `roomsLayout` map belongs to (`[R, C]`), or null for wall and door cells. */
export function roomOf(cell: Cell, roomSize = 5): [number, number] | null {
  const [r, c] = cell;
  if (r % (roomSize + 1) === 0 || c % (roomSize + 1) === 0) return null;
  return [Math.floor(r / (roomSize + 1)), Math.floor(c / (roomSize + 1))];
}
