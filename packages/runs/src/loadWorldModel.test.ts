import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WorldModelLevel } from "@hjepa/contracts";
import { CheckpointError } from "@hjepa/errors";
import { levelOne, RunFolder, type UpperLevelConfig, upperLevels } from "@hjepa/experiment";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import {
  describePrimitiveActions,
  JepaWorldModel,
  levelCheckpointsDir,
  saveCheckpoint,
  UpperLevelModel,
} from "@hjepa/world-model";
import { randomMacroStatistics } from "@hjepa/world-model/testing";
import { Rng } from "gymnasium-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envShapes, makeRunEnv } from "./load.ts";
import { loadWorldModel } from "./loadWorldModel.ts";
import { toyConfig } from "./testing.ts";

const root = mkdtempSync(join(tmpdir(), "hjepa-hierarchical-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe("loadWorldModel", () => {
  const config = toyConfig({
    upper: [
      {
        stride: 4,
        macroAction: { type: "learned", dim: 3, hidden: [8] },
        predictor: { hidden: [16] },
        train: { steps: 10 },
      },
    ],
  });
  const state = (step: number) => ({ step, adamStep: step, rngs: {}, firstLoss: null, elapsed: 0 });

  /** A run folder holding a level-1 checkpoint and a level-2 one (with statistics unless `finished` is false). */
  async function savedRun(finished: boolean) {
    const run = RunFolder.create({ name: "levels", config, root });
    const { env } = makeRunEnv(config);
    const { obsShape, actionSpec } = envShapes(env);
    env.close();
    const l1 = new JepaWorldModel(levelOne(config).model, obsShape, actionSpec, new Rng(7));
    const l2 = new UpperLevelModel(upperLevels(config)[0] as UpperLevelConfig, l1, new Rng(8));
    if (finished) randomMacroStatistics(l2, 6);
    await saveCheckpoint(run.checkpointsDir, Object.fromEntries(l1.params.entries()), state(30), {
      step: 30,
    });
    await saveCheckpoint(levelCheckpointsDir(run, 2), Object.fromEntries(l2.params.entries()), state(10), {
      step: 10,
    });
    return { run, l1, l2 };
  }

  it("loads every level of a run as one WorldModel, level 1's actions from the run's env", async () => {
    const { run, l1, l2 } = await savedRun(true);
    const loaded = await loadWorldModel(run.dir);
    const { model } = loaded;
    expect([loaded.step, loaded.upper.map((u) => [u.level, u.step])]).toEqual([30, [[2, 10]]]);
    const { env } = makeRunEnv(config);
    expect(model.levels[0].actions).toEqual(describePrimitiveActions(env.actionSpace));
    env.close();
    expect(model.levels.map((l) => [l.level, l.stride, l.dim, l.actions.kind])).toEqual([
      [1, 1, 8, "box"],
      [2, 4, 8, "macro"],
    ]);
    // Level 1 (toy predictor [10, 32, 8]) and level 2 ([11, 16, 8]) from their weight shapes.
    expect(model.levels.map((l) => l.multiplyAdds)).toEqual([10 * 32 + 32 * 8, 11 * 16 + 16 * 8]);
    expect(model.levels[1]?.actions).toEqual({ ...describeMacro(l2), kind: "macro" });
    const obs = tf.tensor2d([
      [0.2, 0.3],
      [0.7, 0.4],
    ]);
    const want = l2.encode(obs);
    const s1 = model.encode(obs);
    const got = (model.levels[1] as WorldModelLevel).represent(s1);
    expect(values(got)).toEqual(values(want));
    tf.dispose([obs, want, s1, got]);
    model.dispose();
    l2.dispose();
    l1.dispose();
  });

  it("refuses a run whose level 2 has not finished training, naming the command, and frees what it loaded", async () => {
    const { run, l1, l2 } = await savedRun(false);
    l2.dispose();
    l1.dispose();
    await withLeakCheck(async () => {
      const e = await loadWorldModel(run.dir).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CheckpointError);
      expect((e as Error).message).toMatch(
        /level 2 has no macro-action statistics .*its training has not finished; run: hjepa train --resume /,
      );
    });
  });
});

function describeMacro(m: UpperLevelModel) {
  const s = m.macroStatistics();
  if (s === null) throw new Error("no statistics");
  return { size: s.dim, low: s.low, high: s.high, mean: s.mean, covariance: s.covariance, count: s.count };
}
