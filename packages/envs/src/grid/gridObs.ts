import { EnvironmentError } from "@hjepa/errors";
import { Box } from "gymnasium-js";
import { CELL, type GridMap } from "../map.ts";

/** Observation modes shared by the grid environments. */
export const GRID_OBS_MODES = ["coords", "onehot", "pixels"] as const;
export type GridObsMode = (typeof GRID_OBS_MODES)[number];
/** `coords` and `onehot` observations are float32; `pixels` observations are uint8. */
export type GridObs = Float32Array | Uint8Array;

/** Pixel-observation channels (channels-last), without and with the key-door mechanics. */
export const GRID_PIXEL_CHANNELS = ["agent", "wall", "hazard"] as const;
export const KEY_DOOR_PIXEL_CHANNELS = ["agent", "wall", "hazard", "key", "door"] as const;

/** Pixel observations aim for images no larger than this many pixels on their longer side. */
export const PIXEL_OBS_TARGET = 64;

export interface GridObsOptions {
  mode: GridObsMode;
  /** Whether the state carries `hasKey` (KeyDoor). */
  withKey: boolean;
  /** Pixels per cell in `pixels` mode (default: the largest integer keeping the image within 64 px). */
  pixelScale?: number;
  /** Who is asking, for error messages. */
  owner?: string;
}

/**
 * Turns a grid true state `[row, col(, hasKey)]` into an observation:
 * - `coords`: float32 `[row, col(, hasKey)]`;
 * - `onehot`: float32 of `rows * cols` (+1 for `hasKey`), 1 at `row * cols + col`;
 * - `pixels`: uint8 `[rows * s, cols * s, C]` channels-last, 255 where a channel is on, with `s` =
 *   `pixelScale` pixels per cell and the channels of `GRID_PIXEL_CHANNELS` / `KEY_DOOR_PIXEL_CHANNELS`.
 *   The key channel is cleared once the key is held. The goal is not drawn (it is given as `goalObs`).
 * Every call returns a fresh array: callers may keep observations.
 */
export class GridObsEncoder {
  readonly mode: GridObsMode;
  readonly space: Box<"float32"> | Box<"uint8">;
  readonly pixelScale: number;
  readonly channels: readonly string[];
  private readonly rows: number;
  private readonly cols: number;
  private readonly withKey: boolean;
  private readonly modeCode: number;
  /** The static pixel layers (walls, hazards, key, door) that every pixel observation starts from. */
  private readonly pixelBase: Uint8Array | null = null;
  private readonly keyCell: readonly [number, number] | null;

  constructor(map: GridMap, opts: GridObsOptions) {
    const owner = opts.owner ?? "GridObsEncoder";
    if (!(GRID_OBS_MODES as readonly string[]).includes(opts.mode)) {
      throw new EnvironmentError(
        `${owner}: obsMode must be one of ${GRID_OBS_MODES.join(", ")} (got ${JSON.stringify(opts.mode)})`,
      );
    }
    this.mode = opts.mode;
    this.rows = map.rows;
    this.cols = map.cols;
    this.withKey = opts.withKey;
    this.modeCode = GRID_OBS_MODES.indexOf(opts.mode);
    this.keyCell = opts.withKey ? map.key : null;
    this.channels = opts.withKey ? KEY_DOOR_PIXEL_CHANNELS : GRID_PIXEL_CHANNELS;
    const scale = opts.pixelScale ?? Math.max(1, Math.floor(PIXEL_OBS_TARGET / Math.max(map.rows, map.cols)));
    if (!Number.isInteger(scale) || scale < 1) {
      throw new EnvironmentError(
        `${owner}: pixelScale must be a positive integer (got ${String(opts.pixelScale)})`,
      );
    }
    this.pixelScale = scale;
    const extra = opts.withKey ? 1 : 0;
    if (this.mode === "coords") {
      const high = [map.rows - 1, map.cols - 1];
      if (opts.withKey) high.push(1);
      this.space = new Box({ low: 0, high, dtype: "float32" });
    } else if (this.mode === "onehot") {
      this.space = new Box({ low: 0, high: 1, shape: [map.rows * map.cols + extra], dtype: "float32" });
    } else {
      const shape = [map.rows * scale, map.cols * scale, this.channels.length];
      this.space = new Box({ low: 0, high: 255, shape, dtype: "uint8" });
      this.pixelBase = this.buildPixelBase(map);
    }
  }

  /** The observation at `[row, col]` with `hasKey` (0/1; ignored without the key mechanics). */
  encode(row: number, col: number, hasKey: number): GridObs {
    switch (this.modeCode) {
      case 0: {
        const out = new Float32Array(this.withKey ? 3 : 2);
        out[0] = row;
        out[1] = col;
        if (this.withKey) out[2] = hasKey;
        return out;
      }
      case 1: {
        const n = this.rows * this.cols;
        const out = new Float32Array(this.withKey ? n + 1 : n);
        out[row * this.cols + col] = 1;
        if (this.withKey) out[n] = hasKey;
        return out;
      }
      default: {
        const out = (this.pixelBase as Uint8Array).slice();
        this.paintCell(out, row, col, 0, 255);
        if (hasKey === 1 && this.keyCell !== null)
          this.paintCell(out, this.keyCell[0], this.keyCell[1], 3, 0);
        return out;
      }
    }
  }

  private buildPixelBase(map: GridMap): Uint8Array {
    const s = this.pixelScale;
    const base = new Uint8Array(map.rows * s * map.cols * s * this.channels.length);
    const channelOf: Record<number, number> = { [CELL.wall]: 1, [CELL.hazard]: 2 };
    if (this.withKey) {
      channelOf[CELL.key] = 3;
      channelOf[CELL.door] = 4;
    }
    for (let r = 0; r < map.rows; r++) {
      for (let c = 0; c < map.cols; c++) {
        const ch = channelOf[map.cells[r * map.cols + c] as number];
        if (ch !== undefined) this.paintCell(base, r, c, ch, 255);
      }
    }
    return base;
  }

  /** Sets channel `ch` of every pixel of cell (row, col) to `value`. */
  private paintCell(img: Uint8Array, row: number, col: number, ch: number, value: number): void {
    const s = this.pixelScale;
    const nc = this.channels.length;
    const width = this.cols * s;
    for (let y = row * s; y < (row + 1) * s; y++) {
      let i = (y * width + col * s) * nc + ch;
      for (let x = 0; x < s; x++, i += nc) img[i] = value;
    }
  }
}
