import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataError, EnvironmentError, FileSystemError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import {
  CELL,
  cellAt,
  formatMap,
  type GridMap,
  isPassable,
  loadMapFile,
  MapError,
  mapFromOptions,
  parseMap,
  roomOf,
  roomsLayout,
} from "./map.ts";

const SAMPLE = `
#######
#S..H.#
#.K#D.#
#....G#
#######
`;

/** Number of free cells reachable from the first free cell, and the number of free cells. */
function reach(map: GridMap): { reached: number; free: number } {
  const free = map.cells.filter((v) => v !== CELL.wall).length;
  const first = map.cells.findIndex((v) => v !== CELL.wall);
  const seen = new Set([first]);
  const stack = [first];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const r = Math.floor(i / map.cols);
    const c = i % map.cols;
    for (const [nr, nc] of [
      [r - 1, c],
      [r + 1, c],
      [r, c - 1],
      [r, c + 1],
    ] as const) {
      const j = nr * map.cols + nc;
      if (isPassable(map, nr, nc, true) && !seen.has(j)) {
        seen.add(j);
        stack.push(j);
      }
    }
  }
  return { reached: seen.size, free };
}

describe("parseMap", () => {
  it("reads cells row-major with S, G, K and D positions as [row, col]", () => {
    const m = parseMap(SAMPLE, "sample");
    expect([m.rows, m.cols, m.source]).toEqual([5, 7, "sample"]);
    expect([m.start, m.goal, m.key, m.door]).toEqual([
      [1, 1],
      [3, 5],
      [2, 2],
      [2, 4],
    ]);
    expect(Array.from(m.cells.slice(7, 14))).toEqual([1, 0, 0, 0, 2, 0, 1]);
    expect(Array.from(m.cells.slice(14, 21))).toEqual([1, 0, 3, 1, 4, 0, 1]);
  });

  it("ignores blank lines around the map, trailing whitespace and CRLF line ends", () => {
    const m = parseMap("\r\n\r\n#S#  \r\n#G#\t\r\n\r\n");
    expect([m.rows, m.cols, m.start, m.goal]).toEqual([2, 3, [0, 1], [1, 1]]);
  });

  it("names the row, column and character of a bad cell, 1-based", () => {
    expect(() => parseMap("#..\n#x.", "maps/a.txt")).toThrow(
      new MapError("maps/a.txt: row 2, column 2 has 'x', expected one of # . S G K D H"),
    );
  });

  it("requires rows of equal length", () => {
    expect(() => parseMap("###\n#.\n###", "m")).toThrow(
      /m: row 2 has 2 characters, expected 3 \(rows must be of equal length\)/,
    );
  });

  it("rejects empty maps, maps without free cells and repeated marks", () => {
    expect(() => parseMap("\n \n")).toThrow(DataError);
    expect(() => parseMap("\n \n")).toThrow(/the map is empty/);
    expect(() => parseMap("###\n###")).toThrow(/no free cell/);
    expect(() => parseMap("S.S")).toThrow(/more than one 'S' \(row 1, column 3\)/);
    expect(() => parseMap("K\nK")).toThrow(/more than one 'K' \(row 2, column 1\)/);
  });

  it("round-trips through formatMap", () => {
    const m = parseMap(SAMPLE);
    expect(formatMap(m)).toBe(`${SAMPLE.trim()}\n`);
    const again = parseMap(formatMap(m));
    expect([again.cells, again.start, again.goal, again.key, again.door]).toEqual([
      m.cells,
      m.start,
      m.goal,
      m.key,
      m.door,
    ]);
    const rooms = roomsLayout(2, 3);
    expect(parseMap(formatMap(rooms)).cells).toEqual(rooms.cells);
  });
});

describe("map files and options", () => {
  it("loads a map file and names the path when it is missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "hjepa-map-"));
    const path = join(dir, "m.txt");
    writeFileSync(path, "S.G\n");
    expect(loadMapFile(path)).toMatchObject({ rows: 1, cols: 3, start: [0, 0], goal: [0, 2], source: path });
    expect(() => loadMapFile(join(dir, "none.txt"))).toThrow(FileSystemError);
    expect(() => loadMapFile(join(dir, "none.txt"))).toThrow(
      /none\.txt: cannot read the map file \(no such file or folder, ENOENT\)/,
    );
    expect(() => loadMapFile(dir)).toThrow(
      /cannot read the map file \(is a folder; expected a file, EISDIR\)/,
    );
    expect(mapFromOptions({ mapFile: path }, () => roomsLayout(1, 1)).cols).toBe(3);
  });

  it("takes map text, else a file, else the fallback, and not both", () => {
    const fallback = () => roomsLayout(1, 2, { name: "two rooms" });
    expect(mapFromOptions({ map: "S.G" }, fallback).source).toBe("map option");
    expect(mapFromOptions({}, fallback).source).toBe("two rooms");
    expect(() => mapFromOptions({ map: "S", mapFile: "x" }, fallback)).toThrow(EnvironmentError);
    expect(() => mapFromOptions({ map: "S", mapFile: "x" }, fallback)).toThrow(
      /either map \(text\) or mapFile \(path\), not both/,
    );
  });
});

describe("cells", () => {
  it("treats cells off the map as walls and doors as passable only when open", () => {
    const m = parseMap(SAMPLE);
    expect([cellAt(m, -1, 0), cellAt(m, 0, 7), cellAt(m, 1, 4)]).toEqual([CELL.wall, CELL.wall, CELL.hazard]);
    expect([
      isPassable(m, 2, 4),
      isPassable(m, 2, 4, true),
      isPassable(m, 1, 4),
      isPassable(m, 0, 0),
    ]).toEqual([false, true, true, false]);
  });
});

describe("roomsLayout", () => {
  for (const [R, C, doors] of [
    [1, 2, 1],
    [2, 2, 4],
    [3, 3, 12],
  ] as const) {
    it(`${R}x${C} rooms: ${R * C} rooms of 5x5 cells, ${doors} doors, all connected`, () => {
      const m = roomsLayout(R, C);
      expect([m.rows, m.cols]).toEqual([R * 6 + 1, C * 6 + 1]);
      const rooms = new Map<string, number>();
      let doorCells = 0;
      for (let r = 0; r < m.rows; r++) {
        for (let c = 0; c < m.cols; c++) {
          if (m.cells[r * m.cols + c] === CELL.wall) continue;
          const room = roomOf([r, c]);
          if (room === null) doorCells++;
          else rooms.set(`${room}`, (rooms.get(`${room}`) ?? 0) + 1);
        }
      }
      expect(rooms.size).toBe(R * C);
      expect([...rooms.values()].every((n) => n === 25)).toBe(true);
      expect(doorCells).toBe(doors);
      const { reached, free } = reach(m);
      expect(reached).toBe(free);
    });
  }

  it("makes doors doorWidth cells wide in the middle of the wall", () => {
    const m = roomsLayout(1, 2, { roomSize: 5, doorWidth: 3 });
    const wallCol = Array.from({ length: m.rows }, (_, r) => m.cells[r * m.cols + 6]);
    expect(wallCol).toEqual([1, 1, 0, 0, 0, 1, 1]);
    expect(() => roomsLayout(1, 2, { roomSize: 3, doorWidth: 4 })).toThrow(EnvironmentError);
    expect(() => roomsLayout(1, 2, { roomSize: 3, doorWidth: 4 })).toThrow(/doorWidth 4 exceeds roomSize 3/);
  });

  it("maps cells to rooms and wall lines to null", () => {
    expect([roomOf([1, 1]), roomOf([7, 8]), roomOf([6, 3]), roomOf([3, 12])]).toEqual([
      [0, 0],
      [1, 1],
      null,
      null,
    ]);
    expect([roomOf([5, 5], 3), roomOf([4, 5], 3)]).toEqual([[1, 1], null]);
  });
});
