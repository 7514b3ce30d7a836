/**
 * `hjepa prepare` computes a run's learned agent parts (hazard classifier, landmarks) once; `hjepa eval` loads
 * them and does no training: with the dataset gone (and its cache folder made impossible to create), eval of a
 * toy run with a hazard guardrail and landmarks gives the same episodes, in one process and in two workers.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runHjepa } from "./hjepaBin.ts";

const root = resolve(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "hjepa-prepare-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function hjepa(args: string[]): Promise<CliResult> {
  return runHjepa(args, { cwd: tmp });
}

const cache = join(tmp, "cache");
const run = join(tmp, "hazard-run");
const tasks = join(tmp, "tasks.json");
/** FourRoomsHazard at toy size, with a hazard guardrail (margin 1) and landmarks. */
const TOY = [
  ["world.levels[0].train.steps", "10"],
  ["world.levels[0].train.batchSize", "8"],
  ["world.levels[0].train.horizon", "4"],
  ["world.levels[0].train.warmupSteps", "2"],
  ["world.levels[0].train.checkpointEvery", "10"],
  ["data.episodes", "12"],
  ["data.steps", "30"],
  ["data.cacheDir", cache],
  ["diagnostics.every", "10"],
  ["diagnostics.samples", "32"],
  ["agent.horizon", "6"],
  ["agent.budget", "192"],
  ["agent.maxSteps", "8"],
  ["agent.guardrails.hazard.samples", "200"],
  ["agent.guardrails.hazard.epochs", "3"],
  ["agent.landmarks", "{}"],
  ["agent.landmarks.samples", "200"],
].flatMap(([k, v]) => ["--set", `${k}=${v}`]);

interface Episode {
  id: string;
  success: boolean;
  steps: number;
  violations: number;
  trajectory: number[][];
  firstPlan: number[] | null;
}

/** `hjepa eval` of the toy run; its episodes without the timings. */
async function evalEpisodes(name: string, extra: string[]): Promise<Episode[]> {
  const r = await hjepa([
    "eval",
    "--run",
    run,
    "--tasks",
    tasks,
    "--name",
    name,
    "--pictures",
    "0",
    ...extra,
  ]);
  expect(r.code, r.stderr).toBe(0);
  const results = JSON.parse(readFileSync(join(run, "eval", name, "results.json"), "utf8"));
  return (results.episodes as Episode[]).map(({ id, success, steps, violations, trajectory, firstPlan }) => ({
    id,
    success,
    steps,
    violations,
    trajectory,
    firstPlan,
  }));
}

beforeAll(async () => {
  const config = join(root, "configs/experiments/four-rooms-hazard.json");
  const trained = await hjepa(["train", "--config", config, ...TOY, "--out", run]);
  expect(trained.code, trained.stderr).toBe(0);
  const made = await hjepa([
    "tasks",
    "--env",
    "hjepa/FourRoomsHazard-v0",
    "--count",
    "1",
    "--seed",
    "0",
    "--out",
    tasks,
  ]);
  expect(made.code, made.stderr).toBe(0);
}, 240_000);

describe("hjepa prepare and eval", () => {
  it("eval loads the prepared parts and does no training (the dataset is gone)", async () => {
    // A run without prepared parts (made before hjepa prepare) is refused, naming the command.
    rmSync(join(run, "agent"), { recursive: true, force: true });
    const refused = await hjepa(["eval", "--run", run, "--tasks", tasks, "--workers", "1"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toMatch(
      /hazard classifier and landmarks are not saved in the run .*; run: hjepa prepare \S+hazard-run$/,
    );
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);

    const prepared = await hjepa(["prepare", run]);
    expect(prepared.code, prepared.stderr).toBe(0);
    expect(prepared.stdout).toMatch(/hazard classifier: 200 windows \(\d+ hazards\)/);
    expect(prepared.stdout).toMatch(/landmarks: \d+ at radius/);
    const record = JSON.parse(readFileSync(join(run, "agent", "prepared.json"), "utf8"));
    expect(record.checkpoint.name).toBe("step-0000010");

    const before = await evalEpisodes("with-data", ["--workers", "1", "--limit", "2"]);
    expect(before).toHaveLength(2);
    // No dataset, and no way to collect one: any training would have to read it and would fail.
    rmSync(cache, { recursive: true, force: true });
    writeFileSync(cache, "not a folder: eval must not read or collect a dataset\n");
    expect(await evalEpisodes("no-data", ["--workers", "1", "--limit", "2"])).toEqual(before);
    expect(await evalEpisodes("no-data-workers", ["--workers", "2", "--limit", "2"])).toEqual(before);
    expect(readFileSync(cache, "utf8")).toMatch(/not a folder/);
    rmSync(cache, { force: true });
  }, 240_000);

  it("eval --set of a learned setting names hjepa prepare --set; prepare --set writes only the agent section", async () => {
    const changed = ["--set", "agent.landmarks.radius=0.5"];
    const refused = await hjepa(["eval", "--run", run, "--tasks", tasks, ...changed]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toMatch(
      /landmarks were made with agent\.landmarks\.radius=0\.25, the config asks for agent\.landmarks\.radius=0\.5; run: hjepa prepare \S+ --set agent\.landmarks\.radius=0\.5$/,
    );
    // A setting read when planning needs no prepare.
    await evalEpisodes("threshold", [
      "--workers",
      "1",
      "--limit",
      "1",
      "--set",
      "agent.guardrails.hazard.threshold=0.3",
    ]);

    const model = readFileSync(join(run, "config.json"), "utf8");
    const notAgent = await hjepa(["prepare", run, "--set", "world.levels[0].train.steps=5"]);
    expect(notAgent.code).toBe(2);
    expect(notAgent.stderr).toMatch(/--set world\.levels\[0\]\.train\.steps=5: only agent\.\* settings/);
    const badValue = await hjepa(["prepare", run, "--set", "agent.landmarks.radius=-1"]);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toMatch(/agent\.landmarks\.radius/);
    expect(readFileSync(join(run, "config.json"), "utf8")).toBe(model);

    const prepared = await hjepa(["prepare", run, ...changed]);
    expect(prepared.code, prepared.stderr).toBe(0);
    const before = JSON.parse(model);
    const after = JSON.parse(readFileSync(join(run, "config.json"), "utf8"));
    expect(after.agent.landmarks.radius).toBe(0.5);
    expect({ ...after, agent: before.agent }).toEqual(before);
    expect(existsSync(join(run, "agent", "landmarks", "weights.bin"))).toBe(true);
    // The run's own settings are now the prepared ones: eval needs no --set.
    await evalEpisodes("radius", ["--workers", "1", "--limit", "1"]);
  }, 240_000);
});
