import { EnvironmentError } from "@hjepa/errors";
import { CELL, type GridMap } from "../map.ts";
import type { Oracle, TrueState } from "../types.ts";

/** Row and column offsets of the four moves: 0 up, 1 right, 2 down, 3 left. */
export const MOVE_DR = [-1, 0, 1, 0] as const;
export const MOVE_DC = [0, 1, 0, -1] as const;

/** The cell index one move `a` (0-3) from `cell` on a `rows` x `cols` grid, or -1 when that leaves the grid. */
export function moveCell(rows: number, cols: number, cell: number, a: number): number {
  const r = Math.floor(cell / cols);
  const nr = r + (MOVE_DR[a] as number);
  const nc = cell - r * cols + (MOVE_DC[a] as number);
  return nr < 0 || nc < 0 || nr >= rows || nc >= cols ? -1 : nr * cols + nc;
}

/** A breadth-first-search tree from one source state: `dist[s]` (-1 = unreachable) and `parent[s]`. */
export interface BfsTree {
  dist: Int32Array;
  parent: Int32Array;
}

/** Bytes of BFS trees kept in the cache before the least recently used ones are dropped. */
const CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Exact shortest paths on a grid map by breadth-first search, one move per unit of distance.
 * Without the key mechanics (GridMaze) the states are the cells, doors are walls. With them (KeyDoor)
 * the states are (cell, hasKey) pairs: entering the key cell sets hasKey, a door cell is passable only with
 * hasKey, and a goal counts as reached at its cell with either hasKey. BFS trees are cached per source.
 */
export class GridOracle implements Oracle {
  readonly withKey: boolean;
  private readonly map: GridMap;
  private readonly n: number;
  private readonly nStates: number;
  private readonly cache = new Map<number, BfsTree>();
  private readonly maxCached: number;
  private lastSrc = -1;
  private lastTree: BfsTree | null = null;
  private readonly queue: Int32Array;
  private readonly name: string;

  constructor(map: GridMap, opts: { withKey?: boolean; name?: string } = {}) {
    this.map = map;
    this.withKey = opts.withKey ?? false;
    this.name = opts.name ?? "GridOracle";
    this.n = map.rows * map.cols;
    this.nStates = this.withKey ? 2 * this.n : this.n;
    this.queue = new Int32Array(this.nStates);
    this.maxCached = Math.max(8, Math.floor(CACHE_BYTES / (8 * this.nStates)));
  }

  distance(from: TrueState, to: TrueState): number {
    const tree = this.tree(from, "distance");
    const target = this.bestTarget(tree, this.cellIndex(to, "distance", "to"));
    return target < 0 ? Number.POSITIVE_INFINITY : (tree.dist[target] as number);
  }

  path(from: TrueState, to: TrueState): number[][] | null {
    const tree = this.tree(from, "path");
    let s = this.bestTarget(tree, this.cellIndex(to, "path", "to"));
    if (s < 0) return null;
    const out: number[][] = [];
    while (s >= 0) {
      out.push(this.stateOf(s));
      s = tree.parent[s] as number;
    }
    return out.reverse();
  }

  /** The BFS tree from a state (cached; least recently used trees are dropped past the cache budget). */
  tree(from: TrueState, where = "tree"): BfsTree {
    const src = this.stateIndex(from, where);
    // Planners query many goals from one source in a row: skip the LRU bookkeeping for a repeat.
    if (src === this.lastSrc && this.lastTree !== null) return this.lastTree;
    const hit = this.cache.get(src);
    if (hit !== undefined) {
      // Re-insert so that Map order is least-recently-used first.
      this.cache.delete(src);
      this.cache.set(src, hit);
      this.lastSrc = src;
      this.lastTree = hit;
      return hit;
    }
    const tree = this.bfs(src);
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(src, tree);
    this.lastSrc = src;
    this.lastTree = tree;
    return tree;
  }

  /** The state index of a true state; entering (or starting on) the key cell means holding the key. */
  stateIndex(state: TrueState, where = "stateIndex"): number {
    const cell = this.cellIndex(state, where, "state");
    const len = state.length;
    if (!this.withKey) {
      if (len !== 2)
        throw new EnvironmentError(
          `${this.name}.${where}: state must be [row, col] (got [${state.join(", ")}])`,
        );
      return cell;
    }
    const hasKey = len === 3 ? state[2] : 0;
    if ((len !== 2 && len !== 3) || (hasKey !== 0 && hasKey !== 1)) {
      throw new EnvironmentError(
        `${this.name}.${where}: state must be [row, col] or [row, col, hasKey] with hasKey 0 or 1 (got [${state.join(", ")}])`,
      );
    }
    const onKey = this.map.cells[cell] === CELL.key;
    return hasKey === 1 || onKey ? this.n + cell : cell;
  }

  /** The true state of a state index: `[row, col]` or `[row, col, hasKey]`. */
  stateOf(s: number): number[] {
    const cell = s % this.n;
    const r = Math.floor(cell / this.map.cols);
    const c = cell - r * this.map.cols;
    return this.withKey ? [r, c, s >= this.n ? 1 : 0] : [r, c];
  }

  private cellIndex(state: TrueState, where: string, what: string): number {
    const r = state[0] as number;
    const c = state[1] as number;
    const { rows, cols } = this.map;
    if (!Number.isInteger(r) || !Number.isInteger(c) || r < 0 || c < 0 || r >= rows || c >= cols) {
      throw new EnvironmentError(
        `${this.name}.${where}: ${what} [${state.join(", ")}] is not a cell of the ${rows}x${cols} map (expected integer [row, col] inside it)`,
      );
    }
    const cell = r * cols + c;
    if (this.map.cells[cell] === CELL.wall) {
      throw new EnvironmentError(
        `${this.name}.${where}: ${what} [${state.join(", ")}] is a wall cell (expected a free cell)`,
      );
    }
    return cell;
  }

  /** The reachable state at goal cell `cell` with the smallest distance, or -1. */
  private bestTarget(tree: BfsTree, cell: number): number {
    const d0 = tree.dist[cell] as number;
    if (!this.withKey) return d0 >= 0 ? cell : -1;
    const d1 = tree.dist[this.n + cell] as number;
    if (d0 >= 0 && (d1 < 0 || d0 <= d1)) return cell;
    return d1 >= 0 ? this.n + cell : -1;
  }

  private bfs(src: number): BfsTree {
    const { rows, cols, cells } = this.map;
    const n = this.n;
    const dist = new Int32Array(this.nStates).fill(-1);
    const parent = new Int32Array(this.nStates).fill(-1);
    const queue = this.queue;
    let head = 0;
    let tail = 0;
    dist[src] = 0;
    queue[tail++] = src;
    while (head < tail) {
      const s = queue[head++] as number;
      const hasKey = s >= n;
      const cell = hasKey ? s - n : s;
      const d = (dist[s] as number) + 1;
      for (let a = 0; a < 4; a++) {
        const ncell = moveCell(rows, cols, cell, a);
        if (ncell < 0) continue;
        const v = cells[ncell];
        if (v === CELL.wall || (v === CELL.door && !hasKey)) continue;
        const ns = hasKey || (this.withKey && v === CELL.key) ? n + ncell : ncell;
        if (dist[ns] !== -1) continue;
        dist[ns] = d;
        parent[ns] = s;
        queue[tail++] = ns;
      }
    }
    return { dist, parent };
  }
}
