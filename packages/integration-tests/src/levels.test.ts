import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { treeSha256 } from "@hjepa/experiment";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runHjepa } from "./hjepaBin.ts";

const tmp = mkdtempSync(join(tmpdir(), "hjepa-levels-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hjepa = (args: string[]) => runHjepa(args, { cwd: tmp });

const TOY = [
  "--config",
  join(repoRoot, "configs/experiments/two-rooms.json"),
  ...[
    "data.episodes=40",
    "data.steps=60",
    `data.cacheDir=${join(tmp, "cache")}`,
    "world.levels[0].train.steps=60",
    "world.levels[0].train.batchSize=16",
    "world.levels[0].train.horizon=4",
    "world.levels[0].train.warmupSteps=5",
    "world.levels[0].train.checkpointEvery=30",
    "diagnostics.every=60",
    "diagnostics.samples=32",
    "diagnostics.horizons=[1,2]",
  ].flatMap((s) => ["--set", s]),
];
const LEVEL_2 =
  '{"stride":4,"macroAction":{"type":"learned","dim":4},"train":{"steps":40,"batchSize":16,"horizon":2}}';

const parent = join(tmp, "one-level");

beforeAll(async () => {
  const r = await hjepa(["train", ...TOY, "--out", parent]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe("hierarchical world models from the command line", () => {
  it("adds a level over a finished run in a new run folder, leaving the parent as it was", async () => {
    const before = treeSha256(parent);
    const child = join(tmp, "two-levels");
    const r = await hjepa([
      "train",
      "--add-level",
      "--from",
      parent,
      "--out",
      child,
      "--set",
      `world.levels[1]=${LEVEL_2}`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(treeSha256(parent)).toEqual(before);
    expect(existsSync(join(child, "checkpoints/level-2/latest.json"))).toBe(true);
    const record = JSON.parse(readFileSync(join(child, "parent.json"), "utf8"));
    expect(record.path).toBe(parent);
    expect(record.levels).toBe(1);
    // The level-1 weights are the parent's, byte for byte.
    for (const [rel, digest] of Object.entries(record.files))
      expect(before[`checkpoints/${rel}`]).toBe(digest);
    // The per-level report: level 2 at 1 macro-step (4 env steps) beside level 1 over the same span.
    expect(r.stdout).toMatch(/^\s+2\s+4\s+1\s+4\s/m);
    const inspect = await hjepa(["inspect", child]);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).toMatch(/position probe R\^2 by level: L1 [\d.]+, L2 [\d.]+/);
    // The child is a finished run of its own.
    const again = await hjepa(["train", "--resume", child]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already finished; nothing to do/);
  }, 120_000);

  it("trains both levels of a 2-level config in one command, the same numbers as adding the level", async () => {
    const both = join(tmp, "both");
    const r = await hjepa(["train", ...TOY, "--set", `world.levels[1]=${LEVEL_2}`, "--out", both]);
    expect(r.code, r.stderr).toBe(0);
    // The weights (not state.json, which records wall-clock time) are bit-identical.
    const weights = (dir: string) =>
      Object.fromEntries(Object.entries(treeSha256(dir)).filter(([rel]) => rel.endsWith("weights.bin")));
    const added = weights(join(tmp, "two-levels", "checkpoints", "level-2"));
    expect(Object.keys(added).length).toBeGreaterThan(0);
    expect(weights(join(both, "checkpoints", "level-2"))).toEqual(added);
  }, 120_000);

  it("refuses a config that changes more than the added levels, and one that adds none", async () => {
    const seed = await hjepa([
      "train",
      "--add-level",
      "--from",
      parent,
      "--set",
      "seed=9",
      "--set",
      `world.levels[1]=${LEVEL_2}`,
    ]);
    expect(seed.code).toBe(2);
    expect(seed.stderr.trim().split("\n")).toHaveLength(1);
    expect(seed.stderr).toMatch(/differs from the parent run's beyond the added levels/);
    const none = await hjepa(["train", "--add-level", "--from", parent]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/add world\.levels\[1\]/);
  }, 60_000);
});
