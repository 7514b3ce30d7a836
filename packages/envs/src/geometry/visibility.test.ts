import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { formatMap, roomsLayout } from "../map.ts";
import { mergeCells } from "./rects.ts";
import { VisibilityGraph } from "./visibility.ts";

/** Parses '#'/'.' rows into a blocked-cell test (outside the grid counts as blocked). */
function grid(text: string) {
  const lines = text.trim().split("\n");
  const rows = lines.length;
  const cols = (lines[0] as string).length;
  const blocked = (r: number, c: number) => r < 0 || c < 0 || r >= rows || c >= cols || lines[r]?.[c] === "#";
  return { rows, cols, blocked };
}

function graphOf(text: string, closedPinches = false) {
  const g = grid(text);
  const rects = mergeCells(g.rows, g.cols, g.blocked);
  return new VisibilityGraph(rects, { x0: 0, y0: 0, x1: g.cols, y1: g.rows }, { closedPinches });
}

const SUB = 8;
// 32-neighbourhood: every primitive offset with |dx|, |dy| <= 3 (consecutive directions at most 18.4 deg apart).
const OFFSETS: [number, number][] = [];
for (let dx = -3; dx <= 3; dx++) {
  for (let dy = -3; dy <= 3; dy++) {
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    if ((dx !== 0 || dy !== 0) && gcd(Math.abs(dx), Math.abs(dy)) === 1) OFFSETS.push([dx, dy]);
  }
}

/**
 * Brute force, independent of the visibility graph: Dijkstra on a lattice of spacing 1/SUB cell, joining two
 * lattice points when the segment between them is free, tested piece by piece between grid-line crossings
 * with cell lookups only.
 */
function latticeDistances(text: string, src: [number, number]): { dist: Float64Array; w: number } {
  const g = grid(text);
  const w = g.cols * SUB + 1;
  const h = g.rows * SUB + 1;
  // Blocked when every cell touching the point (in lattice units) is blocked.
  const pointBlocked = (i: number, j: number) => {
    const cs = i % SUB === 0 ? [i / SUB - 1, i / SUB] : [Math.floor(i / SUB)];
    const rs = j % SUB === 0 ? [j / SUB - 1, j / SUB] : [Math.floor(j / SUB)];
    return rs.every((r) => cs.every((c) => g.blocked(r, c)));
  };
  const segFree = (i0: number, j0: number, i1: number, j1: number) => {
    const ts = [0, 1];
    for (const [a, b] of [
      [i0, i1],
      [j0, j1],
    ] as const) {
      for (let k = Math.ceil(Math.min(a, b) / SUB) * SUB; k <= Math.max(a, b); k += SUB) {
        if (a !== b) ts.push((k - a) / (b - a));
      }
    }
    ts.sort((p, q) => p - q);
    for (let k = 0; k + 1 < ts.length; k++) {
      const t = ((ts[k] as number) + (ts[k + 1] as number)) / 2;
      if ((ts[k + 1] as number) - (ts[k] as number) < 1e-12) continue;
      const i = i0 + (i1 - i0) * t;
      const j = j0 + (j1 - j0) * t;
      const onI = Number.isInteger(i) && i % SUB === 0;
      const onJ = Number.isInteger(j) && j % SUB === 0;
      const cs = onI ? [i / SUB - 1, i / SUB] : [Math.floor(i / SUB)];
      const rs = onJ ? [j / SUB - 1, j / SUB] : [Math.floor(j / SUB)];
      if (rs.every((r) => cs.every((c) => g.blocked(r, c)))) return false;
    }
    return true;
  };
  const dist = new Float64Array(w * h).fill(Number.POSITIVE_INFINITY);
  const done = new Uint8Array(w * h);
  const heap: [number, number][] = [];
  const push = (d: number, v: number) => {
    heap.push([d, v]);
    for (let k = heap.length - 1; k > 0; ) {
      const p = (k - 1) >> 1;
      if ((heap[p] as [number, number])[0] <= d) break;
      [heap[p], heap[k]] = [heap[k] as [number, number], heap[p] as [number, number]];
      k = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0] as [number, number];
    const last = heap.pop() as [number, number];
    if (heap.length > 0) {
      heap[0] = last;
      for (let k = 0; ; ) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < heap.length && (heap[l] as [number, number])[0] < (heap[m] as [number, number])[0]) m = l;
        if (r < heap.length && (heap[r] as [number, number])[0] < (heap[m] as [number, number])[0]) m = r;
        if (m === k) break;
        [heap[m], heap[k]] = [heap[k] as [number, number], heap[m] as [number, number]];
        k = m;
      }
    }
    return top;
  };
  const s = src[1] * w + src[0];
  dist[s] = 0;
  push(0, s);
  while (heap.length > 0) {
    const [d, v] = pop();
    if (done[v]) continue;
    done[v] = 1;
    const i = v % w;
    const j = (v - i) / w;
    for (const [di, dj] of OFFSETS) {
      const i2 = i + di;
      const j2 = j + dj;
      if (i2 < 0 || j2 < 0 || i2 >= w || j2 >= h || pointBlocked(i2, j2) || !segFree(i, j, i2, j2)) continue;
      const nd = d + Math.hypot(di, dj) / SUB;
      const u = j2 * w + i2;
      if (nd < (dist[u] as number)) {
        dist[u] = nd;
        push(nd, u);
      }
    }
  }
  return { dist, w };
}

const MAPS: Record<string, string> = {
  twoRooms: formatMap(roomsLayout(1, 2)),
  pillars: `
##########
#........#
#.##..#..#
#.##..#..#
#.....#..#
####.##..#
#........#
##########`,
  // A pinch at (2, 2): cells (1, 1) and (2, 2) meet only at a corner.
  pinch: `
######
#.#..#
##...#
#....#
######`,
};

describe("VisibilityGraph against a lattice brute force", () => {
  for (const [name, text] of Object.entries(MAPS)) {
    it(`${name}: exact <= lattice <= 1.015 x exact, same reachability`, () => {
      const vg = graphOf(text);
      const g = grid(text);
      const rng = new Rng(7);
      const freeLattice = () => {
        for (;;) {
          const i = rng.int(0, g.cols * SUB + 1);
          const j = rng.int(0, g.rows * SUB + 1);
          if (vg.isFree([i / SUB, j / SUB])) return [i, j] as [number, number];
        }
      };
      let maxRatio = 1;
      for (let s = 0; s < 3; s++) {
        const src = freeLattice();
        const { dist, w } = latticeDistances(text, src);
        for (let t = 0; t < 40; t++) {
          const dst = freeLattice();
          const lattice = dist[dst[1] * w + dst[0]] as number;
          const exact = vg.distance([src[0] / SUB, src[1] / SUB], [dst[0] / SUB, dst[1] / SUB]);
          expect(Number.isFinite(exact)).toBe(Number.isFinite(lattice));
          if (!Number.isFinite(exact)) continue;
          expect(exact).toBeLessThanOrEqual(lattice + 1e-9);
          if (exact > 0) maxRatio = Math.max(maxRatio, lattice / exact);
        }
      }
      // 1 / cos(18.43 deg / 2) = 1.0131 is the worst case of the 32-neighbourhood in the open.
      expect(maxRatio).toBeLessThanOrEqual(1.015);
    });
  }
});

describe("VisibilityGraph hand cases", () => {
  const box = { x0: 0, y0: 0, x1: 4, y1: 4 };
  const square = [{ x0: 1, y0: 1, x1: 3, y1: 3 }];

  it("is the straight line in the open", () => {
    const vg = new VisibilityGraph([], box);
    expect(vg.distance([0.5, 0.5], [3.5, 2.5])).toBeCloseTo(Math.hypot(3, 2), 12);
    expect(vg.path([0.5, 0.5], [3.5, 2.5])).toEqual([
      [0.5, 0.5],
      [3.5, 2.5],
    ]);
    expect(vg.distance([1, 1], [1, 1])).toBe(0);
  });

  it("goes around one corner, and a segment grazing a corner is free", () => {
    const vg = new VisibilityGraph(square, box);
    expect(vg.nodeCount).toBe(4);
    expect(vg.distance([0, 3], [3, 0])).toBeCloseTo(2 * Math.sqrt(5), 12);
    expect(vg.path([0, 3], [3, 0])).toEqual([
      [0, 3],
      [1, 1],
      [3, 0],
    ]);
    expect(vg.segmentFree([0, 2], [2, 0])).toBe(true);
    expect(vg.distance([0, 2], [2, 0])).toBeCloseTo(2 * Math.SQRT2, 12);
    // Along an edge is free; through the interior is not.
    expect(vg.segmentFree([1, 0], [1, 4])).toBe(true);
    expect(vg.segmentFree([1.5, 0], [1.5, 4])).toBe(false);
    // Around the square from the middle of one side to the middle of the opposite side: 1 + 2 + 1 via corners.
    expect(vg.distance([0.5, 2], [3.5, 2])).toBeCloseTo(2 * Math.hypot(0.5, 1) + 2, 12);
  });

  it("passes through a door of Two-Rooms", () => {
    const map = roomsLayout(1, 2);
    const rects = mergeCells(map.rows, map.cols, (r, c) => map.cells[r * map.cols + c] === 1);
    const vg = new VisibilityGraph(rects, { x0: 0, y0: 0, x1: map.cols, y1: map.rows });
    expect(vg.nodeCount).toBe(4);
    expect(vg.distance([3.5, 3.5], [9.5, 3.5])).toBeCloseTo(6, 12);
    expect(vg.distance([1.5, 1.5], [4.5, 1.5])).toBeCloseTo(3, 12);
    // Room corner to room corner: down to the door's top corners (6, 3) and (7, 3), through, and up.
    expect(vg.distance([1.5, 1.5], [11.5, 1.5])).toBeCloseTo(1 + 2 * Math.hypot(4.5, 1.5), 12);
    expect(vg.path([1.5, 1.5], [11.5, 1.5])).toEqual([
      [1.5, 1.5],
      [6, 3],
      [7, 3],
      [11.5, 1.5],
    ]);
  });

  it("blocks a seam between two obstacles and reports unreachable and blocked points", () => {
    // An L made of two rectangles: the seam y = 1, x in [0, 1] is inside the union.
    const l = [
      { x0: 0, y0: 0, x1: 3, y1: 1 },
      { x0: 0, y0: 1, x1: 1, y1: 3 },
    ];
    const vg = new VisibilityGraph(l, box);
    expect(vg.segmentFree([0, 1], [3, 1])).toBe(false);
    expect(vg.segmentFree([1, 1], [3, 1])).toBe(true);
    expect(vg.isFree([0.5, 1])).toBe(false);
    expect(vg.isFree([1, 1])).toBe(true);
    // A closed cell: walls all round.
    const closed = graphOf("#####\n#.#.#\n#####");
    expect(closed.distance([1.5, 1.5], [3.5, 1.5])).toBe(Number.POSITIVE_INFINITY);
    expect(closed.path([1.5, 1.5], [3.5, 1.5])).toBeNull();
    expect(closed.distance([0.5, 0.5], [1.5, 1.5])).toBe(Number.POSITIVE_INFINITY);
  });

  it("crosses a pinch point only when pinches are open", () => {
    const open = graphOf(MAPS.pinch as string, false);
    const shut = graphOf(MAPS.pinch as string, true);
    expect(open.distance([1.5, 1.5], [2.5, 2.5])).toBeCloseTo(Math.SQRT2, 12);
    expect(shut.distance([1.5, 1.5], [2.5, 2.5])).toBe(Number.POSITIVE_INFINITY);
    expect(shut.distance([2.5, 2.5], [4.5, 1.5])).toBeCloseTo(Math.hypot(2, 1), 12);
  });

  it("names a bad rectangle or point in its error", () => {
    expect(() => new VisibilityGraph([{ x0: 1, y0: 0, x1: 1, y1: 2 }], box)).toThrow(
      /obstacles\[0\].*x0 < x1/,
    );
    expect(() => new VisibilityGraph([], box).distance([Number.NaN, 0], [1, 1])).toThrow(
      /distance: a = \[NaN, 0\]/,
    );
  });

  it("answers queries fast once built (nine rooms)", () => {
    const map = roomsLayout(3, 3);
    const rects = mergeCells(map.rows, map.cols, (r, c) => map.cells[r * map.cols + c] === 1);
    const vg = new VisibilityGraph(rects, { x0: 0, y0: 0, x1: map.cols, y1: map.rows });
    expect(vg.nodeCount).toBe(48);
    expect(vg.distance([1.5, 1.5], [17.5, 17.5])).toBeGreaterThan(Math.hypot(16, 16));
  });
});

describe("mergeCells", () => {
  it("covers exactly the blocked cells with disjoint rectangles", () => {
    const g = grid(MAPS.pillars as string);
    const rects = mergeCells(g.rows, g.cols, g.blocked);
    const cover = new Uint8Array(g.rows * g.cols);
    for (const r of rects)
      for (let y = r.y0; y < r.y1; y++) for (let x = r.x0; x < r.x1; x++) cover[y * g.cols + x]++;
    for (let r = 0; r < g.rows; r++)
      for (let c = 0; c < g.cols; c++) expect(cover[r * g.cols + c]).toBe(g.blocked(r, c) ? 1 : 0);
    expect(rects.length).toBeLessThan(20);
  });
});
