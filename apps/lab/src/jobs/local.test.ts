/**
 * The local job runner with real worker processes (`hjepa job-worker`) running the test job kind: results are
 * stored once and found again, a half-written job is redone, a job's error names the job and stores nothing, a
 * killed worker's job runs again, and stop() kills what runs and keeps what finished.
 */
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
import { join, resolve } from "node:path";
import { InputError } from "@hjepa/errors";
import { afterAll, describe, expect, it } from "vitest";
import { type Job, jobId } from "./job.ts";
import { LocalJobRunner } from "./local.ts";
import { type JobEvent, JobFailedError, JobsStopped, runAll } from "./runner.ts";
import { RESULT_FILE } from "./store.ts";
import type { TestJobSpec } from "./testJob.ts";

const tmp = mkdtempSync(join(tmpdir(), "hjepa-jobs-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const KINDS = { eval: resolve(import.meta.dirname, "testJob.ts") };

function setup(name: string) {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const log = join(dir, "runs.log");
  writeFileSync(log, "");
  const job = (value: number, extra: Partial<TestJobSpec> = {}): Job<TestJobSpec> => ({
    kind: "eval",
    id: jobId("eval", { value, ...extra }),
    spec: { value, log, ...extra },
    title: `double ${value}`,
  });
  const runner = (workers = 2) => new LocalJobRunner({ root: join(dir, "jobs"), workers, kinds: KINDS });
  const runs = () =>
    readFileSync(log, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.split(" ").map(Number) as [number, number]);
  return { dir, job, runner, runs };
}

describe("LocalJobRunner", () => {
  it("runs jobs in worker processes, stores each result, and skips them when run again", async () => {
    const { dir, job, runner, runs } = setup("skip");
    const first = runner();
    const events: JobEvent["type"][] = [];
    first.onEvent((e) => events.push(e.type));
    const jobs = [1, 2, 3].map((v) => job(v));
    expect(await runAll(first, jobs)).toEqual([{ doubled: 2 }, { doubled: 4 }, { doubled: 6 }]);
    await first.close();
    expect(
      runs()
        .map(([, v]) => v)
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(new Set(runs().map(([pid]) => pid)).size).toBeLessThanOrEqual(2);
    expect(events.filter((t) => t === "finished")).toHaveLength(3);
    const stored = JSON.parse(readFileSync(join(dir, "jobs", jobs[0]?.id as string, RESULT_FILE), "utf8"));
    expect(stored.result).toEqual({ doubled: 2 });
    expect(existsSync(join(dir, "jobs", jobs[0]?.id as string, "partial.txt"))).toBe(true);

    const second = runner();
    const again: JobEvent["type"][] = [];
    second.onEvent((e) => again.push(e.type));
    expect(await runAll(second, jobs)).toEqual([{ doubled: 2 }, { doubled: 4 }, { doubled: 6 }]);
    await second.close();
    expect(again).toEqual(["skipped", "skipped", "skipped"]);
    expect(runs()).toHaveLength(3);
  });

  it("redoes a half-written job: a temp folder of a dead process, a folder without its result", async () => {
    const { dir, job, runner, runs } = setup("half");
    const [a, b] = [job(1), job(2)] as [Job<TestJobSpec>, Job<TestJobSpec>];
    const jobs = join(dir, "jobs");
    // What a SIGKILL leaves mid-job (pid 999999999 is not running), and a folder whose result.json is torn.
    mkdirSync(join(jobs, `.${a.id}.999999999-0.tmp`), { recursive: true });
    writeFileSync(join(jobs, `.${a.id}.999999999-0.tmp`, "partial.txt"), "half");
    mkdirSync(join(jobs, b.id));
    writeFileSync(join(jobs, b.id, RESULT_FILE), '{"version": 1, "job": {"id"');
    const r = runner(1);
    expect(readdirSync(jobs).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect(await runAll(r, [a, b])).toEqual([{ doubled: 2 }, { doubled: 4 }]);
    await r.close();
    expect(runs().map(([, v]) => v)).toEqual([1, 2]);
  });

  it("reports a job's error with its id and class, stores nothing for it, and runs the others", async () => {
    const { dir, job, runner } = setup("fail");
    const r = runner();
    const bad = job(7, { fail: true });
    const results = await Promise.allSettled([r.submit(job(1)), r.submit(bad)]);
    await r.close();
    expect(results[0]).toEqual({ status: "fulfilled", value: { doubled: 2 } });
    const error = (results[1] as PromiseRejectedResult).reason as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.message).toMatch(
      new RegExp(`^job ${bad.id} \\(double 7\\) failed: value 7 was asked to fail`),
    );
    expect(error.cause).toBeInstanceOf(InputError);
    expect(existsSync(join(dir, "jobs", bad.id))).toBe(false);
    expect(readdirSync(join(dir, "jobs")).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("runs a job again when its worker is killed, and keeps finished jobs when stopped", async () => {
    const { dir, job, runner, runs } = setup("kill");
    const r = runner(1);
    const events: JobEvent[] = [];
    r.onEvent((e) => events.push(e));
    const slow = job(5, { ms: 4000 });
    const done = r.submit(slow);
    // Kill the worker once the job has started (it logged its pid).
    while (runs().length === 0) await new Promise((t) => setTimeout(t, 50));
    process.kill((runs()[0] as [number, number])[0], "SIGKILL");
    expect(await done).toEqual({ doubled: 10 });
    expect(events.some((e) => e.type === "retrying" && e.job.id === slow.id)).toBe(true);
    expect(runs()).toHaveLength(2);

    const quick = await r.submit(job(6));
    const hanging = r.submit(job(8, { ms: 60000 }));
    while (runs().length < 4) await new Promise((t) => setTimeout(t, 50));
    await r.stop();
    await expect(hanging).rejects.toBeInstanceOf(JobsStopped);
    expect(quick).toEqual({ doubled: 12 });
    const left = readdirSync(join(dir, "jobs"));
    expect(left.sort()).toEqual([slow.id, job(6).id].sort());
    expect(existsSync(join(dir, "jobs", job(8, { ms: 60000 }).id))).toBe(false);
  });
});
