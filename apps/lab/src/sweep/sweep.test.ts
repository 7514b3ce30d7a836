/**
 * A toy sweep on the local pool, end to end: every cell runs once, sweep.json, sweep.md and a plot per metric
 * are written, and running it again after an interruption (a job folder lost, a job's temp folder half-written
 * by a killed worker) runs only the unfinished job and writes the same numbers.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalJobRunner } from "../jobs/local.ts";
import type { JobEvent } from "../jobs/runner.ts";
import { parseGrid } from "./grid.ts";
import { runSweep } from "./runSweep.ts";
import { TOY_KINDS, toySweep } from "./toyTarget.ts";

const tmp = mkdtempSync(join(tmpdir(), "hjepa-sweep-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("a sweep on the local pool", () => {
  it("runs every cell once, writes its files, and resumes without running finished jobs", async () => {
    const log = join(tmp, "runs.log");
    writeFileSync(log, "");
    const out = join(tmp, "out");
    const plan = () => toySweep({ grid: parseGrid(["a=1,2", "b=10,20"]), seeds: [1, 2], log, ms: 0 });
    const sweep = (events: JobEvent["type"][] = []) => {
      const runner = new LocalJobRunner({ root: join(out, "jobs"), workers: 2, kinds: TOY_KINDS });
      runner.onEvent((e) => events.push(e.type));
      return runSweep(plan(), out, { runner, runnerLabel: "local", command: ["test"] });
    };
    const runs = () =>
      readFileSync(log, "utf8")
        .split("\n")
        .filter((l) => l !== "");

    const first = await sweep();
    expect(runs()).toHaveLength(8);
    expect(first.file.cells.map((c) => c.seed)).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    expect(first.file.results.map((r) => [r.label, r.n])).toEqual([
      ["a=1 b=10", 2],
      ["a=1 b=20", 2],
      ["a=2 b=10", 2],
      ["a=2 b=20", 2],
    ]);
    // The score is the sum of the setting's values plus seeded noise: its mean is near it.
    expect(first.file.results[3]?.metrics.score?.mean).toBeCloseTo(22, 0);
    for (const f of ["sweep.json", "sweep.md", "sweep-score.svg", "sweep-loss.svg"])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")).results).toEqual(first.file.results);
    expect(readFileSync(join(out, "sweep.md"), "utf8")).toContain("| a=2 b=20 |");

    // An interruption: one job's folder gone, and a killed worker's half-written temp folder of it.
    const lost = plan().settings[1]?.key as string;
    const cellJob = first.file.cells.findIndex((c) => c.setting === lost);
    const ids = runs().map((l) => l.split(" ")[2] as string);
    const id = ids.sort()[cellJob] as string;
    rmSync(join(out, "jobs", id), { recursive: true });
    mkdirSync(join(out, "jobs", `.${id}.999999999-0.tmp`));
    const events: JobEvent["type"][] = [];
    const second = await sweep(events);
    expect(events.filter((t) => t === "skipped")).toHaveLength(7);
    expect(events.filter((t) => t === "finished")).toHaveLength(1);
    expect(runs()).toHaveLength(9);
    expect(existsSync(join(out, "jobs", `.${id}.999999999-0.tmp`))).toBe(false);
    expect(second.file.cells).toEqual(first.file.cells);
    expect(second.file.results).toEqual(first.file.results);
  }, 60_000);
});
