import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openDataset } from "@hjepa/envs/data";
import type { TestStage } from "@hjepa/experiment/crashSafety";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Kill tests of `hjepa collect` and `hjepa train` on toy sizes: SIGINT, SIGTERM and SIGKILL at each stage
 * (collecting, training, saving), sent to the command's process group as a terminal does, at the point where
 * `HJEPA_TEST_PAUSE_AT` holds the process (see `@hjepa/experiment/crashSafety`).
 * After each kill the rerun (the same command, or `--resume`) must give the uninterrupted result bit for bit,
 * no temp file may be left, and a handled signal must end the process within seconds.
 */

const root = resolve(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "hjepa-kill-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SIGNALS = ["SIGINT", "SIGTERM", "SIGKILL"] as const;
type Signal = (typeof SIGNALS)[number];
/** A handled signal: the command stops at its next safe point (a test pause is 300 ms) and saves. */
const STOP_WITHIN_MS = 5000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the signal to the exit. */
  afterSignal: number;
}

/**
 * Runs the `hjepa` binary (apps/lab/bin/hjepa.js) in its own process group; `kill` signals the group, as a
 * terminal does, when the process pauses at a test stage or as soon as a file matching `at` appears in the
 * working folder.
 */
function hjepa(args: string[], kill?: { at: TestStage | RegExp; signal: Signal }): Promise<Exit> {
  const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: tmp, HJEPA_TEST_PAUSE_MS: "300" };
  delete env.HJEPA_TEST_PAUSE_AT;
  if (typeof kill?.at === "string") env.HJEPA_TEST_PAUSE_AT = kill.at;
  const child = spawn(process.execPath, [join(root, "apps/lab/bin/hjepa.js"), ...args], {
    cwd: tmp,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const group = -(child.pid as number);
  let stdout = "";
  let stderr = "";
  let signalledAt = Number.NaN;
  const signal = () => {
    if (kill === undefined || !Number.isNaN(signalledAt)) return;
    signalledAt = performance.now();
    process.kill(group, kill.signal);
  };
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
    if (typeof kill?.at === "string" && stderr.includes(`hjepa-test: paused at ${kill.at}\n`)) signal();
  });
  const at = kill?.at;
  const poll =
    at instanceof RegExp
      ? setInterval(() => {
          if (readdirSync(tmp).some((f) => at.test(f))) signal();
        }, 20)
      : undefined;
  // A hang is a failure, not a stuck test run.
  const watchdog = setTimeout(() => process.kill(group, "SIGKILL"), 40000);
  return new Promise((done, fail) => {
    child.on("error", fail);
    child.on("close", (code, exitSignal) => {
      clearTimeout(watchdog);
      clearInterval(poll);
      if (kill && Number.isNaN(signalledAt)) {
        fail(new Error(`never reached ${kill.at}: exit ${code ?? exitSignal}\n${stderr}`));
        return;
      }
      done({ code, signal: exitSignal, stdout, stderr, afterSignal: performance.now() - signalledAt });
    });
  });
}

/** A handled signal ends the process normally and soon; SIGKILL ends it at once. */
function expectStopped(r: Exit, signal: Signal): void {
  if (signal === "SIGKILL") {
    expect(r.signal).toBe("SIGKILL");
    return;
  }
  expect(r.signal, r.stderr).toBeNull();
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.afterSignal).toBeLessThan(STOP_WITHIN_MS);
}

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

function temps(dir: string): string[] {
  return existsSync(dir) ? tree(dir).filter((f) => /\.tmp(-|$)|\.tmp\//.test(f)) : [];
}

describe("hjepa collect killed", () => {
  const collect = (out: string) => [
    "collect",
    "--env",
    "hjepa/TwoRooms-v0",
    "--episodes",
    "30",
    "--steps",
    "20",
    "--policy",
    "momentum",
    "--seed",
    "3",
    "--out",
    out,
  ];

  it("at every stage by every signal, then rerun, gives the uninterrupted dataset bit for bit", async () => {
    const ref = await hjepa(collect("ref.arrow"));
    expect(ref.code, ref.stderr).toBe(0);
    const want = readFileSync(join(tmp, "ref.arrow"));
    const full = openDataset(join(tmp, "ref.arrow"));

    for (const signal of SIGNALS) {
      const out = `${signal}.arrow`;
      const path = join(tmp, out);
      const first = await hjepa(collect(out), { at: "collecting", signal });
      expectStopped(first, signal);
      if (signal === "SIGKILL") expect(existsSync(path)).toBe(false);
      else {
        // Ctrl-C and SIGTERM save the episodes done as a complete dataset, the start of the full one.
        const part = openDataset(path);
        expect(part.metadata).toMatchObject({ aborted: true, episodes: 30 });
        expect(part.numEpisodes).toBeGreaterThan(0);
        expect(part.numEpisodes).toBeLessThan(30);
        expect(part.states).toEqual(full.states.subarray(0, part.states.length));
        expect(temps(tmp)).toEqual([]);
      }
      const saving = await hjepa(collect(out), { at: "saving-dataset", signal });
      expectStopped(saving, signal);
      if (signal === "SIGKILL") {
        // Killed while saving: the target is untouched (never partial), and the next run cleans up.
        expect(existsSync(path)).toBe(false);
        const last = await hjepa(collect(out));
        expect(last.code, last.stderr).toBe(0);
      }
      // Ctrl-C or SIGTERM while saving: every episode was done, so the save completes; SIGKILL: the rerun.
      expect(readFileSync(path).equals(want), signal).toBe(true);
      expect(temps(tmp)).toEqual([]);
    }
  });

  it("stops within seconds inside an endless episode (an unreachable goal, 10^8 steps) and saves it", async () => {
    // S and G in two closed rooms: no episode ever terminates.
    writeFileSync(join(tmp, "split.map"), "#######\n#S.#.G#\n#..#..#\n#######\n");
    const args = ["collect", "--env", "hjepa/GridMaze-v0", "--map", "split.map", "--episodes", "2"];
    const r = await hjepa(
      [...args, "--steps", "100000000", "--policy", "uniform", "--seed", "0", "--out", "long.arrow"],
      {
        at: /^\.long\.arrow\..*\.tmp$/,
        signal: "SIGTERM",
      },
    );
    expectStopped(r, "SIGTERM");
    const ds = openDataset(join(tmp, "long.arrow"));
    expect(ds.metadata).toMatchObject({ aborted: true, numEpisodes: 1, terminatedEpisodes: 0 });
    expect(ds.numFrames).toBeLessThan(1e8);
    expect(temps(tmp)).toEqual([]);
    rmSync(join(tmp, "long.arrow"));
  });
});

describe("hjepa train killed", () => {
  const config = join(root, "configs/experiments/two-rooms.json");
  const sets = [
    "backend=cpu",
    "data.episodes=20",
    "data.steps=20",
    "world.levels[0].model.encoder.hidden=[16]",
    "world.levels[0].model.encoder.dim=4",
    "world.levels[0].model.predictor.hidden=[16]",
    "world.levels[0].train.steps=60",
    "world.levels[0].train.batchSize=16",
    "world.levels[0].train.horizon=2",
    "world.levels[0].train.warmupSteps=5",
    "world.levels[0].train.logEvery=10",
    "world.levels[0].train.checkpointEvery=20",
    "diagnostics.every=30",
    "diagnostics.samples=32",
    "diagnostics.horizons=[1,2]",
  ];
  /** Each case has its own dataset cache, so that each one collects. */
  const train = (name: string) => [
    "train",
    "--config",
    config,
    ...[...sets, `data.cacheDir=cache-${name}`].flatMap((s) => ["--set", s]),
    "--out",
    `run-${name}`,
  ];
  const resume = (name: string) => ["train", "--resume", `run-${name}`];
  const weights = (name: string) =>
    readFileSync(join(tmp, `run-${name}/checkpoints/step-0000060/weights.bin`));
  const metricsText = (name: string) => readFileSync(join(tmp, `run-${name}/metrics.jsonl`), "utf8");
  /** The metrics without wall-clock times. */
  const metrics = (name: string) =>
    metricsText(name)
      .trim()
      .split("\n")
      .map((l) => ({ ...JSON.parse(l), elapsed: undefined }));
  const manifest = (name: string) => JSON.parse(readFileSync(join(tmp, `run-${name}/manifest.json`), "utf8"));
  const dataset = (name: string) => {
    const dir = join(tmp, `cache-${name}`);
    const files = readdirSync(dir).filter((f) => f.endsWith(".arrow"));
    expect(files).toHaveLength(1);
    return readFileSync(join(dir, files[0] as string));
  };

  beforeAll(async () => {
    // The uninterrupted reference.
    const ref = await hjepa(train("ref"));
    expect(ref.code, ref.stderr).toBe(0);
    expect(manifest("ref").status).toBe("finished");
  }, 60000);

  it("resuming a finished run says so and changes nothing", async () => {
    const before = {
      metrics: metricsText("ref"),
      manifest: manifest("ref"),
      files: tree(join(tmp, "run-ref")),
    };
    const again = await hjepa(resume("ref"));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already finished; nothing to do/);
    expect({
      metrics: metricsText("ref"),
      manifest: manifest("ref"),
      files: tree(join(tmp, "run-ref")),
    }).toEqual(before);
  });

  for (const signal of SIGNALS) {
    it(`by ${signal} while collecting, training and saving, then rerun, trains to the uninterrupted result`, async () => {
      const name = signal;
      // Collecting: nothing is saved under the cache name and no run folder exists yet.
      const collecting = await hjepa(train(name), { at: "collecting", signal });
      expectStopped(collecting, signal);
      expect(existsSync(join(tmp, `run-${name}`))).toBe(false);
      expect(readdirSync(join(tmp, `cache-${name}`)).filter((f) => f.endsWith(".arrow"))).toEqual([]);

      // The same command collects the full dataset, the same bytes as the uninterrupted run's.
      const training = await hjepa(train(name), { at: "training", signal });
      expectStopped(training, signal);
      expect(dataset(name).equals(dataset("ref"))).toBe(true);
      expect(manifest(name).status).toBe(signal === "SIGKILL" ? "running" : "interrupted");

      const saving = await hjepa(resume(name), { at: "saving-checkpoint", signal });
      expectStopped(saving, signal);

      const last = await hjepa(resume(name));
      expect(last.code, last.stderr).toBe(0);
      expect(manifest(name).status).toBe("finished");
      expect(weights(name).equals(weights("ref"))).toBe(true);
      expect(metrics(name)).toEqual(metrics("ref"));
      expect(temps(join(tmp, `run-${name}`))).toEqual([]);
      expect(temps(join(tmp, `cache-${name}`))).toEqual([]);
    });
  }

  it("a train that fails after its run folder exists ends it failed, with the error in the notes", async () => {
    cpSync(join(tmp, "run-ref"), join(tmp, "run-broken"), { recursive: true });
    const m = manifest("broken");
    writeFileSync(join(tmp, "run-broken/manifest.json"), JSON.stringify({ ...m, status: "interrupted" }));
    const bin = join(tmp, "run-broken/checkpoints/step-0000060/weights.bin");
    const bytes = readFileSync(bin);
    bytes[0] = (bytes[0] as number) ^ 0xff;
    writeFileSync(bin, bytes);
    const r = await hjepa(resume("broken"));
    expect(r.code, r.stderr).not.toBe(0);
    const after = manifest("broken");
    expect(after.status).toBe("failed");
    expect(after.notes.at(-1)).toMatch(/weights\.bin/);
  });
});
