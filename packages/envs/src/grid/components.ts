import type { Rng } from "gymnasium-js";
import { CELL, type GridMap } from "../map.ts";
import { moveCell } from "./gridOracle.ts";

/** Labels the 4-connected components of non-wall cells (doors and keys passable); walls get -1. */
export function labelComponents(map: GridMap): Int32Array {
  const { rows, cols, cells } = map;
  const label = new Int32Array(rows * cols).fill(-1);
  const queue = new Int32Array(rows * cols);
  let next = 0;
  for (let s = 0; s < rows * cols; s++) {
    if (cells[s] === CELL.wall || label[s] !== -1) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    label[s] = next;
    while (head < tail) {
      const cell = queue[head++] as number;
      for (let a = 0; a < 4; a++) {
        const ncell = moveCell(rows, cols, cell, a);
        if (ncell < 0) continue;
        if (cells[ncell] === CELL.wall || label[ncell] !== -1) continue;
        label[ncell] = next;
        queue[tail++] = ncell;
      }
    }
    next++;
  }
  return label;
}

/** A uniform element of `pool` other than `except` (`inPool`: whether `except` is in it); -1 if none. */
export function pickExcept(pool: Int32Array, except: number, inPool: boolean, rng: Rng): number {
  const len = pool.length;
  if (!inPool) return len > 0 ? (pool[rng.int(len)] as number) : -1;
  if (len < 2) return -1;
  // Draw among the first len-1 slots; landing on `except` takes the last slot instead.
  const v = pool[rng.int(len - 1)] as number;
  return v === except ? (pool[len - 1] as number) : v;
}

/** Cells reachable from `from` (a cell index) through non-wall cells; doors count only if `doorPassable`. */
export function reachableCells(map: GridMap, from: number, opts: { doorPassable: boolean }): Uint8Array {
  const { rows, cols, cells } = map;
  const seen = new Uint8Array(rows * cols);
  const stack = [from];
  seen[from] = 1;
  while (stack.length > 0) {
    const cell = stack.pop() as number;
    for (let a = 0; a < 4; a++) {
      const ncell = moveCell(rows, cols, cell, a);
      if (ncell < 0) continue;
      const v = cells[ncell];
      if (v === CELL.wall || (v === CELL.door && !opts.doorPassable) || seen[ncell] === 1) continue;
      seen[ncell] = 1;
      stack.push(ncell);
    }
  }
  return seen;
}
