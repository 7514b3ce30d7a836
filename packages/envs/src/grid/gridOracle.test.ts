import { EnvironmentError } from "@hjepa/errors";
import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { parseMap } from "../map.ts";
import { GridOracle } from "./gridOracle.ts";
import { KEY_DOOR_MAP } from "./keyDoor.ts";

type S = [number, number, number];

/** The successor of (r, c, k) under each of the four moves, from the map's characters alone. */
function successors(grid: string[], [r, c, k]: S): S[] {
  const out: S[] = [];
  for (const [dr, dc] of [
    [-1, 0],
    [0, 1],
    [1, 0],
    [0, -1],
  ] as const) {
    const ch = grid[r + dr]?.[c + dc];
    if (ch === undefined || ch === "#" || (ch === "D" && k === 0)) out.push([r, c, k]);
    else out.push([r + dr, c + dc, k === 1 || ch === "K" ? 1 : 0]);
  }
  return out;
}

/** All-pairs shortest paths by Floyd-Warshall over (r, c, k) states: an independent brute force. */
function floydWarshall(grid: string[], withKey: boolean) {
  const rows = grid.length;
  const cols = (grid[0] as string).length;
  const ks = withKey ? 2 : 1;
  const id = (r: number, c: number, k: number) => (k * rows + r) * cols + c;
  const n = rows * cols * ks;
  const d = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 0 : Infinity)),
  );
  for (let k = 0; k < ks; k++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (grid[r]?.[c] === "#") continue;
        for (const [nr, nc, nk] of successors(grid, [r, c, k])) {
          const row = d[id(r, c, k)] as number[];
          row[id(nr, nc, nk)] = Math.min(
            row[id(nr, nc, nk)] as number,
            nr === r && nc === c && nk === k ? 0 : 1,
          );
        }
      }
    }
  }
  for (let m = 0; m < n; m++) {
    const dm = d[m] as number[];
    for (let i = 0; i < n; i++) {
      const di = d[i] as number[];
      const dim = di[m] as number;
      if (dim === Infinity) continue;
      for (let j = 0; j < n; j++)
        if (dim + (dm[j] as number) < (di[j] as number)) di[j] = dim + (dm[j] as number);
    }
  }
  return { d, id };
}

function randomGrid(rng: Rng, withKey: boolean): string[] {
  const rows = rng.int(3, 7);
  const cols = rng.int(3, 7);
  const g = Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => (rng.bernoulli(0.3) ? "#" : ".")),
  );
  const set = (i: number, ch: string) => {
    (g[Math.floor(i / cols)] as string[])[i % cols] = ch;
  };
  const cells = rng.shuffle(Array.from({ length: rows * cols }, (_, i) => i));
  set(cells[0] as number, ".");
  if (withKey) {
    set(cells[1] as number, "K");
    set(cells[2] as number, "D");
  }
  return g.map((row) => row.join(""));
}

/** Compares every (source state, goal cell) pair with the brute force; returns [pairs checked, mismatches]. */
function checkAgainstBruteForce(grid: string[], withKey: boolean): { checked: number; errors: string[] } {
  const map = parseMap(grid.join("\n"), "random map");
  const oracle = new GridOracle(map, { withKey });
  const { d, id } = floydWarshall(grid, withKey);
  const errors: string[] = [];
  const fail = (msg: string) => errors.push(`${grid.join("/")}: ${msg}`);
  let checked = 0;
  for (let k = 0; k < (withKey ? 2 : 1); k++) {
    for (let r = 0; r < map.rows; r++) {
      for (let c = 0; c < map.cols; c++) {
        const ch = grid[r]?.[c];
        // A state on the key without it cannot occur (entering the key takes it); the oracle maps it to k = 1.
        if (ch === "#" || (ch === "K" && k === 0)) continue;
        const from = withKey ? [r, c, k] : [r, c];
        const row = d[id(r, c, k)] as number[];
        for (let gr = 0; gr < map.rows; gr++) {
          for (let gc = 0; gc < map.cols; gc++) {
            if (grid[gr]?.[gc] === "#") continue;
            checked++;
            const want = Math.min(
              row[id(gr, gc, 0)] as number,
              withKey ? (row[id(gr, gc, 1)] as number) : Infinity,
            );
            const got = oracle.distance(from, [gr, gc]);
            if (got !== want) fail(`distance ${from} -> ${gr},${gc} = ${got}, brute force ${want}`);
            const path = oracle.path(from, [gr, gc]);
            if (path === null) {
              if (want !== Infinity) fail(`path ${from} -> ${gr},${gc} is null, brute force ${want}`);
              continue;
            }
            const last = path[path.length - 1] as number[];
            if (
              path.length - 1 !== want ||
              String(path[0]) !== String(from) ||
              last[0] !== gr ||
              last[1] !== gc
            ) {
              fail(`path ${from} -> ${gr},${gc} is ${JSON.stringify(path)}, brute force length ${want}`);
            }
            for (let i = 1; i < path.length; i++) {
              const prev = (withKey ? path[i - 1] : [...(path[i - 1] as number[]), 0]) as S;
              const next = String(withKey ? path[i] : [...(path[i] as number[]), 0]);
              if (!successors(grid, prev).some((s) => String(s) === next))
                fail(`path step ${prev} -> ${next} is not a move`);
            }
          }
        }
      }
    }
  }
  return { checked, errors };
}

function checkMany(seed: number, count: number, withKey: boolean): number {
  const rng = new Rng(seed);
  let checked = 0;
  for (let i = 0; i < count; i++) {
    const res = checkAgainstBruteForce(randomGrid(rng, withKey), withKey);
    expect(res.errors.slice(0, 5)).toEqual([]);
    checked += res.checked;
  }
  return checked;
}

describe("GridOracle", () => {
  it("matches Floyd-Warshall on 150 random grid maps (distances and valid shortest paths)", () => {
    expect(checkMany(7, 150, false)).toBeGreaterThan(10_000);
  });

  it("matches Floyd-Warshall on 150 random key-door maps, over (cell, hasKey) states", () => {
    expect(checkMany(8, 150, true)).toBeGreaterThan(10_000);
  });

  it("matches Floyd-Warshall on KEY_DOOR_MAP", () => {
    const grid = KEY_DOOR_MAP.trim().split("\n");
    const res = checkAgainstBruteForce(grid, true);
    expect(res.errors.slice(0, 5)).toEqual([]);
    expect(res.checked).toBeGreaterThan(1000);
  });

  it("treats a door as a wall without the key mechanics and returns Infinity across it", () => {
    const map = parseMap("..D..");
    expect(new GridOracle(map).distance([0, 0], [0, 4])).toBe(Infinity);
    expect(new GridOracle(map).path([0, 0], [0, 4])).toBeNull();
    expect(new GridOracle(map, { withKey: true }).distance([0, 0, 1], [0, 4])).toBe(4);
  });

  it("maps a state on the key cell to hasKey = 1", () => {
    const oracle = new GridOracle(parseMap(".K.D."), { withKey: true });
    expect(oracle.stateIndex([0, 1, 0])).toBe(oracle.stateIndex([0, 1, 1]));
    expect(oracle.path([0, 1, 0], [0, 4])?.[0]).toEqual([0, 1, 1]);
    expect(oracle.distance([0, 0, 0], [0, 4])).toBe(4);
  });

  it("reuses cached BFS trees per source", () => {
    const oracle = new GridOracle(parseMap("....\n.##.\n...."));
    expect(oracle.tree([0, 0])).toBe(oracle.tree([0, 0]));
    expect(oracle.tree([0, 0])).not.toBe(oracle.tree([2, 3]));
  });

  it("names the bad state in its errors", () => {
    const oracle = new GridOracle(parseMap("#..\n..."), { name: "maze oracle" });
    expect(() => oracle.distance([0, 0], [1, 1])).toThrow(EnvironmentError);
    expect(() => oracle.distance([0, 0], [1, 1])).toThrow(
      /maze oracle\.distance: state \[0, 0\] is a wall cell/,
    );
    expect(() => oracle.distance([0, 1], [5, 1])).toThrow(/to \[5, 1\] is not a cell of the 2x3 map/);
    expect(() => oracle.path([0, 1, 0], [1, 1])).toThrow(/state must be \[row, col\]/);
    const keyed = new GridOracle(parseMap("K.D."), { withKey: true });
    expect(() => keyed.distance([0, 1, 2], [0, 3])).toThrow(/hasKey 0 or 1/);
  });
});
