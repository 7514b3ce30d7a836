/**
 * Analytic planning problems with known optima, for planner tests and examples: exact linear dynamics in a
 * "representation" space, and a grid "latent" whose states are cell coordinates. Not for research use.
 */
import { tf } from "@hjepa/tensor";
import type { PlannerModel } from "./types.ts";

/** s' = A s + B a, batched: `s [N, d]`, `a [N, k]`. Differentiable. */
export function linearModel(A: number[][], B: number[][]): PlannerModel & { dispose(): void } {
  const at = tf.transpose(tf.tensor2d(A)) as tf.Tensor2D;
  const bt = tf.transpose(tf.tensor2d(B)) as tf.Tensor2D;
  return {
    predict: (s, a) => tf.tidy(() => tf.add(tf.matMul(s, at), tf.matMul(a, bt)) as tf.Tensor2D),
    dispose: () => tf.dispose([at, bt]),
  };
}

/** Wraps a model to count predictor calls and the rows (candidate-steps) they carried. */
export function countingModel(model: PlannerModel): PlannerModel & { calls: number; rows: number } {
  const counter = {
    calls: 0,
    rows: 0,
    predict(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
      counter.calls += 1;
      counter.rows += s.shape[0];
      return model.predict(s, a);
    },
  };
  return counter;
}

export const matVec = (m: number[][], v: number[]): number[] =>
  m.map((row) => row.reduce((acc, x, j) => acc + x * (v[j] as number), 0));

/** Solves M x = b by Gaussian elimination with partial pivoting (small dense systems). */
export function solve(m: number[][], b: number[]): number[] {
  const n = b.length;
  const a = m.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]?.[c] as number) > Math.abs(a[p]?.[c] as number)) p = r;
    [a[c], a[p]] = [a[p] as number[], a[c] as number[]];
    const pivot = a[c] as number[];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = a[r] as number[];
      const f = (row[c] as number) / (pivot[c] as number);
      for (let j = c; j <= n; j++) row[j] = (row[j] as number) - f * (pivot[j] as number);
    }
  }
  return a.map((row, i) => (row[n] as number) / (row[i] as number));
}

/**
 * The 2-D linear problem used by planner tests. From s0, action `aStar` reaches `goal` in one step, and
 * `aHold` keeps the state at the goal: with an energy summed over the horizon, the unique optimum (cost 0)
 * is [aStar, aHold, aHold, ...]. Every action lies inside the box [-1, 1]^2.
 */
export function oneStepProblem() {
  const A = [
    [0.9, 0.1],
    [0, 0.95],
  ];
  const B = [
    [0.5, 0],
    [0.2, 0.4],
  ];
  const s0 = [1, -1];
  const aStar = [0.6, -0.3];
  const goal = matVec(A, s0).map((v, i) => v + (matVec(B, aStar)[i] as number));
  // g = A g + B aHold  =>  aHold = B^-1 (g - A g)
  const aHold = solve(
    B,
    goal.map((g, i) => g - (matVec(A, goal)[i] as number)),
  );
  return { A, B, s0, aStar, aHold, goal };
}

/**
 * Minimum-energy control to a goal: minimise ||s_H - g||^2 + rho sum_t ||a_t||^2 under s' = A s + B a.
 * With s_H = A^H s0 + M a (M = [A^{H-1} B, ..., A B, B]) the optimum is a* = (M^T M + rho I)^-1 M^T (g - A^H s0).
 * Returns a* as `[H * k]` (step-major).
 */
export function minimumEnergyActions(
  A: number[][],
  B: number[][],
  s0: number[],
  goal: number[],
  horizon: number,
  rho: number,
): number[] {
  const d = s0.length;
  const k = (B[0] as number[]).length;
  const matMul = (x: number[][], y: number[][]) =>
    x.map((row) =>
      (y[0] as number[]).map((_, j) =>
        row.reduce((acc, v, i) => acc + v * ((y[i] as number[])[j] as number), 0),
      ),
    );
  const powers: number[][][] = [
    Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))),
  ];
  for (let t = 1; t <= horizon; t++) powers.push(matMul(A, powers[t - 1] as number[][]));
  // Column block t of M is A^{H-1-t} B.
  const blocks = Array.from({ length: horizon }, (_, t) => matMul(powers[horizon - 1 - t] as number[][], B));
  const M = Array.from({ length: d }, (_, i) => blocks.flatMap((blk) => blk[i] as number[]));
  let sH = s0;
  for (let t = 0; t < horizon; t++) sH = matVec(A, sH);
  const r = goal.map((g, i) => g - (sH[i] as number));
  const n = horizon * k;
  const normal = Array.from({ length: n }, (_, i) =>
    Array.from(
      { length: n },
      (_, j) =>
        M.reduce((acc, row) => acc + (row[i] as number) * (row[j] as number), 0) + (i === j ? rho : 0),
    ),
  );
  const rhs = Array.from({ length: n }, (_, i) =>
    M.reduce((acc, row, di) => acc + (row[i] as number) * (r[di] as number), 0),
  );
  return solve(normal, rhs);
}

/** Moves of the grid latent: up, down, left, right as (drow, dcol). */
export const GRID_MOVES: ReadonlyArray<readonly [number, number]> = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

/**
 * A grid "latent": the state is a cell's (row, col) as floats, actions are the four moves; moving into a wall
 * or off the grid leaves the state unchanged. `map` rows use '#' for walls and '.' for free cells.
 */
export function gridModel(map: string[]): PlannerModel & { dispose(): void } {
  const rows = map.length;
  const cols = (map[0] as string).length;
  const free = (r: number, c: number) => r >= 0 && r < rows && c >= 0 && c < cols && map[r]?.[c] !== "#";
  const table = new Float32Array(rows * cols * 4 * 2);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      GRID_MOVES.forEach(([dr, dc], a) => {
        const ok = free(r + dr, c + dc);
        const i = ((r * cols + c) * 4 + a) * 2;
        table[i] = ok ? r + dr : r;
        table[i + 1] = ok ? c + dc : c;
      });
    }
  }
  const next = tf.tensor2d(table, [rows * cols * 4, 2]);
  return {
    predict: (s, a) =>
      tf.tidy(() => {
        const rc = tf.round(s);
        const r = tf.clipByValue(tf.reshape(tf.slice(rc, [0, 0], [-1, 1]), [-1]), 0, rows - 1);
        const c = tf.clipByValue(tf.reshape(tf.slice(rc, [0, 1], [-1, 1]), [-1]), 0, cols - 1);
        const cell = tf.add(tf.mul(r, cols), c);
        const index = tf.cast(tf.add(tf.mul(cell, 4), tf.reshape(a, [-1])), "int32");
        return tf.gather(next, index) as tf.Tensor2D;
      }),
    dispose: () => next.dispose(),
  };
}

/** Breadth-first shortest-path length (moves) between two free cells of `map`, or Infinity. */
export function gridDistance(map: string[], from: [number, number], to: [number, number]): number {
  const rows = map.length;
  const cols = (map[0] as string).length;
  const dist = new Map<string, number>([[`${from[0]},${from[1]}`, 0]]);
  const queue: Array<[number, number]> = [from];
  while (queue.length > 0) {
    const [r, c] = queue.shift() as [number, number];
    const here = dist.get(`${r},${c}`) as number;
    if (r === to[0] && c === to[1]) return here;
    for (const [dr, dc] of GRID_MOVES) {
      const nr = r + dr;
      const nc = c + dc;
      const key = `${nr},${nc}`;
      if (nr < 0 || nr >= rows || nc < 0 || nc >= cols || map[nr]?.[nc] === "#" || dist.has(key)) continue;
      dist.set(key, here + 1);
      queue.push([nr, nc]);
    }
  }
  return Number.POSITIVE_INFINITY;
}
