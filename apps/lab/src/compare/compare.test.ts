/**
 * `hjepa compare` end to end on a toy comparison (a 2-level FourRooms config at toy size, 2 training seeds, a
 * 2-level arm and a flat arm with a budget curve, 2 far tasks): the CLI as a user runs it. It writes a
 * schema-valid comparison.json and the report; run again it reuses everything and writes the same numbers;
 * interrupted (SIGINT) or with a worker killed, it finishes with the same comparison.json as an uninterrupted
 * run, timing aside. Bad input is one line, exit code 2, and nothing written.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isHjepaError } from "@hjepa/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkComparisonFile, renderComparisonFolder } from "./comparisonFile.ts";
import { planComparison } from "./plan.ts";

const repo = resolve(import.meta.dirname, "../../../..");
const bin = join(repo, "apps/lab/bin/hjepa.js");
const tmp = mkdtempSync(join(tmpdir(), "hjepa-compare-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** four-rooms-levels.json at toy size: 12 episodes of 30 steps, 10 training steps per level, 8-step episodes. */
function toyExperiment(): Record<string, unknown> {
  const c = JSON.parse(readFileSync(join(repo, "configs/experiments/four-rooms-levels.json"), "utf8"));
  c.name = "toy-levels";
  c.data = { episodes: 12, steps: 30, policy: "momentum", seed: 0, cacheDir: join(tmp, "cache") };
  c.world.levels[0].train = { steps: 10, batchSize: 8, horizon: 4, warmupSteps: 2, checkpointEvery: 5 };
  c.world.levels[1].train = { steps: 10, batchSize: 8, horizon: 2, warmupSteps: 2, checkpointEvery: 5 };
  c.diagnostics = { every: 10, samples: 32, horizons: [1, 2] };
  Object.assign(c.agent, { horizon: 6, budget: 192, maxSteps: 8 });
  c.agent.landmarks = { samples: 200, radius: 0.5, capacity: 512, transitions: true, window: 8 };
  c.agent.levels[0].horizon = 4;
  return c;
}

const COMPARISON = {
  name: "toy",
  experiment: "toy.json",
  seeds: [1, 2],
  tasks: "tasks.json",
  bins: ["far"],
  limit: 2,
  computePerStep: 150,
  reference: "2 levels",
  pictures: 1,
  arms: [
    { name: "2 levels", description: "the toy config's agent" },
    {
      name: "flat",
      set: { "agent.hierarchy.use": 1 },
      budgets: [
        { label: "96", set: { "agent.budget": 96 } },
        { label: "192", set: { "agent.budget": 192 } },
      ],
    },
  ],
};

function write(name: string, value: unknown): string {
  const file = join(tmp, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `hjepa compare` in `tmp`; `during` gets the child process while it runs. */
function compare(args: string[], during?: (child: ChildProcess) => void): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, "compare", "--workers", "2", ...args], {
      cwd: tmp,
      env: { ...process.env, INIT_CWD: tmp, HJEPA_BACKEND: "wasm" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 170_000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
    during?.(child);
  });
}

const run = (out: string) => ["--config", "cmp.json", "--out", out, "--runs", `runs-${out}`];

/** comparison.json without what may differ between runs: the session, timings, and the runs' folders. */
function numbers(out: string): unknown {
  const file = JSON.parse(readFileSync(join(tmp, out, "comparison.json"), "utf8"));
  const { session: _session, ...rest } = file;
  return {
    ...rest,
    results: rest.results.map(({ timing: _t, ...r }: Record<string, unknown>) => r),
    runs: rest.runs.map(({ dir: _d, ...r }: Record<string, unknown>) => r),
  };
}

async function until(what: () => boolean, ms = 150_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((t) => setTimeout(t, 100));
  }
}

/** Child processes of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

beforeAll(() => {
  write("toy.json", toyExperiment());
  write("cmp.json", COMPARISON);
  writeFileSync(join(tmp, "tasks.json"), readFileSync(join(repo, "configs/tasks/four-rooms.json")));
});

describe("hjepa compare on a toy comparison", () => {
  let first: unknown;

  it("trains both seeds, evaluates every arm and budget, writes a schema-valid comparison.json and report", async () => {
    const r = await compare(run("a"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/seed 1, run [0-9a-f]{12}: train runs-a\/toy-levels-s1-/);
    expect(r.stdout).toMatch(/\| 2 levels +\| - +\| +4 \|/);
    expect(r.stdout).toMatch(/report: a\/index\.html/);
    const file = checkComparisonFile(JSON.parse(readFileSync(join(tmp, "a/comparison.json"), "utf8")), "a");
    // 3 arm-budgets x 1 bin and "all" x 2 seeds and pooled.
    expect(file.results).toHaveLength(3 * 2 * 3);
    expect(file.paired.map((p) => `${p.arm} ${p.budget} ${p.bin}`)).toEqual([
      "flat 96 far",
      "flat 96 all",
      "flat 192 far",
      "flat 192 all",
    ]);
    const pooled = file.results.filter((x) => x.seed === "pooled" && x.bin === "far");
    expect(pooled.map((x) => [x.arm, x.budget, x.episodes, x.computePerStep])).toEqual([
      ["2 levels", null, 4, 192.25],
      ["flat", "96", 4, 96],
      ["flat", "192", 4, 192],
    ]);
    // Measured compute above the matched 150 cost units per env step is flagged, not hidden.
    expect(pooled.map((x) => x.overCompute)).toEqual([true, false, true]);
    expect(readFileSync(join(tmp, "a/comparison.md"), "utf8")).toMatch(/\(over\)/);
    expect(file.examples.map((e) => `${e.arm} ${e.taskId}`)).toEqual(["2 levels far-0", "flat far-0"]);
    const html = readFileSync(join(tmp, "a/index.html"), "utf8");
    expect(html).toContain("<table");
    expect(html).toContain("<svg");
    expect(existsSync(join(tmp, "a/success-vs-compute.svg"))).toBe(true);
    first = numbers("a");
  }, 180_000);

  it("run again, reuses the runs and the finished jobs and writes the same numbers", async () => {
    const r = await compare(run("a"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/seed 2, run [0-9a-f]{12}: reuse runs-a\/toy-levels-s2-/);
    expect(numbers("a")).toEqual(first);
    // hjepa report DIR redraws the same page from comparison.json alone.
    const page = readFileSync(join(tmp, "a/index.html"), "utf8");
    rmSync(join(tmp, "a/index.html"));
    rmSync(join(tmp, "a/success-by-bin.svg"));
    await renderComparisonFolder(join(tmp, "a"));
    expect(readFileSync(join(tmp, "a/index.html"), "utf8")).toBe(page);
    expect(existsSync(join(tmp, "a/success-by-bin.svg"))).toBe(true);
  }, 180_000);

  it("after Ctrl-C, keeps the finished jobs and continues to the same comparison.json", async () => {
    let signalled = false;
    const r = await compare(run("b"), (child) => {
      void until(
        () =>
          existsSync(join(tmp, "b/jobs")) &&
          readdirSync(join(tmp, "b/jobs")).some((n) => n.startsWith("eval-")),
      ).then(() => {
        signalled = child.kill("SIGINT");
      });
    });
    expect(signalled).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted; finished jobs are kept in b\/jobs/);
    expect(existsSync(join(tmp, "b/comparison.json"))).toBe(false);
    const kept = readdirSync(join(tmp, "b/jobs")).filter((n) => n.startsWith("eval-"));
    expect(kept.length).toBeGreaterThan(0);
    const again = await compare(run("b"));
    expect(again.code, again.stderr).toBe(0);
    expect(numbers("b")).toEqual(first);
  }, 300_000);

  it("runs a job again when its worker is killed, to the same comparison.json", async () => {
    let killed = 0;
    const r = await compare(run("c"), (child) => {
      void until(() => childrenOf(child.pid as number).length > 0).then(async () => {
        await new Promise((t) => setTimeout(t, 1500));
        const [worker] = childrenOf(child.pid as number);
        if (worker !== undefined) {
          process.kill(worker, "SIGKILL");
          killed = worker;
        }
      });
    });
    expect(killed).toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/worker \d exited \(SIGKILL\) during the job \(.*\): running it again/);
    expect(numbers("c")).toEqual(first);
  }, 180_000);

  it("refuses bad input with one line naming the file, arm and field, and writes nothing", async () => {
    const bad = (name: string, change: Record<string, unknown>) => {
      const file = write(name, { ...COMPARISON, ...change });
      try {
        planComparison(file, { runsDir: join(tmp, "runs-bad") });
      } catch (e) {
        expect(isHjepaError(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error("expected an InputError");
    };
    expect(
      bad("bad-path.json", { arms: [COMPARISON.arms[0], { name: "flat", set: { "agent.nope": 1 } }] }),
    ).toMatch(
      /bad-path\.json: arms\[1\] "flat" \(toy\.json with its set, seed 1\): agent Unrecognized key: "nope"/,
    );
    const two = join(repo, "configs/tasks/two-rooms.json");
    expect(bad("bad-env.json", { tasks: two })).toMatch(
      /^\S*bad-env\.json: tasks: .*two-rooms\.json.*FourRooms/,
    );
    expect(bad("bad-bin.json", { bins: ["farther"] })).toMatch(
      /bins\[0\] "farther" is not a bin of tasks\.json/,
    );
    expect(bad("bad-exp.json", { experiment: "missing.json" })).toMatch(
      /bad-exp\.json: experiment missing\.json: no such file/,
    );
    const r = await compare(["--config", "bad-path.json", "--out", "bad", "--runs", "runs-bad"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^hjepa compare: .*bad-path\.json: arms\[1\] "flat"/);
    expect(existsSync(join(tmp, "bad"))).toBe(false);
    expect(existsSync(join(tmp, "runs-bad"))).toBe(false);
  }, 120_000);
});
