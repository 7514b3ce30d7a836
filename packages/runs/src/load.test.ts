import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointError, EnvironmentError } from "@hjepa/errors";
import { levelOne, RunFolder } from "@hjepa/experiment";
import { initTensors } from "@hjepa/tensor";
import { JepaWorldModel, saveCheckpoint } from "@hjepa/world-model";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { envShapes, loadTrainedModel, makeRunEnv } from "./load.ts";
import { toyConfig } from "./testing.ts";

const root = mkdtempSync(join(tmpdir(), "hjepa-load-"));
const config = toyConfig();

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

/** A run folder of the toy config with one checkpoint of an untrained model. */
async function savedRun(): Promise<RunFolder> {
  const run = RunFolder.create({ name: "load", config, root });
  const { env } = makeRunEnv(config);
  const { obsShape, actionSpec } = envShapes(env);
  env.close();
  const model = new JepaWorldModel(levelOne(config).model, obsShape, actionSpec, new Rng(config.seed));
  const state = { step: 5, adamStep: 5, rngs: {}, firstLoss: null, elapsed: 0 };
  await saveCheckpoint(run.checkpointsDir, Object.fromEntries(model.params.entries()), state, { step: 5 });
  model.dispose();
  return run;
}

async function refused(runDir: string, pattern: RegExp): Promise<void> {
  const e = await loadTrainedModel(runDir).catch((x: unknown) => x as Error);
  expect(e).toBeInstanceOf(CheckpointError);
  expect((e as Error).message).toMatch(pattern);
}

describe("loadTrainedModel", () => {
  it("loads the latest checkpoint of a run", async () => {
    const run = await savedRun();
    const loaded = await loadTrainedModel(run.dir);
    expect(loaded.step).toBe(5);
    loaded.model.dispose();
  });

  it("refuses a run without a checkpoint, or with a missing model.json or corrupted weights, naming the file", async () => {
    const bare = RunFolder.create({ name: "bare", config, root });
    await refused(bare.dir, /no checkpoint \(checkpoints\/latest\.json is missing\); train it first/);
    const run = await savedRun();
    const dir = join(run.checkpointsDir, "step-0000005");
    const bin = join(dir, "weights.bin");
    const bytes = readFileSync(bin);
    writeFileSync(bin, bytes.subarray(0, 100));
    await refused(
      run.dir,
      /weights\.bin: 100 bytes, expected \d+ for the \d+ weights listed in .*model\.json/,
    );
    rmSync(join(dir, "model.json"));
    await refused(run.dir, /step-0000005\/model\.json: not found; expected a checkpoint folder/);
  });

  it("refuses a config.json that no longer fits the schema, or an invalid manifest, naming the file", async () => {
    const run = await savedRun();
    writeFileSync(
      join(run.dir, "config.json"),
      JSON.stringify({ ...config, world: { levels: [{ ...config.world.levels[0], train: { steps: 0 } }] } }),
    );
    await refused(run.dir, /config\.json: world\.levels\[0\]\.train\.steps Too small/);
    writeFileSync(join(run.dir, "manifest.json"), "{");
    await refused(run.dir, /manifest\.json: not valid JSON/);
  });
});

describe("makeRunEnv / envShapes", () => {
  it("a config whose env is not a planning environment is an EnvironmentError naming env.id", () => {
    const pixels = toyConfig({ env: { kwargs: { obsMode: "state" } } });
    expect(() =>
      makeRunEnv({ ...pixels, env: { id: "hjepa/TwoRooms-v0", kwargs: { obsMode: "bogus" } } }),
    ).toThrow(EnvironmentError);
  });
});

describe("makeRunEnv", () => {
  it("gives the episode the agent's step budget, not the env's registered time limit", () => {
    const { env } = makeRunEnv(config, {}, 300);
    env.reset({ seed: 0 });
    let steps = 0;
    let truncated = false;
    // A tiny action: the point mass barely moves, so the episode can only end by its time limit.
    while (!truncated && steps < 400) {
      const r = env.step(new Float32Array([0, 0]));
      truncated = r.truncated;
      steps++;
      if (r.terminated) break;
    }
    env.close();
    expect(truncated).toBe(true);
    expect(steps).toBe(300);
  });
});
