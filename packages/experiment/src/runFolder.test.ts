import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeJsonAtomic } from "./atomicWrite.ts";
import { RunFolder } from "./runFolder.ts";

describe("RunFolder", () => {
  const root = mkdtempSync(join(tmpdir(), "hjepa-runs-"));

  it("creates runs/<date>-<name>-<hash>/ with config, manifest, metrics and checkpoints", () => {
    const now = new Date("2026-11-26T10:00:00Z");
    const run = RunFolder.create({
      name: "Two Rooms",
      config: { a: 1 },
      root,
      backend: "cpu",
      seeds: { train: 1 },
      now,
    });
    expect(run.dir).toMatch(/2026-11-26-two-rooms-[0-9a-f]{7}$/);
    expect(existsSync(run.checkpointsDir)).toBe(true);
    expect(run.config()).toEqual({ a: 1 });
    const m = JSON.parse(readFileSync(join(run.dir, "manifest.json"), "utf8"));
    expect(m).toMatchObject({
      name: "Two Rooms",
      backend: "cpu",
      seeds: { train: 1 },
      status: "running",
      node: process.version,
    });
    expect(m.lockfileSha256).toMatch(/^[0-9a-f]{64}$/);
    const again = RunFolder.create({ name: "Two Rooms", config: { a: 1 }, root, now });
    expect(again.dir).toBe(`${run.dir}-2`);
  });

  it("appends metrics, skips a torn last line, truncates on resume, finishes the manifest", () => {
    const run = RunFolder.create({ name: "m", config: {}, root });
    run.logMetrics({ step: 1, loss: 2 });
    run.logMetrics({ step: 2, loss: 1 });
    expect(run.metrics()).toHaveLength(2);
    run.truncateMetrics((r) => (r.step as number) <= 1);
    expect(run.metrics()).toEqual([{ step: 1, loss: 2 }]);
    run.finish("finished", "done");
    const reopened = RunFolder.open(run.dir);
    expect(reopened.manifest.status).toBe("finished");
    expect(reopened.manifest.endedAt).not.toBeNull();
    expect(() => RunFolder.open(root)).toThrow(/not a run folder \(missing config.json\)/);
  });

  it("writes atomically without leaving temp files", () => {
    const dir = mkdtempSync(join(tmpdir(), "hjepa-atomic-"));
    writeJsonAtomic(join(dir, "x.json"), { ok: true });
    expect(readdirSync(dir)).toEqual(["x.json"]);
  });
});
