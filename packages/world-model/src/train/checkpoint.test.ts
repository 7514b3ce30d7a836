import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointError, FileSystemError } from "@hjepa/errors";
import { initTensors, tf } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { latestCheckpoint, loadCheckpoint, saveCheckpoint, type TrainerState } from "./checkpoint.ts";

const root = mkdtempSync(join(tmpdir(), "hjepa-checkpoint-"));
let n = 0;

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

function state(step: number): TrainerState {
  return {
    step,
    adamStep: step,
    rngs: { sample: new Rng(1).state(), loss: new Rng(2).state() },
    firstLoss: 1.5,
    elapsed: 2,
  };
}

/** A checkpoints folder holding one saved checkpoint of a [2] weight `w`. */
async function saved(): Promise<{ checkpoints: string; dir: string }> {
  const checkpoints = join(root, `run-${n++}`, "checkpoints");
  const w = tf.tensor1d([1, 2]);
  const dir = await saveCheckpoint(checkpoints, { w }, state(10));
  w.dispose();
  return { checkpoints, dir };
}

function failure(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a failure");
}

/** `fn` throws a one-line CheckpointError whose message matches `pattern`. */
function refused(fn: () => unknown, pattern: RegExp): void {
  const e = failure(fn);
  expect(e).toBeInstanceOf(CheckpointError);
  expect(e.message).toMatch(pattern);
  expect(e.message).not.toContain("\n");
}

describe("latestCheckpoint", () => {
  it("follows latest.json, and is null without one", async () => {
    const { checkpoints, dir } = await saved();
    expect(latestCheckpoint(checkpoints)).toBe(dir);
    expect(latestCheckpoint(join(root, "none"))).toBeNull();
  });

  it("refuses a latest.json that is not JSON, has no checkpoint name, or points nowhere, naming it", async () => {
    const { checkpoints } = await saved();
    const pointer = join(checkpoints, "latest.json");
    writeFileSync(pointer, '{\n  "checkpoint": step-0000010\n}');
    refused(
      () => latestCheckpoint(checkpoints),
      /latest\.json: not valid JSON \(.*\); expected \{"checkpoint": "step-NNNNNNN", "step": N\}$/,
    );
    writeFileSync(pointer, "{}");
    refused(
      () => latestCheckpoint(checkpoints),
      /latest\.json: checkpoint must name a step-NNNNNNN folder \(got undefined\)/,
    );
    writeFileSync(pointer, JSON.stringify({ checkpoint: "../../elsewhere" }));
    refused(
      () => latestCheckpoint(checkpoints),
      /latest\.json: checkpoint must name a step-NNNNNNN folder \(got "\.\.\/\.\.\/elsewhere"\)/,
    );
    writeFileSync(pointer, JSON.stringify({ checkpoint: "step-0000099", step: 99 }));
    refused(
      () => latestCheckpoint(checkpoints),
      /latest\.json: points at step-0000099, which does not exist/,
    );
  });
});

describe("loadCheckpoint", () => {
  it("restores the weights and the trainer state", async () => {
    const { dir } = await saved();
    const w = tf.variable(tf.zeros([2]), true, "ckpt-test/w");
    expect(await loadCheckpoint(dir, { w })).toEqual(state(10));
    expect(Array.from(w.dataSync())).toEqual([1, 2]);
    w.dispose();
  });

  it("refuses a missing, unparsable or incomplete state.json and corrupted weights, naming the file", async () => {
    const { dir } = await saved();
    const w = tf.variable(tf.zeros([2]), true, "ckpt-test/w2");
    const statePath = join(dir, "state.json");
    const good = readFileSync(statePath, "utf8");
    const rejects = async (pattern: RegExp) => {
      const e = await loadCheckpoint(dir, { w }).catch((x: unknown) => x as Error);
      expect(e).toBeInstanceOf(CheckpointError);
      expect((e as Error).message).toMatch(pattern);
      expect((e as Error).message).not.toContain("\n");
    };
    writeFileSync(statePath, good.slice(0, 30));
    await rejects(/state\.json: not valid JSON/);
    writeFileSync(statePath, JSON.stringify({ ...JSON.parse(good), rngs: {} }));
    await rejects(/state\.json: rngs\.sample is undefined, not an Rng state/);
    writeFileSync(statePath, JSON.stringify({ ...JSON.parse(good), step: -1 }));
    await rejects(/state\.json: step is -1; expected \{step, adamStep: integers >= 0/);
    rmSync(statePath);
    await rejects(/not a checkpoint \(missing state\.json\)/);
    writeFileSync(statePath, good);
    const bin = join(dir, "weights.bin");
    const bytes = readFileSync(bin);
    bytes[0] ^= 0xff;
    writeFileSync(bin, bytes);
    await rejects(/weights\.bin: content does not match .*model\.json/);
    rmSync(join(dir, "model.json"));
    await rejects(/model\.json: not found; expected a checkpoint folder/);
    w.dispose();
  });
});

describe("saveCheckpoint", () => {
  it("under a regular file is a FileSystemError naming the folder", async () => {
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    const w = tf.tensor1d([1]);
    const e = await saveCheckpoint(join(file, "checkpoints"), { w }, state(1)).catch((x: unknown) => x);
    w.dispose();
    expect(e).toBeInstanceOf(FileSystemError);
    expect((e as Error).message).toMatch(
      /a-file\/checkpoints: cannot create the checkpoints folder \(.*ENOTDIR\)/,
    );
  });
});
