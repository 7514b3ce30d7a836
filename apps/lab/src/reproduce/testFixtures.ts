/**
 * Toy fixtures for the reproduce tests (test code only): the toy 2-level FourRooms experiment of the compare
 * tests (12 episodes of 30 steps, 10 training steps per level, 8-step episodes) and the `hjepa` binary run as a
 * user runs it, on the wasm backend.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const repo = resolve(import.meta.dirname, "../../../..");
const bin = join(repo, "apps/lab/bin/hjepa.js");

/** Writes toy.json (the experiment) and tasks.json (FourRooms' saved task set) into `dir`. */
export function writeToyExperiment(dir: string): void {
  const c = JSON.parse(readFileSync(join(repo, "configs/experiments/four-rooms-levels.json"), "utf8"));
  c.name = "toy-levels";
  c.data = { episodes: 12, steps: 30, policy: "momentum", seed: 0, cacheDir: join(dir, "cache") };
  c.world.levels[0].train = { steps: 10, batchSize: 8, horizon: 4, warmupSteps: 2, checkpointEvery: 5 };
  c.world.levels[1].train = { steps: 10, batchSize: 8, horizon: 2, warmupSteps: 2, checkpointEvery: 5 };
  c.diagnostics = { every: 10, samples: 32, horizons: [1, 2] };
  Object.assign(c.agent, { horizon: 6, budget: 192, maxSteps: 8 });
  c.agent.landmarks = { samples: 200, radius: 0.5, capacity: 512, transitions: true, window: 8 };
  c.agent.levels[0].horizon = 4;
  writeFileSync(join(dir, "toy.json"), JSON.stringify(c, null, 2));
  writeFileSync(join(dir, "tasks.json"), readFileSync(join(repo, "configs/tasks/four-rooms.json")));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `hjepa ARGS` in `cwd` (also INIT_CWD, so relative paths resolve there) on the wasm backend. */
export function hjepa(cwd: string, args: string[], timeoutMs = 170_000): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, INIT_CWD: cwd, HJEPA_BACKEND: "wasm" },
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
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** reproduce.json as the tests read it. */
export interface ReproduceReport {
  kind: string;
  match: boolean;
  compared: string;
  counts: Record<string, number>;
  rows: { metric: string; category: string; match: string; original: unknown; reproduced: unknown }[];
}

export function readReport(dir: string): ReproduceReport {
  return JSON.parse(readFileSync(join(dir, "reproduce.json"), "utf8")) as ReproduceReport;
}
