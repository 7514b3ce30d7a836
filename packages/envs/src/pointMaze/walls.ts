import { CELL, type GridMap } from "../map.ts";

// k * BELOW is the largest double below k for every k >= 1 (so floor() of it is k - 1).
const BELOW = 1 - 2 ** -53;

/**
 * The wall grid of a PointMaze map and the point's motion through it. Cell (r, c) covers x in [c, c+1) and
 * y in [r, r+1) (x right, y down); walls (`#`) and doors (`D`) are blocked, and so is everything outside the
 * map. Hazards (`H`) are passable.
 *
 * Motion walks the displacement cell by cell (a grid traversal): when it meets the face of a blocked cell it
 * stops on that face and keeps sliding along it with the remaining displacement of the other axis (the
 * blocked component is dropped, the parallel one kept in full). It only ever moves between edge-adjacent free
 * cells, so it cannot end inside a wall, cross one, or slip between two walls that touch at a corner. When
 * both faces are reached at the same instant the x face is resolved first. A point stopped against a face on
 * its right (bottom) sits at the largest double below that face, since the face itself belongs to the wall.
 * Cost per step is O(cells crossed), O(1) for steps under one cell.
 */
export class WallGrid {
  readonly rows: number;
  readonly cols: number;
  /** 1 for blocked cells (walls and doors), row-major. */
  readonly blocked: Uint8Array;
  /** 1 for hazard cells, row-major. */
  readonly hazard: Uint8Array;
  /** Connected region of each free cell (4-neighbourhood, since corners cannot be cut), -1 for blocked. */
  readonly region: Int32Array;

  constructor(map: GridMap) {
    this.rows = map.rows;
    this.cols = map.cols;
    const n = map.rows * map.cols;
    this.blocked = new Uint8Array(n);
    this.hazard = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = map.cells[i];
      this.blocked[i] = v === CELL.wall || v === CELL.door ? 1 : 0;
      this.hazard[i] = v === CELL.hazard ? 1 : 0;
    }
    this.region = new Int32Array(n).fill(-1);
    let next = 0;
    for (let s = 0; s < n; s++) {
      if (this.blocked[s] === 1 || this.region[s] !== -1) continue;
      const stack = [s];
      this.region[s] = next;
      while (stack.length > 0) {
        const v = stack.pop() as number;
        const r = Math.floor(v / this.cols);
        const c = v - r * this.cols;
        for (const [nr, nc] of [
          [r - 1, c],
          [r + 1, c],
          [r, c - 1],
          [r, c + 1],
        ] as const) {
          if (this.isBlocked(nr, nc)) continue;
          const w = nr * this.cols + nc;
          if (this.region[w] === -1) {
            this.region[w] = next;
            stack.push(w);
          }
        }
      }
      next++;
    }
  }

  isBlocked(r: number, c: number): boolean {
    return r < 0 || c < 0 || r >= this.rows || c >= this.cols || this.blocked[r * this.cols + c] === 1;
  }

  /** True when (x, y) is inside the map and in a passable cell. */
  isFreeState(x: number, y: number): boolean {
    return Number.isFinite(x) && Number.isFinite(y) && !this.isBlocked(Math.floor(y), Math.floor(x));
  }

  /**
   * Moves the point from a free state (x, y) by (dx, dy) and writes where it ends into `out[0], out[1]`.
   * Returns true when the motion entered a hazard cell or ends in one (staying in a hazard counts; leaving
   * the hazard cell it started in does not). `trace`, when given, receives the waypoints (x, y pairs) where the
   * motion crossed or met a face, for tests.
   */
  move(x: number, y: number, dx: number, dy: number, out: Float64Array, trace?: number[]): boolean {
    const cols = this.cols;
    const rows = this.rows;
    const blocked = this.blocked;
    const hazard = this.hazard;
    let cx = Math.floor(x);
    let cy = Math.floor(y);
    let rx = dx;
    let ry = dy;
    let hit = false;
    // Each pass crosses a face or drops an axis, so this bound is never reached in exact arithmetic.
    const passes = 4 + 2 * (Math.ceil(Math.abs(dx)) + Math.ceil(Math.abs(dy)));
    for (let pass = 0; pass < passes; pass++) {
      const ex = x + rx;
      const ey = y + ry;
      const fx = Math.floor(ex);
      const fy = Math.floor(ey);
      if (fx === cx && fy === cy) {
        x = ex;
        y = ey;
        break;
      }
      let tx = 2;
      let ty = 2;
      if (fx !== cx) tx = Math.min(1, Math.max(0, (rx > 0 ? cx + 1 - x : cx - x) / rx));
      if (fy !== cy) ty = Math.min(1, Math.max(0, (ry > 0 ? cy + 1 - y : cy - y) / ry));
      if (tx <= ty) {
        const right = rx > 0;
        y += ry * tx;
        // Keep the other coordinate in its cell despite rounding.
        if (y < cy) y = cy;
        else if (y >= cy + 1) y = (cy + 1) * BELOW;
        rx *= 1 - tx;
        ry *= 1 - tx;
        const nc = right ? cx + 1 : cx - 1;
        if (nc < 0 || nc >= cols || blocked[cy * cols + nc] === 1) {
          x = right ? (cx + 1) * BELOW : cx;
          rx = 0;
        } else {
          x = right ? cx + 1 : cx * BELOW;
          cx = nc;
          if (hazard[cy * cols + cx] === 1) hit = true;
        }
      } else {
        const down = ry > 0;
        x += rx * ty;
        if (x < cx) x = cx;
        else if (x >= cx + 1) x = (cx + 1) * BELOW;
        rx *= 1 - ty;
        ry *= 1 - ty;
        const nr = down ? cy + 1 : cy - 1;
        if (nr < 0 || nr >= rows || blocked[nr * cols + cx] === 1) {
          y = down ? (cy + 1) * BELOW : cy;
          ry = 0;
        } else {
          y = down ? cy + 1 : cy * BELOW;
          cy = nr;
          if (hazard[cy * cols + cx] === 1) hit = true;
        }
      }
      if (trace) trace.push(x, y);
    }
    if (hazard[cy * cols + cx] === 1) hit = true;
    out[0] = x;
    out[1] = y;
    return hit;
  }
}
