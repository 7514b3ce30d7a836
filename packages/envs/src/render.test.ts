import type { RgbFrame } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { parseMap } from "./map.ts";
import {
  createImage,
  drawLine,
  drawMapCells,
  fillDisc,
  fillRect,
  MAX_PICTURE_PX,
  mapToAnsi,
  PALETTE,
  pictureCellPx,
  type Rgb,
  setPixel,
} from "./render.ts";

const pixel = (img: RgbFrame, x: number, y: number) =>
  Array.from(img.data.slice(3 * (y * img.width + x), 3 * (y * img.width + x) + 3));
const count = (img: RgbFrame, color: Rgb) => {
  let n = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    if (img.data[3 * i] === color[0] && img.data[3 * i + 1] === color[1] && img.data[3 * i + 2] === color[2])
      n++;
  }
  return n;
};
const RED: Rgb = [255, 0, 0];

describe("raster helpers", () => {
  it("creates a height x width x 3 image filled with one colour", () => {
    const img = createImage(4, 3);
    expect([img.width, img.height, img.data.length]).toEqual([4, 3, 36]);
    expect(count(img, PALETTE.free)).toBe(12);
    expect(count(createImage(2, 2, RED), RED)).toBe(4);
  });

  it("sets single pixels row-major and ignores pixels outside the image", () => {
    const img = createImage(4, 3);
    setPixel(img, 3, 1, RED);
    setPixel(img, 4, 1, RED);
    setPixel(img, -1, 0, RED);
    expect(count(img, RED)).toBe(1);
    expect(Array.from(img.data.slice(3 * (1 * 4 + 3), 3 * (1 * 4 + 3) + 3))).toEqual([255, 0, 0]);
  });

  it("fills [x0, x1) x [y0, y1) rectangles, clipped to the image", () => {
    const img = createImage(10, 10);
    fillRect(img, 2, 3, 5, 4, RED);
    expect(count(img, RED)).toBe(3);
    expect([pixel(img, 2, 3), pixel(img, 4, 3), pixel(img, 5, 3)]).toEqual([
      [255, 0, 0],
      [255, 0, 0],
      [...PALETTE.free],
    ]);
    fillRect(img, -5, 8, 3, 20, RED);
    expect(count(img, RED)).toBe(3 + 3 * 2);
  });

  it("fills discs with about pi r^2 pixels, centred where asked", () => {
    const img = createImage(40, 40);
    fillDisc(img, 20, 20, 8, RED);
    expect(Math.abs(count(img, RED) - Math.PI * 64)).toBeLessThan(10);
    expect([pixel(img, 20, 20), pixel(img, 27, 20), pixel(img, 29, 20), pixel(img, 20, 12)]).toEqual([
      [255, 0, 0],
      [255, 0, 0],
      [...PALETTE.free],
      [255, 0, 0],
    ]);
  });

  it("draws thick lines through both end points and nowhere far from the segment", () => {
    const img = createImage(30, 30);
    drawLine(img, 2, 2, 27, 2, RED, 2);
    expect([pixel(img, 2, 2), pixel(img, 15, 2), pixel(img, 26, 2), pixel(img, 15, 6)]).toEqual([
      [255, 0, 0],
      [255, 0, 0],
      [255, 0, 0],
      [...PALETTE.free],
    ]);
    expect(count(img, RED)).toBeGreaterThan(25 * 2 - 5);
    expect(count(img, RED)).toBeLessThan(27 * 3);
  });
});

describe("map pictures and text", () => {
  const map = parseMap("#K\nDH\n.S");

  it("draws each cell as a cellPx block in its palette colour", () => {
    const img = drawMapCells(map, 4);
    expect([img.width, img.height]).toEqual([8, 12]);
    const at = (r: number, c: number) => pixel(img, c * 4 + 2, r * 4 + 2);
    expect([at(0, 0), at(0, 1), at(1, 0), at(1, 1), at(2, 0), at(2, 1)]).toEqual(
      [PALETTE.wall, PALETTE.key, PALETTE.door, PALETTE.hazard, PALETTE.free, PALETTE.free].map((c) => [
        ...c,
      ]),
    );
    expect(count(img, PALETTE.wall)).toBe(16);
    const open = drawMapCells(map, 4, { keyTaken: true, doorOpen: true });
    expect([pixel(open, 6, 2), pixel(open, 2, 6)]).toEqual([[...PALETTE.free], [...PALETTE.doorOpen]]);
  });

  it("writes the map as text with marks on top, ignoring marks off the map", () => {
    expect(mapToAnsi(map)).toBe("#K\nDH\n..\n");
    expect(
      mapToAnsi(map, [
        { cell: [2, 0], char: "A" },
        { cell: [0, 1], char: "." },
        { cell: [5, 0], char: "X" },
        { cell: [0, 9], char: "X" },
      ]),
    ).toBe("#.\nDH\nA.\n");
  });
});

describe("pictureCellPx", () => {
  it("keeps the preferred size on small maps and fits a huge map within MAX_PICTURE_PX", () => {
    expect(pictureCellPx(7, 13, 16)).toBe(16);
    expect(pictureCellPx(2000, 2000, 16)).toBe(2);
    expect(2000 * pictureCellPx(2000, 2000, 16)).toBeLessThanOrEqual(MAX_PICTURE_PX);
    expect(pictureCellPx(100_000, 3, 16)).toBe(1);
  });
});
