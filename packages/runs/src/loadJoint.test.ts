import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WorldModelLevel } from "@hjepa/contracts";
import { CheckpointError } from "@hjepa/errors";
import { RunFolder } from "@hjepa/experiment";
import { initTensors, readModelJson, tf, withLeakCheck } from "@hjepa/tensor";
import {
  type JepaWorldModel,
  latestCheckpoint,
  levelCheckpointsDir,
  type TrainLevelResult,
  trainLevel,
  trainWorldModel,
  type WorldModelData,
} from "@hjepa/world-model";
import { toyLevel2, toyLevelsConfig } from "@hjepa/world-model/testing";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { loadLevelOne, loadTrainedModel } from "./load.ts";
import { loadTrainedLevels, loadUpperLevel } from "./loadLevel.ts";
import { loadWorldModel } from "./loadWorldModel.ts";
import { toyData } from "./testing.ts";

// A run whose level 2 was trained jointly with level 1 (`frozenBelow: false`), loaded back.
const root = mkdtempSync(join(tmpdir(), "hjepa-joint-runs-"));
const config = toyLevelsConfig(toyLevel2({ frozenBelow: false, train: { steps: 60, checkpointEvery: 30 } }));
const frozenConfig = toyLevelsConfig(toyLevel2({ train: { steps: 20 } }));

let data: WorldModelData;
let run: RunFolder;
/** A run of the frozen config holding the same trained level 1 (its checkpoint copied before joint training). */
let frozenRun: RunFolder;
/** Level 1 as trained jointly with level 2 (in memory). */
let levelOne: JepaWorldModel;
let joint: TrainLevelResult;
/** sha256 of every file of level 1's own checkpoints before level 2 was trained. */
let levelOneFiles: Record<string, string>;

/** Every file under `dir` (but `level-*` folders) with its sha256. */
function levelOneSnapshot(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!name.startsWith("level-")) Object.assign(out, levelOneSnapshot(path, `${prefix}${name}/`));
    } else out[`${prefix}${name}`] = createHash("sha256").update(readFileSync(path)).digest("hex");
  }
  return out;
}

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
  data = (await toyData(config, root)).data;
  run = RunFolder.create({ name: "joint", config, root: join(root, "runs") });
  const trained = await trainWorldModel({ config, data, run });
  levelOne = trained.model;
  levelOneFiles = levelOneSnapshot(run.checkpointsDir);
  frozenRun = RunFolder.create({ name: "frozen", config: frozenConfig, root: join(root, "runs") });
  cpSync(run.checkpointsDir, frozenRun.checkpointsDir, { recursive: true });
  joint = await trainLevel({ config, data, below: levelOne, run });
  expect(joint.status).toBe("finished");
}, 120_000);

const values = (t: tf.Tensor) => Array.from(t.dataSync());

/** Held-out observations `[4, ...obs]` and the 4 primitive actions after each, `[4, 4, k]`. */
function heldOut(): { obs: tf.Tensor; actions: tf.Tensor3D } {
  const w = data.sampleArrays(4, 5, new Rng(11), "validation");
  const t = data.toTensors(w);
  const obs = tf.tidy(() => tf.squeeze(tf.slice(t.obs, [0, 0], [4, 1]), [1]));
  tf.dispose(t.obs);
  return { obs, actions: t.actions };
}

describe("loading a run whose level 2 was trained jointly with level 1", () => {
  it("loadWorldModel gives the jointly trained levels (their predictions); level 1's own checkpoint is untouched", async () => {
    expect(levelOneSnapshot(run.checkpointsDir)).toEqual(levelOneFiles);
    const loaded = await loadWorldModel(run.dir);
    const { model } = loaded;
    const checkpoint = join(levelCheckpointsDir(run, 2), "step-0000060");
    expect(loaded.jointFrom).toEqual({ level: 2, checkpoint, step: 60 });
    expect(loaded.upper).toEqual([{ level: 2, checkpoint, step: 60, jointFrom: null }]);
    const { obs, actions } = heldOut();
    const two = model.levels[1] as WorldModelLevel;
    const got = tf.tidy(() => {
      const s1 = model.encode(obs);
      const s2 = two.represent(s1);
      const first = tf.squeeze(tf.slice(actions, [0, 0, 0], [4, 1, -1]), [1]) as tf.Tensor2D;
      const latent = joint.model.encodeMacro(actions);
      return [s1, model.levels[0]?.predict(s1, first), s2, two.predict(s2, latent)].map(values);
    });
    const want = tf.tidy(() => {
      const s1 = levelOne.encode(obs);
      const s2 = joint.model.encode(obs);
      const first = tf.squeeze(tf.slice(actions, [0, 0, 0], [4, 1, -1]), [1]) as tf.Tensor2D;
      const latent = joint.model.encodeMacro(actions);
      return [s1, levelOne.predict(s1, first), s2, joint.model.predict(s2, latent)].map(values);
    });
    expect(got).toEqual(want);
    // Level 1's own checkpoint alone (as level 2's training started) encodes otherwise.
    const own = await loadLevelOne(run.dir);
    const stale = tf.tidy(() => values(own.model.encode(obs)));
    expect(stale).not.toEqual(want[0]);
    own.model.dispose();
    tf.dispose([obs, actions]);
    model.dispose();
  });

  it("loadTrainedModel (level 1 alone, as hjepa prepare loads it) gives the jointly trained level 1 too", async () => {
    const loaded = await loadTrainedModel(run.dir);
    expect(loaded.jointFrom).toMatchObject({ level: 2, step: 60 });
    expect(loaded.checkpoint).toBe(latestCheckpoint(run.checkpointsDir));
    const weights = (m: JepaWorldModel) => m.params.entries().map(([, v]) => values(v));
    expect(weights(loaded.model)).toEqual(weights(levelOne));
    const levels = await loadTrainedLevels(run.dir);
    expect(levels.levelOne.jointFrom).toEqual(loaded.jointFrom);
    expect(levels.upper.map((l) => [l.level, l.joint, l.statistics])).toEqual([[2, true, joint.statistics]]);
    expect(weights(levels.levelOne.model)).toEqual(weights(levelOne));
    for (const m of [loaded.model, levels.upper[0]?.model, levels.levelOne.model]) m?.dispose();
  });

  it("a frozen level's checkpoint holds no level below; a joint config over one is refused", async () => {
    const frozenOne = await loadTrainedModel(frozenRun.dir);
    expect(frozenOne.jointFrom).toBeNull();
    const frozen = await trainLevel({ config: frozenConfig, data, below: frozenOne.model, run: frozenRun });
    const dir = latestCheckpoint(levelCheckpointsDir(frozenRun, 2)) as string;
    const names = (await readModelJson(dir)).weightsManifest.flatMap((g) => g.weights.map((w) => w.name));
    expect(names.filter((n) => n.startsWith("level-1/"))).toEqual([]);
    const e = await loadUpperLevel(frozenRun, config, frozenOne.model).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as Error).message).toMatch(
      /step-0000020: holds no weights of the levels below level 2, but world\.levels\[1\]\.frozenBelow is false/,
    );
    frozen.model.dispose();
    frozenOne.model.dispose();
  });

  it("a changed byte in the joint checkpoint is refused by every loader (checksums), leaving no tensors", async () => {
    const copy = join(root, "corrupted");
    cpSync(run.dir, copy, { recursive: true });
    const bin = join(copy, "checkpoints", "level-2", "step-0000060", "weights.bin");
    const bytes = readFileSync(bin);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    writeFileSync(bin, bytes);
    await withLeakCheck(async () => {
      for (const load of [loadTrainedModel, loadWorldModel]) {
        const e = await load(copy).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(CheckpointError);
        expect((e as Error).message).toMatch(/weights\.bin: content does not match .*model\.json \(sha256/);
      }
    });
  });
});
