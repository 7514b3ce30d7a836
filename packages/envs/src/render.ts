import type { RgbFrame } from "gymnasium-js";
import { CELL, type GridMap } from "./map.ts";

/**
 * Small raster helpers shared by every environment's `rgb_array` render and by the PNG pictures:
 * an RGB image (height x width x 3, uint8, row-major) with filled rectangles, discs and lines.
 */
export type Rgb = readonly [number, number, number];

export const PALETTE = {
  free: [245, 245, 240],
  wall: [40, 40, 48],
  hazard: [230, 120, 40],
  key: [230, 200, 30],
  door: [130, 80, 40],
  doorOpen: [200, 170, 130],
  agent: [30, 110, 230],
  goal: [40, 170, 60],
  start: [150, 150, 150],
  trajectory: [30, 110, 230],
  subgoal: [200, 40, 160],
} as const satisfies Record<string, Rgb>;

/** The longest side of a map picture: a 2000x2000-cell map at 16 px per cell would be a gigapixel image. */
export const MAX_PICTURE_PX = 4096;

/** Pixels per cell for a picture of a `rows` x `cols` map: `preferred`, scaled down to fit `MAX_PICTURE_PX`. */
export function pictureCellPx(rows: number, cols: number, preferred: number): number {
  return Math.max(1, Math.min(preferred, Math.floor(MAX_PICTURE_PX / Math.max(rows, cols))));
}

export function createImage(width: number, height: number, fill: Rgb = PALETTE.free): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[3 * i] = fill[0];
    data[3 * i + 1] = fill[1];
    data[3 * i + 2] = fill[2];
  }
  return { width, height, data };
}

export function setPixel(img: RgbFrame, x: number, y: number, color: Rgb): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const i = 3 * (y * img.width + x);
  img.data[i] = color[0];
  img.data[i + 1] = color[1];
  img.data[i + 2] = color[2];
}

/** Fills pixels [x0, x1) x [y0, y1), clipped to the image. */
export function fillRect(img: RgbFrame, x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
  const xa = Math.max(0, Math.floor(x0));
  const ya = Math.max(0, Math.floor(y0));
  const xb = Math.min(img.width, Math.ceil(x1));
  const yb = Math.min(img.height, Math.ceil(y1));
  for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) setPixel(img, x, y, color);
}

/** Fills the disc of radius r (pixels) centred at (cx, cy) (pixel coordinates, continuous). */
export function fillDisc(img: RgbFrame, cx: number, cy: number, r: number, color: Rgb): void {
  const r2 = r * r;
  for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
    for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      if (dx * dx + dy * dy <= r2) setPixel(img, x, y, color);
    }
  }
}

/** Draws a line segment `width` pixels thick between two points (pixel coordinates, continuous). */
export function drawLine(
  img: RgbFrame,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  color: Rgb,
  width = 1,
): void {
  const len = Math.hypot(x1 - x0, y1 - y0);
  const steps = Math.max(1, Math.ceil(len * 2));
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    fillDisc(img, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, Math.max(0.5, width / 2), color);
  }
}

/** The map's cells drawn at `cellPx` pixels per cell (walls, hazards, key, door). */
export function drawMapCells(
  map: GridMap,
  cellPx: number,
  opts: { doorOpen?: boolean; keyTaken?: boolean } = {},
): RgbFrame {
  const img = createImage(map.cols * cellPx, map.rows * cellPx);
  for (let r = 0; r < map.rows; r++) {
    for (let c = 0; c < map.cols; c++) {
      const v = map.cells[r * map.cols + c];
      let color: Rgb | null = null;
      if (v === CELL.wall) color = PALETTE.wall;
      else if (v === CELL.hazard) color = PALETTE.hazard;
      else if (v === CELL.key && !opts.keyTaken) color = PALETTE.key;
      else if (v === CELL.door) color = opts.doorOpen ? PALETTE.doorOpen : PALETTE.door;
      if (color) fillRect(img, c * cellPx, r * cellPx, (c + 1) * cellPx, (r + 1) * cellPx, color);
    }
  }
  return img;
}

/** The map as text (one character per cell, as in the map format) with extra marks drawn on top. */
export function mapToAnsi(
  map: GridMap,
  marks: { cell: readonly [number, number]; char: string }[] = [],
): string {
  const chars = ".#HKD";
  const grid: string[][] = [];
  for (let r = 0; r < map.rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < map.cols; c++) row.push(chars[map.cells[r * map.cols + c] as number] as string);
    grid.push(row);
  }
  for (const m of marks) {
    const row = grid[m.cell[0]];
    if (row && m.cell[1] >= 0 && m.cell[1] < map.cols) row[m.cell[1]] = m.char;
  }
  return `${grid.map((r) => r.join("")).join("\n")}\n`;
}
