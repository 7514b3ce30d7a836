import type { PLDMGeometry } from "./pldmGeometry.ts";

/**
 * PLDM's pixel observation, channels-last: an `imgSize` x `imgSize` x 2 uint8 image (index
 * `(row * imgSize + col) * 2 + channel`). PLDM returns the same content channels-first (2 x H x W); our
 * tensors are NHWC. Pixel (row i, column j) sits at the continuous position x = j, y = i (PLDM's "xy"
 * meshgrid), so a position (x, y) is at the centre of pixel (round(y), round(x)).
 *
 * - channel 0, the agent: 255 * exp(-d^2 / (2 * 1.3^2)), d the distance from the pixel to the agent,
 *   clamped to [0, 255] then truncated to an integer (NumPy's uint8 cast);
 * - channel 1, the walls: 255 on the border rows and columns (full length) and on the middle-wall columns
 *   outside the door rows (full height, also outside the borders, as PLDM draws them); 0 elsewhere.
 */
export const PLDM_DOT_STD = 1.3;

/** The wall channel as an imgSize x imgSize mask (row-major, 255 on walls). */
export function pldmWallMask(g: PLDMGeometry): Uint8Array {
  const n = g.imgSize;
  const mask = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const border = i === g.borderLo || i === g.borderHi || j === g.borderLo || j === g.borderHi;
      const middle = j >= g.wallLo && j <= g.wallHi && (i < g.doorLo || i > g.doorHi);
      if (border || middle) mask[i * n + j] = 255;
    }
  }
  return mask;
}

/**
 * Beyond this distance (px) the dot's value 255 * exp(-d^2 / (2 * 1.3^2)) is below 1 and truncates to 0,
 * so only a window around the agent needs computing (the image is exactly the same as a full pass).
 */
const DOT_REACH = Math.ceil(Math.sqrt(2 * PLDM_DOT_STD * PLDM_DOT_STD * Math.log(255)));

/** Writes the agent dot at (x, y) into channel 0 of `out` (channels-last, 2 channels; channel 0 all zero). */
export function drawPLDMDot(g: PLDMGeometry, x: number, y: number, out: Uint8Array): void {
  const n = g.imgSize;
  const inv = 1 / (2 * PLDM_DOT_STD * PLDM_DOT_STD);
  const i0 = Math.max(0, Math.floor(y) - DOT_REACH);
  const i1 = Math.min(n - 1, Math.ceil(y) + DOT_REACH);
  const j0 = Math.max(0, Math.floor(x) - DOT_REACH);
  const j1 = Math.min(n - 1, Math.ceil(x) + DOT_REACH);
  for (let i = i0; i <= i1; i++) {
    const dy2 = (i - y) * (i - y);
    for (let j = j0; j <= j1; j++) {
      const v = 255 * Math.exp(-((j - x) * (j - x) + dy2) * inv);
      out[(i * n + j) * 2] = Math.trunc(Math.min(255, Math.max(0, v)));
    }
  }
}

/** The full observation (dot + walls) at (x, y); `wallMask` from `pldmWallMask` (computed once per env). */
export function renderPLDMObs(g: PLDMGeometry, x: number, y: number, wallMask: Uint8Array): Uint8Array {
  const n = g.imgSize;
  const out = new Uint8Array(n * n * 2);
  drawPLDMDot(g, x, y, out);
  for (let k = 0; k < n * n; k++) out[2 * k + 1] = wallMask[k] as number;
  return out;
}
