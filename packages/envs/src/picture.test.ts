import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileSystemError } from "@hjepa/errors";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { GridEnv } from "./data/testEnv.ts";
import { drawTrajectoryPicture, savePng } from "./picture.ts";
import { PALETTE } from "./render.ts";

const pixel = (img: { width: number; data: Uint8Array }, x: number, y: number) =>
  Array.from(img.data.subarray(3 * (y * img.width + x), 3 * (y * img.width + x) + 3));

describe("drawTrajectoryPicture", () => {
  it("draws the path and the markers at stateToPixel, scaled", () => {
    const env = new GridEnv();
    const map = env.renderMap();
    const before = Uint8Array.from(map.data);
    const img = drawTrajectoryPicture(env, {
      trajectory: [
        [1, 1],
        [1, 2],
        [1, 3],
        [1, 4],
      ],
      goal: [5, 5],
      subgoals: [[1, 3]],
      scale: 3,
    });
    expect([img.width, img.height]).toEqual([map.width * 3, map.height * 3]);
    // stateToPixel([r, c]) = ((c + 0.5) * 4, (r + 0.5) * 4), times the scale.
    const at = (r: number, c: number) => pixel(img, Math.floor((c + 0.5) * 12), Math.floor((r + 0.5) * 12));
    expect(at(1, 1)).toEqual([...PALETTE.start]);
    expect(at(5, 5)).toEqual([...PALETTE.goal]);
    expect(at(1, 3)).toEqual([...PALETTE.subgoal]);
    expect(at(1, 2)).toEqual([...PALETTE.trajectory]);
    expect(at(3, 1)).toEqual([...PALETTE.free]);
    expect(pixel(img, 0, 0)).toEqual([...PALETTE.wall]);
    expect(env.renderMap().data).toEqual(before);
  });
});

describe("savePng", () => {
  it("writes a PNG that decodes back to the same pixels, atomically", () => {
    const dir = tmp();
    const img = drawTrajectoryPicture(new GridEnv(), {
      trajectory: [
        [1, 1],
        [5, 5],
      ],
      scale: 2,
    });
    const path = join(dir, "pics", "t.png");
    savePng(path, img);
    expect(readdirSync(join(dir, "pics"))).toEqual(["t.png"]);
    const png = PNG.sync.read(readFileSync(path));
    expect([png.width, png.height]).toEqual([img.width, img.height]);
    const rgb = new Uint8Array(img.width * img.height * 3);
    for (let i = 0; i < img.width * img.height; i++) {
      rgb.set(png.data.subarray(4 * i, 4 * i + 3), 3 * i);
      expect(png.data[4 * i + 3]).toBe(255);
    }
    expect(rgb).toEqual(img.data);
  });

  it("rejects a frame whose data does not match its size", () => {
    expect(() => savePng(join(tmp(), "x.png"), { width: 2, height: 2, data: new Uint8Array(5) })).toThrow(
      "encodePng: frame data has 5 bytes, expected 2 x 2 x 3 = 12",
    );
  });

  it("a path under a regular file or a folder as the target is a FileSystemError naming the path", () => {
    const dir = tmp();
    const img = { width: 1, height: 1, data: new Uint8Array(3) };
    writeFileSync(join(dir, "file"), "x");
    expect(() => savePng(join(dir, "file", "t.png"), img)).toThrow(FileSystemError);
    expect(() => savePng(join(dir, "file", "t.png"), img)).toThrow(
      `${join(dir, "file", "t.png")}: cannot write the picture (a part of the path is a file, not a folder, ENOTDIR)`,
    );
    mkdirSync(join(dir, "t.png"));
    expect(() => savePng(join(dir, "t.png"), img)).toThrow(
      /t\.png: cannot write the picture \(is a folder.*EISDIR\)/,
    );
    expect(readdirSync(dir).sort()).toEqual(["file", "t.png"]);
  });
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "hjepa-picture-"));
}
