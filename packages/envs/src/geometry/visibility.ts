import { assertRect, type Rect } from "./rects.ts";

export type { Rect } from "./rects.ts";

/** A point `[x, y]` (extra elements are ignored). */
export type Point = readonly [number, number] | readonly number[];

export interface VisibilityOptions {
  /**
   * When true, a pinch point (two obstacles touching only corner to corner, diagonally) cannot be crossed,
   * as in a grid world where moving between two diagonal wall cells is not allowed. Default false: the agent
   * is a point and squeezes through.
   */
  closedPinches?: boolean;
}

/**
 * Lengths below this (map units) are treated as zero: a segment that runs inside an obstacle for less than
 * `GEOMETRY_EPS`, or two intervals that overlap by less, count as touching. It absorbs float64 rounding when a
 * segment grazes a corner; distances themselves are not rounded.
 */
export const GEOMETRY_EPS = 1e-9;

/**
 * Exact Euclidean shortest paths for a point among closed axis-aligned rectangular obstacles inside a
 * rectangular boundary. The free space is the boundary minus the interior of the union of the obstacles: the
 * point may touch and slide along obstacle edges and corners.
 *
 * A shortest path is a polyline that bends only at convex corners of the obstacle union (corners where exactly
 * one of the four quadrants around the corner is blocked) and, unless closed, at pinch points; those are the
 * graph's nodes, joined when the segment between them is free. All-pairs distances among corners are computed once (Floyd-Warshall); a
 * query connects its two points to the corners they see and takes the best pair. Distances are exact up to
 * float64 rounding (and the `GEOMETRY_EPS` tolerance of the free-segment test).
 *
 * Cost: construction O(n^2 m + n^3) for n corners and m obstacles; a query O(n m + n^2).
 */
export class VisibilityGraph {
  readonly obstacles: readonly Rect[];
  readonly bounds: Rect;
  readonly closedPinches: boolean;
  /** Node coordinates (the convex corners of the obstacle union). */
  private readonly nx: Float64Array;
  private readonly ny: Float64Array;
  /** All-pairs shortest distances among nodes (n x n, Infinity when disconnected). */
  private readonly dist: Float64Array;
  /** next[i * n + j]: the node after i on a shortest path from i to j (-1 when unreachable). */
  private readonly next: Int32Array;
  private readonly ox0: Float64Array;
  private readonly oy0: Float64Array;
  private readonly ox1: Float64Array;
  private readonly oy1: Float64Array;
  /** Pinch points (x, y pairs) that segments may not cross, when `closedPinches`. */
  private readonly pinches: Float64Array;

  constructor(obstacles: readonly Rect[], bounds: Rect, opts: VisibilityOptions = {}) {
    assertRect(bounds, "VisibilityGraph: bounds");
    obstacles.forEach((r, i) => {
      assertRect(r, `VisibilityGraph: obstacles[${i}]`);
    });
    this.obstacles = obstacles.map((r) => ({ ...r }));
    this.bounds = { ...bounds };
    this.closedPinches = opts.closedPinches ?? false;
    const m = obstacles.length;
    this.ox0 = Float64Array.from(obstacles, (r) => r.x0);
    this.oy0 = Float64Array.from(obstacles, (r) => r.y0);
    this.ox1 = Float64Array.from(obstacles, (r) => r.x1);
    this.oy1 = Float64Array.from(obstacles, (r) => r.y1);

    const nodes: number[] = [];
    const pinches: number[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < m; i++) {
      for (const x of [this.ox0[i] as number, this.ox1[i] as number]) {
        for (const y of [this.oy0[i] as number, this.oy1[i] as number]) {
          const key = `${x},${y}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const mask = this.blockedQuadrants(x, y);
          const count = (mask & 1) + ((mask >> 1) & 1) + ((mask >> 2) & 1) + ((mask >> 3) & 1);
          // Bits: 1 = (+x,+y), 2 = (-x,+y), 4 = (-x,-y), 8 = (+x,-y); 5 and 10 are the two diagonal pairs.
          const pinch = mask === 5 || mask === 10;
          if (count === 1 || (pinch && !this.closedPinches)) nodes.push(x, y);
          else if (pinch) pinches.push(x, y);
        }
      }
    }
    this.pinches = Float64Array.from(pinches);
    const n = nodes.length / 2;
    this.nx = new Float64Array(n);
    this.ny = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.nx[i] = nodes[2 * i] as number;
      this.ny[i] = nodes[2 * i + 1] as number;
    }

    const dist = new Float64Array(n * n).fill(Number.POSITIVE_INFINITY);
    const next = new Int32Array(n * n).fill(-1);
    for (let i = 0; i < n; i++) {
      dist[i * n + i] = 0;
      next[i * n + i] = i;
      for (let j = i + 1; j < n; j++) {
        const xi = this.nx[i] as number;
        const yi = this.ny[i] as number;
        const xj = this.nx[j] as number;
        const yj = this.ny[j] as number;
        if (!this.free(xi, yi, xj, yj)) continue;
        const d = Math.hypot(xj - xi, yj - yi);
        dist[i * n + j] = d;
        dist[j * n + i] = d;
        next[i * n + j] = j;
        next[j * n + i] = i;
      }
    }
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        const dik = dist[i * n + k] as number;
        if (dik === Number.POSITIVE_INFINITY) continue;
        for (let j = 0; j < n; j++) {
          const v = dik + (dist[k * n + j] as number);
          if (v < (dist[i * n + j] as number)) {
            dist[i * n + j] = v;
            next[i * n + j] = next[i * n + k] as number;
          }
        }
      }
    }
    this.dist = dist;
    this.next = next;
  }

  /** Number of corner nodes. */
  get nodeCount(): number {
    return this.nx.length;
  }

  /** The corner nodes, as `[x, y]` points. */
  nodes(): [number, number][] {
    return Array.from(this.nx, (x, i) => [x, this.ny[i] as number]);
  }

  /** True when `p` is inside the bounds and not in the interior of the obstacle union. */
  isFree(p: Point): boolean {
    const [x, y] = coords(p, "isFree", "p");
    const b = this.bounds;
    return x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1 && this.blockedQuadrants(x, y) !== 15;
  }

  /** True when both ends are inside the bounds and the open segment avoids every obstacle interior. */
  segmentFree(a: Point, b: Point): boolean {
    const [ax, ay] = coords(a, "segmentFree", "a");
    const [bx, by] = coords(b, "segmentFree", "b");
    return this.free(ax, ay, bx, by);
  }

  /** Shortest-path length from `a` to `b`; Infinity when either is not free or `b` cannot be reached. */
  distance(a: Point, b: Point): number {
    return this.query(a, b, "distance").length;
  }

  /** A shortest path from `a` to `b` (both included, corners in between), or null when unreachable. */
  path(a: Point, b: Point): [number, number][] | null {
    const q = this.query(a, b, "path");
    if (q.length === Number.POSITIVE_INFINITY) return null;
    const out: [number, number][] = [[q.ax, q.ay]];
    if (q.i >= 0) {
      const n = this.nx.length;
      for (let v = q.i; ; v = this.next[v * n + q.j] as number) {
        out.push([this.nx[v] as number, this.ny[v] as number]);
        if (v === q.j) break;
      }
    }
    out.push([q.bx, q.by]);
    // A query point that sits on a corner node would appear twice in a row.
    return out.filter((p, k) => k === 0 || p[0] !== out[k - 1]?.[0] || p[1] !== out[k - 1]?.[1]);
  }

  private query(a: Point, b: Point, where: string) {
    const [ax, ay] = coords(a, where, "a");
    const [bx, by] = coords(b, where, "b");
    const res = { length: Number.POSITIVE_INFINITY, i: -1, j: -1, ax, ay, bx, by };
    if (!this.isFree([ax, ay]) || !this.isFree([bx, by])) return res;
    if (this.free(ax, ay, bx, by)) {
      res.length = Math.hypot(bx - ax, by - ay);
      return res;
    }
    const n = this.nx.length;
    const da = this.visible(ax, ay);
    const db = this.visible(bx, by);
    for (let i = 0; i < n; i++) {
      const di = da[i] as number;
      if (di === Number.POSITIVE_INFINITY) continue;
      for (let j = 0; j < n; j++) {
        const v = di + (this.dist[i * n + j] as number) + (db[j] as number);
        if (v < res.length) {
          res.length = v;
          res.i = i;
          res.j = j;
        }
      }
    }
    return res;
  }

  /** Straight-line distance from (x, y) to every node it sees (Infinity for the others). */
  private visible(x: number, y: number): Float64Array {
    const n = this.nx.length;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const xi = this.nx[i] as number;
      const yi = this.ny[i] as number;
      out[i] = this.free(x, y, xi, yi) ? Math.hypot(xi - x, yi - y) : Number.POSITIVE_INFINITY;
    }
    return out;
  }

  /**
   * Which of the four open quadrants around (x, y) are blocked (inside an obstacle or outside the bounds), as
   * bits 1 = (+x,+y), 2 = (-x,+y), 4 = (-x,-y), 8 = (+x,-y). Each rectangle covers a small enough quadrant
   * either wholly or not at all, so the test is exact.
   */
  private blockedQuadrants(x: number, y: number): number {
    const b = this.bounds;
    const outXp = x >= b.x1 || x < b.x0;
    const outXm = x <= b.x0 || x > b.x1;
    const outYp = y >= b.y1 || y < b.y0;
    const outYm = y <= b.y0 || y > b.y1;
    let mask =
      (outXp || outYp ? 1 : 0) |
      (outXm || outYp ? 2 : 0) |
      (outXm || outYm ? 4 : 0) |
      (outXp || outYm ? 8 : 0);
    for (let i = 0; i < this.ox0.length && mask !== 15; i++) {
      const x0 = this.ox0[i] as number;
      const x1 = this.ox1[i] as number;
      const y0 = this.oy0[i] as number;
      const y1 = this.oy1[i] as number;
      const xp = x >= x0 && x < x1;
      const xm = x > x0 && x <= x1;
      const yp = y >= y0 && y < y1;
      const ym = y > y0 && y <= y1;
      if (xp && yp) mask |= 1;
      if (xm && yp) mask |= 2;
      if (xm && ym) mask |= 4;
      if (xp && ym) mask |= 8;
    }
    return mask;
  }

  private free(ax: number, ay: number, bx: number, by: number): boolean {
    const bd = this.bounds;
    const inside = (x: number, y: number) =>
      x >= bd.x0 - GEOMETRY_EPS &&
      x <= bd.x1 + GEOMETRY_EPS &&
      y >= bd.y0 - GEOMETRY_EPS &&
      y <= bd.y1 + GEOMETRY_EPS;
    if (!inside(ax, ay) || !inside(bx, by)) return false;
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    if (len === 0) return true;
    const tol = GEOMETRY_EPS / len;
    const xmin = Math.min(ax, bx);
    const xmax = Math.max(ax, bx);
    const ymin = Math.min(ay, by);
    const ymax = Math.max(ay, by);
    // Slab clipping of the segment against each open rectangle: blocked when it stays inside for > EPS.
    for (let i = 0; i < this.ox0.length; i++) {
      const x0 = this.ox0[i] as number;
      const x1 = this.ox1[i] as number;
      const y0 = this.oy0[i] as number;
      const y1 = this.oy1[i] as number;
      if (xmax <= x0 || xmin >= x1 || ymax <= y0 || ymin >= y1) continue;
      let lo = 0;
      let hi = 1;
      if (dx !== 0) {
        const t0 = (x0 - ax) / dx;
        const t1 = (x1 - ax) / dx;
        lo = Math.max(lo, Math.min(t0, t1));
        hi = Math.min(hi, Math.max(t0, t1));
      }
      if (dy !== 0) {
        const t0 = (y0 - ay) / dy;
        const t1 = (y1 - ay) / dy;
        lo = Math.max(lo, Math.min(t0, t1));
        hi = Math.min(hi, Math.max(t0, t1));
      }
      if (hi - lo > tol) return false;
    }
    // An axis-parallel segment can also run along a seam between two obstacles (or an obstacle and the
    // outside), inside their union but outside each one's interior.
    if (dy === 0 && this.seamBlocked(ay, xmin, xmax, false)) return false;
    if (dx === 0 && this.seamBlocked(ax, ymin, ymax, true)) return false;
    if (this.pinches.length > 0) {
      for (let k = 0; k < this.pinches.length; k += 2) {
        const px = (this.pinches[k] as number) - ax;
        const py = (this.pinches[k + 1] as number) - ay;
        if (Math.abs(dx * py - dy * px) > GEOMETRY_EPS * len) continue;
        const along = (px * dx + py * dy) / len;
        if (along > GEOMETRY_EPS && along < len - GEOMETRY_EPS) return false;
      }
    }
    return true;
  }

  /**
   * For a segment on the line `across = c` spanning [lo, hi] along the other axis (vertical when `vertical`):
   * true when, over a stretch longer than EPS, both sides of the line are blocked.
   */
  private seamBlocked(c: number, lo: number, hi: number, vertical: boolean): boolean {
    const b = this.bounds;
    const [bLo, bHi] = vertical ? [b.x0, b.x1] : [b.y0, b.y1];
    const sideA: [number, number][] = c <= bLo ? [[lo, hi]] : [];
    const sideB: [number, number][] = c >= bHi ? [[lo, hi]] : [];
    const [a0, a1, l0, l1] = vertical
      ? [this.ox0, this.ox1, this.oy0, this.oy1]
      : [this.oy0, this.oy1, this.ox0, this.ox1];
    for (let i = 0; i < a0.length; i++) {
      const s = Math.max(lo, l0[i] as number);
      const e = Math.min(hi, l1[i] as number);
      if (e - s <= GEOMETRY_EPS) continue;
      const r0 = a0[i] as number;
      const r1 = a1[i] as number;
      if (r0 < c && c <= r1) sideA.push([s, e]);
      if (r0 <= c && c < r1) sideB.push([s, e]);
    }
    if (sideA.length === 0 || sideB.length === 0) return false;
    const ua = union(sideA);
    const ub = union(sideB);
    for (let i = 0, j = 0; i < ua.length && j < ub.length; ) {
      const [s1, e1] = ua[i] as [number, number];
      const [s2, e2] = ub[j] as [number, number];
      if (Math.min(e1, e2) - Math.max(s1, s2) > GEOMETRY_EPS) return true;
      if (e1 < e2) i++;
      else j++;
    }
    return false;
  }
}

/** Sorted disjoint union of intervals. */
function union(intervals: [number, number][]): [number, number][] {
  intervals.sort((p, q) => p[0] - q[0]);
  const out: [number, number][] = [];
  for (const [s, e] of intervals) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function coords(p: Point, where: string, name: string): [number, number] {
  const x = p?.[0];
  const y = p?.[1];
  if (typeof x !== "number" || typeof y !== "number" || !Number.isFinite(x) || !Number.isFinite(y)) {
    const shown =
      Array.isArray(p) || ArrayBuffer.isView(p)
        ? `[${Array.from(p as ArrayLike<number>).join(", ")}]`
        : String(p);
    throw new TypeError(
      `VisibilityGraph.${where}: ${name} = ${shown} is not a point; expected [x, y] with finite numbers`,
    );
  }
  return [x, y];
}
