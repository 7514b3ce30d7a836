import { EnvironmentError } from "@hjepa/errors";
import { Rng } from "gymnasium-js";
import { CELL, type GridMap } from "../map.ts";

export interface MazeOptions {
  /** Seed of the maze layout (default 0). The same size, seed and loops give the same maze. */
  seed?: number;
  /** Fraction of the walls left between neighbouring corridor cells that are removed to create loops
   * (default 0.1; 0 keeps a perfect maze, 1 removes them all). */
  loops?: number;
}

/**
 * A `size` x `size` maze (odd `size` >= 5, outer walls included). Corridor cells sit at odd (row, col);
 * a randomised depth-first search carves a perfect maze (a spanning tree: exactly one path between two
 * cells), then `round(loops * k)` of the `k` remaining walls between two corridor cells are removed, each
 * adding one loop. The map has no S or G: environments sample start and goal.
 */
export function generateMaze(size: number, opts: MazeOptions = {}): GridMap {
  const seed = opts.seed ?? 0;
  const loops = opts.loops ?? 0.1;
  if (!Number.isInteger(size) || size < 5 || size % 2 === 0) {
    throw new EnvironmentError(`generateMaze: size must be an odd integer >= 5 (got ${size})`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new EnvironmentError(`generateMaze: seed must be a non-negative integer (got ${seed})`);
  }
  if (!(loops >= 0 && loops <= 1)) {
    throw new EnvironmentError(`generateMaze: loops must be a fraction in [0, 1] (got ${loops})`);
  }
  const rng = new Rng(seed);
  const cells = new Uint8Array(size * size).fill(CELL.wall);
  const half = (size - 1) / 2; // corridor cells per side
  const visited = new Uint8Array(half * half);
  const stack: number[] = [0];
  visited[0] = 1;
  cells[1 * size + 1] = CELL.free;
  const dirs = [
    [-1, 0],
    [0, 1],
    [1, 0],
    [0, -1],
  ] as const;
  const options: number[] = [];
  while (stack.length > 0) {
    const node = stack[stack.length - 1] as number;
    const i = Math.floor(node / half);
    const j = node - i * half;
    options.length = 0;
    for (let d = 0; d < 4; d++) {
      const [di, dj] = dirs[d] as readonly [number, number];
      const ni = i + di;
      const nj = j + dj;
      if (ni >= 0 && nj >= 0 && ni < half && nj < half && visited[ni * half + nj] === 0) options.push(d);
    }
    if (options.length === 0) {
      stack.pop();
      continue;
    }
    const [di, dj] = dirs[rng.choice(options)] as readonly [number, number];
    const ni = i + di;
    const nj = j + dj;
    visited[ni * half + nj] = 1;
    // Carve the wall between the two corridor cells and the new cell itself.
    cells[(2 * i + 1 + di) * size + 2 * j + 1 + dj] = CELL.free;
    cells[(2 * ni + 1) * size + 2 * nj + 1] = CELL.free;
    stack.push(ni * half + nj);
  }
  // Walls between two corridor cells: one odd and one even coordinate, strictly inside the border.
  const candidates: number[] = [];
  for (let r = 1; r < size - 1; r++) {
    for (let c = 1; c < size - 1; c++) {
      if ((r + c) % 2 === 1 && cells[r * size + c] === CELL.wall) candidates.push(r * size + c);
    }
  }
  rng.shuffle(candidates);
  const remove = Math.round(loops * candidates.length);
  for (let k = 0; k < remove; k++) cells[candidates[k] as number] = CELL.free;
  return {
    rows: size,
    cols: size,
    cells,
    start: null,
    goal: null,
    key: null,
    door: null,
    source: `maze(size=${size}, seed=${seed}, loops=${loops})`,
  };
}
