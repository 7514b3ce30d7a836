/**
 * `hjepa reproduce` as a user runs it, on a toy comparison (one training seed, a 2-level arm and a flat arm, 2
 * far tasks), on the training run it made and on an evaluation of that run: each is run again into a new folder
 * and matches bit for bit on wasm (losses, diagnostics, checkpoints and agent parts by sha256; every episode;
 * every row, paired difference and example), times reported beside. A number changed in a result file is
 * reported as that metric differing (exit code 1); bad input is one line and exit code 2.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isHjepaError } from "@hjepa/errors";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { reproduce } from "./reproduce.ts";
import { hjepa, readReport, writeToyExperiment } from "./testFixtures.ts";

const tmp = mkdtempSync(join(tmpdir(), "hjepa-reproduce-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const COMPARISON = {
  name: "toy",
  experiment: "toy.json",
  seeds: [1],
  tasks: "tasks.json",
  bins: ["far"],
  limit: 2,
  computePerStep: 150,
  reference: "2 levels",
  pictures: 1,
  arms: [
    { name: "2 levels", description: "the toy config's agent" },
    { name: "flat", set: { "agent.hierarchy.use": 1 } },
  ],
};

/** The run the comparison trained, relative to `tmp` (comparison.json shows it relative to cmp.json's folder). */
let run = "";

beforeAll(async () => {
  writeToyExperiment(tmp);
  writeFileSync(join(tmp, "cmp.json"), JSON.stringify(COMPARISON, null, 2));
  const compared = await hjepa(tmp, [
    ...["compare", "--config", "cmp.json", "--out", "cmp", "--runs", "runs", "--workers", "1"],
  ]);
  expect(compared.code, compared.stderr).toBe(0);
  run = JSON.parse(readFileSync(join(tmp, "cmp/comparison.json"), "utf8")).runs[0].dir;
  const evaluated = await hjepa(tmp, [
    ...["eval", "--run", run, "--tasks", "tasks.json", "--name", "e"],
    ...["--limit", "3", "--pictures", "1", "--workers", "1"],
  ]);
  expect(evaluated.code, evaluated.stderr).toBe(0);
}, 240_000);

/** `reproduce` in this process (no re-run: `--against`), its printed lines kept quiet. */
async function quietly(opts: { dir: string; against?: string; out?: string }) {
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    return await reproduce({
      dir: join(tmp, opts.dir),
      shown: opts.dir,
      against: opts.against === undefined ? undefined : join(tmp, opts.against),
      out: opts.out === undefined ? undefined : join(tmp, opts.out),
      reuseRuns: false,
    });
  } finally {
    log.mockRestore();
  }
}

describe("hjepa reproduce", () => {
  it("trains a run again from its config.json and reports an exact match, times beside", async () => {
    const r = await hjepa(tmp, ["reproduce", run]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^reproduce: a training run, runs\/toy-levels-s1-\w+ -> .*\.reproduced-1$/m);
    expect(r.stdout).toMatch(/train level 2 final \(step 10\) loss\.total +\S+ +\S+ +exact/);
    expect(r.stdout).toMatch(/reproduce: match: \d+ values compared exactly \(backend wasm, deterministic\)/);
    const report = readReport(join(tmp, `${run}.reproduced-1`));
    expect(report).toMatchObject({ kind: "run", match: true, compared: "exactly" });
    expect(report.counts.differs + report.counts.missing + report.counts.close).toBe(0);
    const row = (name: string) => report.rows.find((x) => x.metric === name);
    expect(row("checkpoints/level-2/step-0000010/weights.bin sha256")).toMatchObject({
      category: "checksum",
      match: "exact",
    });
    expect(row("diagnostics level 1 final (step 10) probeR2")?.match).toBe("exact");
    // Times are reported beside, never compared.
    expect(row("train level 1 final (step 10) elapsed")?.match).toBe("beside");
    expect(row("manifest startedAt")?.match).toBe("beside");
  }, 120_000);

  it("evaluates again with the recorded agent, tasks and pictures and reports an exact match", async () => {
    const r = await hjepa(tmp, ["reproduce", `${run}/eval/e`, "--workers", "1"]);
    expect(r.code, r.stderr).toBe(0);
    const report = readReport(join(tmp, `${run}/eval/e.reproduced-1`));
    expect(report).toMatchObject({ kind: "eval", match: true, compared: "exactly" });
    const quantities = new Set(report.rows.map((x) => x.metric.replace(/^episode \S+ /, "")));
    for (const q of ["success", "pathLength", "trajectory", "firstPlan"]) expect(quantities).toContain(q);
    expect(report.rows.filter((x) => x.metric.endsWith(" success"))).toHaveLength(3);
    expect(report.rows.find((x) => x.metric === "summary all spl")?.match).toBe("exact");
    expect(report.rows.find((x) => x.metric === "summary all msPerDecision")?.match).toBe("beside");
  }, 120_000);

  it("runs a comparison again from comparison.json, its run trained again, and reports an exact match", async () => {
    const r = await hjepa(tmp, ["reproduce", "cmp", "--workers", "1"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/seed 1, run [0-9a-f]{12}: train cmp\.reproduced-1\/runs\/toy-levels-s1-/);
    const report = readReport(join(tmp, "cmp.reproduced-1"));
    expect(report).toMatchObject({ kind: "comparison", match: true, compared: "exactly" });
    const row = (name: string) => report.rows.find((x) => x.metric === name);
    expect(row("flat, far, seed pooled successRate")?.match).toBe("exact");
    expect(row("paired flat vs reference, far difference")?.match).toBe("exact");
    expect(row("run seed 1 checkpoints/level-2 weights sha256")).toMatchObject({
      category: "checksum",
      match: "exact",
    });
    expect(row("flat, far, seed pooled timing.msPerDecision")?.match).toBe("beside");
    expect(row("session seconds")?.match).toBe("beside");
  }, 180_000);

  it("reports a changed number in an evaluation's summary as that metric differing, exit code 1", async () => {
    cpSync(join(tmp, run, "eval/e"), join(tmp, run, "eval/edited"), { recursive: true });
    const file = join(tmp, run, "eval/edited/results.json");
    const results = JSON.parse(readFileSync(file, "utf8"));
    results.summaries.find((s: { bin: string }) => s.bin === "all").meanSteps += 0.5;
    writeFileSync(file, JSON.stringify(results, null, 2));
    const r = await hjepa(tmp, [
      "reproduce",
      `${run}/eval/edited`,
      "--against",
      `${run}/eval/e.reproduced-1`,
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^summary all meanSteps +\S+ +\S+ +DIFFERS \(\|diff\| 0\.500\)$/m);
    expect(r.stdout).toMatch(/reproduce: MISMATCH: 1 of \d+ values differ and 0 are missing/);
    const report = readReport(join(tmp, `${run}/eval/e.reproduced-1`));
    expect(report.rows.filter((x) => x.match === "differs").map((x) => x.metric)).toEqual([
      "summary all meanSteps",
    ]);
  }, 60_000);

  it("reports a changed number in comparison.json, or in a run's metrics.jsonl, as that metric differing", async () => {
    cpSync(join(tmp, "cmp"), join(tmp, "cmp-edited"), { recursive: true });
    const file = join(tmp, "cmp-edited/comparison.json");
    const saved = JSON.parse(readFileSync(file, "utf8"));
    const pooled = (x: { arm: string; bin: string; seed: unknown }) =>
      x.arm === "flat" && x.bin === "far" && x.seed === "pooled";
    saved.results.find(pooled).meanSteps -= 1;
    writeFileSync(file, JSON.stringify(saved, null, 2));
    const r = await hjepa(tmp, ["reproduce", "cmp-edited", "--against", "cmp.reproduced-1"]);
    expect(r.code, r.stderr).toBe(1);
    expect(readReport(join(tmp, "cmp.reproduced-1")).rows.filter((x) => x.match === "differs")).toEqual([
      expect.objectContaining({ metric: "flat, far, seed pooled meanSteps", original: 7, reproduced: 8 }),
    ]);

    cpSync(join(tmp, run), join(tmp, "run-edited"), { recursive: true });
    const metrics = join(tmp, "run-edited/metrics.jsonl");
    const lines = readFileSync(metrics, "utf8").trim().split("\n");
    const i = lines.findLastIndex((l) => l.includes('"kind":"train"') && l.includes('"level":2'));
    const record = JSON.parse(lines[i] as string);
    record.loss.total *= 1.000001;
    lines[i] = JSON.stringify(record);
    writeFileSync(metrics, `${lines.join("\n")}\n`);
    const trained = await quietly({ dir: "run-edited", against: `${run}.reproduced-1` });
    expect(trained.comparison?.match).toBe(false);
    expect(trained.comparison?.rows.filter((x) => x.match === "differs").map((x) => x.name)).toEqual([
      "train level 2 final (step 10) loss.total",
    ]);
  }, 60_000);

  it("refuses bad input with one line and exit code 2, writing nothing", async () => {
    const missing = await hjepa(tmp, ["reproduce", "nowhere"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toEqual([
      "hjepa reproduce: nowhere: no such folder (expected a run folder, an evaluation folder RUN/eval/NAME or a comparison folder)",
    ]);
    const refused = async (opts: { dir: string; against?: string; out?: string }) => {
      const e = await quietly(opts).catch((x: unknown) => x);
      expect(isHjepaError(e), String(e)).toBe(true);
      return (e as Error).message;
    };
    expect(await refused({ dir: "cache" })).toMatch(/^cache: holds no manifest\.json and config\.json/);
    expect(await refused({ dir: run, out: "cmp" })).toMatch(
      /--out .*cmp already exists; expected a new folder/,
    );
    expect(await refused({ dir: run, against: "cmp" })).toMatch(
      /--against .*cmp is a comparison; .* is a training run/,
    );
  }, 60_000);
});
