import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointError, FileSystemError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { z } from "zod";
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
    expect(() => RunFolder.open(root)).toThrow(CheckpointError);
    expect(() => RunFolder.open(root)).toThrow(/not a run folder \(missing config.json\)/);
  });

  it("open refuses a manifest.json or config.json that is not JSON or lacks fields, naming the file", () => {
    const run = RunFolder.create({ name: "bad", config: { a: 1 }, root });
    const manifestFile = join(run.dir, "manifest.json");
    const good = readFileSync(manifestFile, "utf8");
    const refused = (pattern: RegExp) => {
      expect(() => RunFolder.open(run.dir)).toThrow(CheckpointError);
      expect(() => RunFolder.open(run.dir)).toThrow(pattern);
    };
    writeFileSync(manifestFile, '{\n  "status": x\n}');
    refused(
      /manifest\.json: not valid JSON \(Unexpected token 'x', "\{; "status": x; \}" is not valid JSON\); expected the run manifest$/,
    );
    writeFileSync(manifestFile, "{}");
    refused(/manifest\.json: name expected string, received undefined \(got missing\)/);
    writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(good), status: "done" }));
    refused(
      /manifest\.json: status Invalid option: expected one of "running"\|"finished"\|"interrupted"\|"failed" \(got "done"\)/,
    );
    writeFileSync(manifestFile, good);
    writeFileSync(join(run.dir, "config.json"), "{ truncated");
    refused(/config\.json: not valid JSON \(.*\); expected the resolved config of the run$/);
    expect(() => RunFolder.open(join(root, "no-such-run"))).toThrow(/no-such-run: not a run folder/);
  });

  it("validConfig names config.json's field when the config does not fit the schema", () => {
    const run = RunFolder.create({ name: "schema", config: { steps: 0 }, root });
    const reopened = RunFolder.open(run.dir);
    expect(reopened.validConfig(z.object({ steps: z.number().int().min(0) }))).toEqual({ steps: 0 });
    expect(() => reopened.validConfig(z.object({ steps: z.number().positive() }))).toThrow(CheckpointError);
    expect(() => reopened.validConfig(z.object({ steps: z.number().positive() }))).toThrow(
      `${run.dir}/config.json: steps Too small: expected number to be >0 (got 0)`,
    );
  });

  it("create under a regular file is a FileSystemError naming the folder, and leaves nothing behind", () => {
    const file = join(root, "plain-file");
    writeFileSync(file, "x");
    const out = join(file, "run");
    expect(() => RunFolder.create({ name: "x", config: {}, out })).toThrow(FileSystemError);
    expect(() => RunFolder.create({ name: "x", config: {}, out })).toThrow(
      `${out}: cannot create the run folder (a part of the path is a file, not a folder, ENOTDIR)`,
    );
    expect(readFileSync(file, "utf8")).toBe("x");
  });

  it("a folder where metrics.jsonl should be is a FileSystemError naming it", () => {
    const run = RunFolder.create({ name: "m", config: {}, root });
    const metrics = join(run.dir, "metrics.jsonl");
    rmSync(metrics);
    mkdirSync(metrics);
    expect(() => run.logMetrics({ step: 1 })).toThrow(FileSystemError);
    expect(() => run.logMetrics({ step: 1 })).toThrow(
      `${metrics}: cannot append to the metrics (is a folder; expected a file, EISDIR)`,
    );
  });

  it("writes atomically without leaving temp files", () => {
    const dir = mkdtempSync(join(tmpdir(), "hjepa-atomic-"));
    writeJsonAtomic(join(dir, "x.json"), { ok: true });
    expect(readdirSync(dir)).toEqual(["x.json"]);
  });
});
