import { createRequire } from "node:module";
import { writeFileAtomic } from "@hjepa/experiment/atomicWrite";
import type { RgbFrame } from "gymnasium-js";
import type * as Pngjs from "pngjs";
import { drawLine, fillDisc, PALETTE, type Rgb } from "./render.ts";
import type { PlanningEnv, TrueState } from "./types.ts";

/**
 * Top-down pictures of trajectories for reports: the env's map, the path as a polyline through
 * `env.stateToPixel(state)`, and markers for start (grey), subgoals (magenta) and goal (green).
 */

export interface TrajectoryPictureOptions {
  trajectory: readonly TrueState[];
  /** Defaults to the first state of the trajectory. */
  start?: TrueState;
  goal?: TrueState;
  subgoals?: readonly TrueState[];
  /** Integer upscaling of the map picture (nearest neighbour), for legible small maps. */
  scale?: number;
}

export function drawTrajectoryPicture(env: PlanningEnv, opts: TrajectoryPictureOptions): RgbFrame {
  const scale = opts.scale ?? 1;
  if (!Number.isInteger(scale) || scale <= 0) {
    throw new RangeError(`drawTrajectoryPicture: scale must be a positive integer (got ${scale})`);
  }
  const map = env.renderMap();
  const img = upscale(map, scale);
  const cell = map.cellPx * scale;
  const px = (s: TrueState): [number, number] => {
    const [x, y] = env.stateToPixel(s);
    return [x * scale, y * scale];
  };
  // Sized by the cell and by the picture, so that maps with 1-pixel cells (PLDM) stay legible.
  const side = Math.min(img.width, img.height);
  const line = Math.max(1, Math.round(Math.max(cell / 6, side / 200)));
  const marker = Math.max(2, cell * 0.35, side / 60);
  for (let i = 1; i < opts.trajectory.length; i++) {
    const [x0, y0] = px(opts.trajectory[i - 1] as TrueState);
    const [x1, y1] = px(opts.trajectory[i] as TrueState);
    drawLine(img, x0, y0, x1, y1, PALETTE.trajectory, line);
  }
  const dot = (s: TrueState | undefined, color: Rgb, r: number) => {
    if (s === undefined) return;
    const [x, y] = px(s);
    fillDisc(img, x, y, r, color);
  };
  for (const s of opts.subgoals ?? []) dot(s, PALETTE.subgoal, marker * 0.7);
  dot(opts.start ?? opts.trajectory[0], PALETTE.start, marker);
  dot(opts.goal, PALETTE.goal, marker);
  return img;
}

/** A copy of `frame` enlarged `scale` times (the source is never modified). */
function upscale(frame: RgbFrame, scale: number): RgbFrame {
  const { width, height, data } = frame;
  if (scale === 1) return { width, height, data: Uint8Array.from(data) };
  const w = width * scale;
  const out = new Uint8Array(w * height * scale * 3);
  for (let y = 0; y < height * scale; y++) {
    const sy = Math.floor(y / scale);
    for (let x = 0; x < w; x++) {
      const s = 3 * (sy * width + Math.floor(x / scale));
      const o = 3 * (y * w + x);
      out[o] = data[s] as number;
      out[o + 1] = data[s + 1] as number;
      out[o + 2] = data[s + 2] as number;
    }
  }
  return { width: w, height: height * scale, data: out };
}

// pngjs (with node:zlib and node:stream) adds ~45 ms to start-up, so it loads only when a picture is encoded.
const requireCjs = createRequire(import.meta.url);
let pngjs: typeof Pngjs | undefined;
function loadPngjs(): typeof Pngjs {
  pngjs ??= requireCjs("pngjs") as typeof Pngjs;
  return pngjs;
}

/** PNG bytes of an RGB frame (opaque). */
export function encodePng(frame: RgbFrame): Buffer {
  const { width, height, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`encodePng: width and height must be positive integers (got ${width} x ${height})`);
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(
      `encodePng: frame data has ${data.length} bytes, expected ${width} x ${height} x 3 = ${width * height * 3}`,
    );
  }
  const { PNG } = loadPngjs();
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[4 * i] = data[3 * i] as number;
    png.data[4 * i + 1] = data[3 * i + 1] as number;
    png.data[4 * i + 2] = data[3 * i + 2] as number;
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** Writes an RGB frame as a PNG file, atomically (temp file + rename); the folder is created if missing. */
export function savePng(path: string, frame: RgbFrame): void {
  writeFileAtomic(path, encodePng(frame), "write the picture");
}
