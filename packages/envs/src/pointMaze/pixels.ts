import type { WallGrid } from "./walls.ts";

/** Side of the pixel observation. */
export const PIXEL_SIDE = 64;
/** Std (pixels) of the Gaussian blob that draws the agent in channel 0. */
export const BLOB_SIGMA_PX = 1;
/** Wall-channel values. */
export const WALL_VALUE = 255;
export const HAZARD_VALUE = 128;

const TAPS = 3; // pixels on each side of the blob's centre pixel (3 sigma)
const WIDTH = 2 * TAPS + 1;
const SUB = 16; // sub-pixel positions of the precomputed blob

/**
 * Pixel observations of PointMaze: 64 x 64 x 2 uint8, channels last. The map is scaled by
 * `64 / max(rows, cols)` pixels per map unit and centred; channel 1 holds the walls (255; doors too, and
 * everything outside the map), hazards (128) and free space (0), sampled at pixel centres; channel 0 holds the
 * agent as a Gaussian blob (std 1 pixel, peak up to 255) centred at its position. An observation copies the
 * precomputed wall picture and stamps a precomputed blob (1/16-pixel resolution, separable weights).
 */
export class PixelObserver {
  /** Pixels per map unit. */
  readonly scale: number;
  /** Pixel position of the map's origin (x = 0, y = 0). */
  readonly offsetX: number;
  readonly offsetY: number;
  private readonly template: Uint8Array;
  /** weights[q * WIDTH + k]: blob weight of tap k for a centre at sub-pixel position (q + 0.5) / SUB. */
  private readonly weights: Float64Array;

  constructor(grid: WallGrid) {
    this.scale = PIXEL_SIDE / Math.max(grid.rows, grid.cols);
    this.offsetX = (PIXEL_SIDE - grid.cols * this.scale) / 2;
    this.offsetY = (PIXEL_SIDE - grid.rows * this.scale) / 2;
    this.template = new Uint8Array(PIXEL_SIDE * PIXEL_SIDE * 2);
    for (let j = 0; j < PIXEL_SIDE; j++) {
      const r = Math.floor((j + 0.5 - this.offsetY) / this.scale);
      for (let i = 0; i < PIXEL_SIDE; i++) {
        const c = Math.floor((i + 0.5 - this.offsetX) / this.scale);
        const inside = r >= 0 && c >= 0 && r < grid.rows && c < grid.cols;
        const v =
          !inside || grid.isBlocked(r, c)
            ? WALL_VALUE
            : grid.hazard[r * grid.cols + c] === 1
              ? HAZARD_VALUE
              : 0;
        this.template[(j * PIXEL_SIDE + i) * 2 + 1] = v;
      }
    }
    this.weights = new Float64Array(SUB * WIDTH);
    for (let q = 0; q < SUB; q++) {
      const f = (q + 0.5) / SUB;
      for (let k = 0; k < WIDTH; k++) {
        const d = k - TAPS + 0.5 - f;
        this.weights[q * WIDTH + k] = Math.exp(-(d * d) / (2 * BLOB_SIGMA_PX * BLOB_SIGMA_PX));
      }
    }
  }

  /** Continuous pixel coordinates of map point (x, y). */
  toPixel(x: number, y: number): [number, number] {
    return [this.offsetX + x * this.scale, this.offsetY + y * this.scale];
  }

  /** The observation of the agent at map point (x, y) (a fresh array). */
  observe(x: number, y: number): Uint8Array {
    const out = this.template.slice();
    const px = this.offsetX + x * this.scale;
    const py = this.offsetY + y * this.scale;
    const ix = Math.floor(px);
    const iy = Math.floor(py);
    const qx = Math.min(SUB - 1, Math.floor((px - ix) * SUB)) * WIDTH;
    const qy = Math.min(SUB - 1, Math.floor((py - iy) * SUB)) * WIDTH;
    const w = this.weights;
    for (let l = 0; l < WIDTH; l++) {
      const j = iy - TAPS + l;
      if (j < 0 || j >= PIXEL_SIDE) continue;
      const wy = 255 * (w[qy + l] as number);
      const row = j * PIXEL_SIDE;
      for (let k = 0; k < WIDTH; k++) {
        const i = ix - TAPS + k;
        if (i < 0 || i >= PIXEL_SIDE) continue;
        // +0.5 then the Uint8Array's truncation: rounding to nearest.
        out[(row + i) * 2] = wy * (w[qx + k] as number) + 0.5;
      }
    }
    return out;
  }
}
