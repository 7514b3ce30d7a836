import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataError, FileSystemError } from "@hjepa/errors";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { collectFromEnv } from "./collect.ts";
import type { Dataset } from "./dataset.ts";
import { openDataset } from "./openDataset.ts";
import { GridEnv, PointEnv } from "./testEnv.ts";

const dir = mkdtempSync(join(tmpdir(), "hjepa-dataset-"));
let grid: Dataset;
let pixels: Dataset;

beforeAll(async () => {
  // Grid episodes end early on reaching the goal, so their lengths vary.
  await collectFromEnv(new GridEnv(), {
    episodes: 40,
    steps: 12,
    policy: "momentum",
    seed: 2,
    out: join(dir, "grid.arrow"),
    batchSize: 50,
  });
  await collectFromEnv(new PointEnv({ pixels: 16 }), {
    episodes: 4,
    steps: 10,
    policy: "uniform",
    seed: 1,
    out: join(dir, "pix.arrow"),
  });
  grid = openDataset(join(dir, "grid.arrow"));
  pixels = openDataset(join(dir, "pix.arrow"));
});

describe("Dataset.sampleSubTrajectories", () => {
  it("returns windows that never cross an episode boundary", () => {
    const L = 5;
    const n = 2000;
    const s = grid.sampleSubTrajectories(n, L, new Rng(0));
    expect(s.states.length).toBe(n * L * 2);
    expect(s.actions.length).toBe(n * (L - 1));
    let bad = 0;
    for (let b = 0; b < n; b++) {
      const e = s.episodeIndex[b] as number;
      const t0 = s.startStep[b] as number;
      if (t0 + L > (grid.episodeLengths[e] as number)) bad++;
      const f = (grid.episodeStarts[e] as number) + t0;
      for (let i = 0; i < L * 2; i++) if (s.states[b * L * 2 + i] !== grid.states[f * 2 + i]) bad++;
      // No last-frame action (-1) inside a window, and consecutive grid states differ by at most one move.
      for (let i = 0; i < L - 1; i++) if ((s.actions[b * (L - 1) + i] as number) < 0) bad++;
      for (let i = 1; i < L; i++) {
        const o = b * L * 2 + i * 2;
        const dr = Math.abs((s.states[o] as number) - (s.states[o - 2] as number));
        const dc = Math.abs((s.states[o + 1] as number) - (s.states[o - 1] as number));
        if (dr + dc > 1) bad++;
      }
    }
    expect(bad).toBe(0);
    // Episodes of unequal length exist, so boundaries were actually there to cross.
    expect(new Set(grid.episodeLengths).size).toBeGreaterThan(1);
  });

  it("samples only from the requested episode range", () => {
    const s = grid.sampleSubTrajectories(500, 3, new Rng(4), { episodes: [30, 40] });
    expect(Math.min(...s.episodeIndex)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...s.episodeIndex)).toBeLessThan(40);
    expect(new Set(s.episodeIndex).size).toBeGreaterThan(5);
    expect(() => grid.sampleSubTrajectories(1, 3, new Rng(0), { episodes: [5, 5] })).toThrow(
      /episodes must be a range/,
    );
  });

  it("samples every valid window about equally often", () => {
    const L = 3;
    const total = grid.windowCount(L);
    let expected = 0;
    for (const len of grid.episodeLengths) expected += Math.max(0, len - L + 1);
    expect(total).toBe(expected);
    const n = total * 200;
    const s = grid.sampleSubTrajectories(n, L, new Rng(9));
    const counts = new Map<string, number>();
    for (let b = 0; b < n; b++) {
      const key = `${s.episodeIndex[b]}:${s.startStep[b]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(total);
    // Binomial(n, 1/total): mean 200, std ~14; 6 std either side.
    for (const c of counts.values()) expect(Math.abs(c - 200)).toBeLessThan(85);
  });

  it("renders observations from states into one buffer when they were not stored", () => {
    const env = new PointEnv({ pixels: 16 });
    expect(pixels.obs).toBeNull();
    const plain = pixels.sampleSubTrajectories(8, 4, new Rng(5));
    expect(plain.obs).toBeUndefined();
    const s = pixels.sampleSubTrajectories(8, 4, new Rng(5), { render: (state) => env.observe(state) });
    expect(s.states).toEqual(plain.states);
    expect(s.obs).toBeInstanceOf(Uint8Array);
    expect(s.obs?.length).toBe(8 * 4 * 256);
    for (let i = 0; i < 32; i++) {
      const want = env.observe([s.states[2 * i] as number, s.states[2 * i + 1] as number]);
      expect(s.obs?.subarray(i * 256, (i + 1) * 256)).toEqual(want);
    }
  });

  it("copies stored observations with the window", () => {
    const s = grid.sampleSubTrajectories(10, 3, new Rng(1));
    // The grid env observes its state.
    expect(s.obs).toEqual(s.states);
  });

  it("rejects a window longer than every episode", () => {
    expect(() => grid.sampleSubTrajectories(1, 99, new Rng(0))).toThrow(DataError);
    expect(() => grid.sampleSubTrajectories(1, 99, new Rng(0))).toThrow(
      /no episode has 99 frames \(the longest has 13\)/,
    );
  });
});

/** `openDataset(path)` throws a one-line DataError naming `path`. */
function refused(path: string): Error {
  let error: Error | null = null;
  try {
    openDataset(path);
  } catch (e) {
    error = e as Error;
  }
  expect(error).toBeInstanceOf(DataError);
  expect(error?.message.startsWith(`${path}: `)).toBe(true);
  expect(error?.message).not.toContain("\n");
  return error as Error;
}

describe("openDataset errors", () => {
  it("names the file for a truncated, corrupted, foreign or missing file", () => {
    const bytes = readFileSync(join(dir, "grid.arrow"));
    const cut = join(dir, "cut.arrow");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    refused(cut);
    expect(() => openDataset(cut)).toThrow(
      `${cut}: not a complete Arrow IPC file (expected the magic ARROW1 at the start and at the end; the file is ${bytes.length - 100} bytes, so it looks truncated)`,
    );

    const text = join(dir, "text.arrow");
    writeFileSync(text, "episode,step\n0,0\n");
    expect(refused(text).message).toMatch(/not a complete Arrow IPC file/);

    // Garbage in the footer (just before its length and the closing magic).
    const bad = Buffer.from(bytes);
    bad.fill(0x7f, bad.length - 200, bad.length - 10);
    const badPath = join(dir, "bad.arrow");
    writeFileSync(badPath, bad);
    refused(badPath);

    // Garbage inside a record batch's values: valid Arrow, caught by the checksum.
    const flipped = Buffer.from(bytes);
    flipped.fill(0x7f, 1000, 1100);
    const flippedPath = join(dir, "flipped.arrow");
    writeFileSync(flippedPath, flipped);
    refused(flippedPath);
    expect(() => openDataset(flippedPath)).toThrow(
      /flipped.arrow: corrupted data \(CRC-32 of the first \d+ bytes is \d+, the metadata expects \d+\)/,
    );

    const foreign = join(dir, "foreign.arrow");
    writeFileSync(foreign, tableToIPC(tableFromArrays({ x: Float32Array.of(1, 2) }), "file"));
    expect(() => openDataset(foreign)).toThrow(
      `${foreign}: no 'hjepa' schema metadata; expected a dataset written by collect`,
    );

    refused(foreign);

    expect(() => openDataset(join(dir, "none.arrow"))).toThrow(FileSystemError);
    expect(() => openDataset(join(dir, "none.arrow"))).toThrow(
      /none.arrow: cannot read the dataset \(no such file or folder, ENOENT\)/,
    );
    expect(() => openDataset(dir)).toThrow(FileSystemError);
  });
});
