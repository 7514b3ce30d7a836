/**
 * Axis-aligned rectangles in map units (x right, y down) and the merge of blocked grid cells into a few large
 * rectangles, so that geometric queries test fewer obstacles.
 */

/** A closed axis-aligned rectangle [x0, x1] x [y0, y1] with x0 < x1 and y0 < y1. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Throws unless `r` is a finite, non-degenerate rectangle; `where` names it in the message. */
export function assertRect(r: Rect, where: string): void {
  const ok =
    r !== null &&
    typeof r === "object" &&
    [r.x0, r.y0, r.x1, r.y1].every((v) => typeof v === "number" && Number.isFinite(v)) &&
    r.x0 < r.x1 &&
    r.y0 < r.y1;
  if (!ok) {
    const shown =
      r && typeof r === "object" ? `{x0: ${r.x0}, y0: ${r.y0}, x1: ${r.x1}, y1: ${r.y1}}` : String(r);
    throw new RangeError(
      `${where} = ${shown} is not a rectangle; expected finite numbers with x0 < x1 and y0 < y1`,
    );
  }
}

/**
 * Covers the blocked cells of a `rows` x `cols` grid with disjoint rectangles (cell (r, c) is the unit square
 * [c, c+1] x [r, r+1]): greedily, each rectangle takes the longest run of uncovered blocked cells in a row and
 * grows downwards while the whole run below is blocked and uncovered.
 */
export function mergeCells(rows: number, cols: number, blocked: (r: number, c: number) => boolean): Rect[] {
  const covered = new Uint8Array(rows * cols);
  const free = (r: number, c: number) => !blocked(r, c) || covered[r * cols + c] === 1;
  const out: Rect[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (free(r, c)) continue;
      let w = 1;
      while (c + w < cols && !free(r, c + w)) w++;
      let h = 1;
      for (; r + h < rows; h++) {
        let whole = true;
        for (let k = 0; k < w && whole; k++) whole = !free(r + h, c + k);
        if (!whole) break;
      }
      for (let i = 0; i < h; i++) covered.fill(1, (r + i) * cols + c, (r + i) * cols + c + w);
      out.push({ x0: c, y0: r, x1: c + w, y1: r + h });
    }
  }
  return out;
}
