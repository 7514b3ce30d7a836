import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { experimentSchema, RunFolder } from "@hjepa/experiment";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import {
  type JepaWorldModel,
  levelCheckpointsDir,
  levelPredictionErrors,
  trainLevel,
  type UpperLevelModel,
  type WindowArrays,
  type WorldModelData,
} from "@hjepa/world-model";
import { toyLevel2, toyLevelOneRun, toyLevelsConfig } from "@hjepa/world-model/testing";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTrainedLevels, loadUpperLevel } from "./loadLevel.ts";

// Levels trained by `trainLevel` (its own tests are in @hjepa/world-model), saved into run folders and loaded
// back from them.
const root = mkdtempSync(join(tmpdir(), "hjepa-levels-"));

let data: WorldModelData;
let levelOne: JepaWorldModel;
/** A run holding the trained level 1 of a three-level config. */
let run: RunFolder;
/** Held-out windows of 4 macro-steps of stride 4. */
let held: WindowArrays;

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
  ({ data, levelOne, run, held } = await toyLevelOneRun(root));
});

const weightsOf = (m: UpperLevelModel) => m.params.entries().map(([, v]) => Array.from(v.dataSync()));

describe("loadUpperLevel / loadTrainedLevels", () => {
  it("saves checkpoints and macro statistics in checkpoints/level-2; a reloaded level predicts the same numbers", async () => {
    const config = toyLevelsConfig(toyLevel2({ train: { steps: 30, checkpointEvery: 10 } }));
    const own = RunFolder.create({ name: "round-trip", config, root: join(root, "runs") });
    const r = await trainLevel({ config, data, below: levelOne, run: own });
    expect(readdirSync(levelCheckpointsDir(own, 2)).sort()).toEqual([
      "latest.json",
      "step-0000020",
      "step-0000030",
    ]);
    await withLeakCheck(async () => (await loadUpperLevel(own, config, levelOne)).model.dispose());
    const loaded = await loadUpperLevel(own, config, levelOne);
    expect(loaded.step).toBe(30);
    expect(loaded.statistics).toEqual(r.statistics);
    expect(loaded.statistics?.count).toBe(4096);
    const a = levelPredictionErrors(r.model, data, held, [1, 4]);
    const b = levelPredictionErrors(loaded.model, data, held, [1, 4]);
    expect(b).toEqual(a);
    expect(weightsOf(loaded.model)).toEqual(weightsOf(r.model));
    const records = own.metrics();
    expect(records.map((m) => [m.kind, m.level, m.step])).toEqual([
      ["train", 2, 10],
      ["train", 2, 20],
      ["train", 2, 30],
    ]);
    r.model.dispose();
    loaded.model.dispose();
  });

  it("trains level 3 (stride 16) over level 2 into one run; loadTrainedLevels rebuilds all three", async () => {
    const config = run.validConfig(experimentSchema);
    const two = await trainLevel({ config, data, below: levelOne, run });
    const three = await trainLevel({ config, data, below: two.model, run });
    expect([three.level, three.status, three.model.stride]).toEqual([3, "finished", 16]);
    const long = data.sampleArrays(128, 33, new Rng(11), "validation");
    // Measured (wasm, seeded): ratios 0.35 and 0.52 at 1 and 2 macro-steps (level 2 over 16, 32 steps: 0.26, 0.41).
    for (const e of levelPredictionErrors(three.model, data, long, [1, 2])) expect(e.ratio).toBeLessThan(0.7);
    const loaded = await loadTrainedLevels(run.dir);
    expect(loaded.upper.map((l) => [l.level, l.step])).toEqual([
      [2, 200],
      [3, 200],
    ]);
    expect(loaded.upper[1]?.statistics).toEqual(three.statistics);
    const size = data.obsShape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(held.obs.subarray(0, 4 * size), [4, ...data.obsShape]);
    const want = three.model.encode(x);
    const got = loaded.upper[1]?.model.encode(x) as tf.Tensor2D;
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    tf.dispose([x, want, got]);
    for (const l of loaded.upper.reverse()) l.model.dispose();
    loaded.levelOne.model.dispose();
    three.model.dispose();
    two.model.dispose();
  });
});
