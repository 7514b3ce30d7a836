import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointError, FileSystemError } from "@hjepa/errors";
import { Rng } from "gymnasium-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "./backend.ts";
import { normal } from "./init.ts";
import { expectNoLeaks } from "./testing.ts";
import { tf } from "./tf.ts";
import { loadWeights, loadWeightsInto, type ModelJson, readModelJson, saveWeights } from "./weights.ts";

const root = mkdtempSync(join(tmpdir(), "hjepa-weights-"));
let n = 0;
const freshDir = () => join(root, `ckpt-${n++}`);

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sample(): Record<string, tf.Tensor> {
  const rng = new Rng(0);
  return {
    "enc/w0": normal([3, 4], rng),
    "enc/b0": tf.tensor1d([0.5, -1, 2, 1e-30]),
    steps: tf.tensor1d([1, -2, 2147483647], "int32"),
    mask: tf.tensor2d([true, false, true, true, false, false], [2, 3], "bool"),
    scalar: tf.scalar(3.25),
    empty: tf.zeros([0, 3]),
  };
}

/** `p` rejects with a one-line CheckpointError whose message matches `pattern`. */
async function refused(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(CheckpointError);
  expect((e as Error).message).toMatch(pattern);
  expect((e as Error).message).not.toContain("\n");
}

async function savedSample(extra: Parameters<typeof saveWeights>[2] = {}): Promise<string> {
  const dir = freshDir();
  const w = sample();
  await saveWeights(dir, w, extra);
  tf.dispose(Object.values(w));
  return dir;
}

describe("saveWeights / loadWeights", () => {
  it("round-trips float32, int32, bool, scalars and empty tensors bit for bit, in the TF.js layout", async () => {
    const dir = freshDir();
    const w = sample();
    const saved = await saveWeights(dir, w, {
      userDefinedMetadata: { step: 7 },
      modelTopology: { kind: "toy" },
    });
    const { weights, modelJson } = await loadWeights(dir);
    for (const [name, t] of Object.entries(w)) {
      expect(weights[name].shape).toEqual(t.shape);
      expect(weights[name].dtype).toBe(t.dtype);
      expect(Array.from(weights[name].dataSync())).toEqual(Array.from(t.dataSync()));
    }
    expect(modelJson.weightsManifest).toEqual([
      {
        paths: ["weights.bin"],
        weights: Object.entries(w).map(([name, t]) => ({ name, shape: t.shape, dtype: t.dtype })),
      },
    ]);
    expect(modelJson.userDefinedMetadata).toEqual({ step: 7 });
    expect(modelJson.modelTopology).toEqual({ kind: "toy" });
    expect(saved.bytes).toBe(12 * 4 + 4 * 4 + 3 * 4 + 6 + 4);
    expect(readdirSync(dir).sort()).toEqual(["model.json", "weights.bin"]);
    tf.dispose([...Object.values(w), ...Object.values(weights)]);
  });

  it("writes byte-identical files for identical weights", async () => {
    const a = await savedSample();
    const b = await savedSample();
    for (const f of ["model.json", "weights.bin"]) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f)))).toBe(true);
    }
  });

  it("loads into named variables after checking shapes, without leaking tensors", async () => {
    const dir = freshDir();
    const rng = new Rng(1);
    const a = tf.variable(normal([2, 2], rng), true, "net/a");
    const b = tf.variable(normal([3], rng), true, "net/b");
    await saveWeights(dir, [a, b]);
    const before = [a.dataSync().slice(), b.dataSync().slice()];
    a.assign(tf.zeros([2, 2]));
    b.assign(tf.zeros([3]));
    const tensorsBefore = tf.memory().numTensors;
    await loadWeightsInto(dir, [a, b]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(Array.from(a.dataSync())).toEqual(Array.from(before[0]));
    expect(Array.from(b.dataSync())).toEqual(Array.from(before[1]));
    const wrong = tf.variable(tf.zeros([2, 3]), true, "other");
    await refused(
      loadWeightsInto(dir, { "net/a": wrong }, { allowExtra: true }),
      /weight "net\/a" is float32 \[2,2\], expected float32 \[2,3\]/,
    );
    tf.dispose([a, b, wrong]);
  });

  it("reads multi-shard manifests as TF.js writes them", async () => {
    const dir = freshDir();
    const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const bytes = Buffer.from(values.buffer);
    const manifest: ModelJson = {
      format: "layers-model",
      weightsManifest: [
        {
          paths: ["group1-shard1of2.bin", "group1-shard2of2.bin"],
          weights: [{ name: "w", shape: [2, 3], dtype: "float32" }],
        },
      ],
    };
    saveRaw(dir, manifest, {
      "group1-shard1of2.bin": bytes.subarray(0, 10),
      "group1-shard2of2.bin": bytes.subarray(10),
    });
    const { weights } = await loadWeights(dir, { expected: { w: { shape: [2, 3] } } });
    expect(Array.from(weights.w.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    weights.w.dispose();
  });

  it("refuses duplicate names and unsupported dtypes when saving", async () => {
    const t = tf.ones([2]);
    await expect(
      saveWeights(freshDir(), [
        { name: "x", tensor: t },
        { name: "x", tensor: t },
      ]),
    ).rejects.toThrow(/weight name "x" appears twice/);
    t.dispose();
  });
});

function saveRaw(dir: string, modelJson: unknown, files: Record<string, Uint8Array>): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.json"), JSON.stringify(modelJson));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
}

describe("loadWeights refuses broken checkpoints with errors naming the file and what was expected", () => {
  it("a missing folder or model.json", async () => {
    await refused(loadWeights(join(root, "nope")), /nope\/model\.json: not found; expected a checkpoint/);
  });

  it("a missing weights.bin", async () => {
    const dir = await savedSample();
    rmSync(join(dir, "weights.bin"));
    await refused(
      loadWeights(dir),
      /weights\.bin: not found \(listed in .*model\.json weightsManifest\[0\]\.paths\[0\]\)/,
    );
  });

  it("a truncated weights.bin (wrong byte length)", async () => {
    const dir = await savedSample();
    const bin = join(dir, "weights.bin");
    writeFileSync(bin, readFileSync(bin).subarray(0, 50));
    await refused(loadWeights(dir), /weights\.bin: 50 bytes, expected 86 for the 6 weights listed in/);
  });

  it("a corrupted byte (same length: caught by the SHA-256)", async () => {
    const dir = await savedSample();
    const bin = join(dir, "weights.bin");
    const bytes = readFileSync(bin);
    bytes[5] ^= 0xff;
    writeFileSync(bin, bytes);
    await refused(loadWeights(dir), /weights\.bin: content does not match .*model\.json/);
  });

  it("a save interrupted between the two renames (new weights.bin, old model.json)", async () => {
    const dir = await savedSample();
    const other = freshDir();
    const t = tf.zeros([86], "bool"); // same byte length as the sample
    await saveWeights(other, { x: t });
    t.dispose();
    writeFileSync(join(dir, "weights.bin"), readFileSync(join(other, "weights.bin")));
    await refused(loadWeights(dir), /a save was interrupted/);
  });

  it("expected names, shapes and dtypes that do not match", async () => {
    const dir = await savedSample();
    const all = {
      "enc/w0": { shape: [3, 4] },
      "enc/b0": { shape: [4] },
      steps: { shape: [3], dtype: "int32" as const },
      mask: { shape: [2, 3], dtype: "bool" as const },
      scalar: { shape: [] },
      empty: { shape: [0, 3] },
    };
    await refused(
      loadWeights(dir, { expected: { ...all, missing: { shape: [1] } } }),
      /no weight named "missing" \(expected by the caller; the file has "enc\/w0", "enc\/b0"/,
    );
    await refused(
      loadWeights(dir, { expected: { ...all, "enc/w0": { shape: [4, 3] } } }),
      /weight "enc\/w0" is float32 \[3,4\], expected float32 \[4,3\]/,
    );
    await refused(
      loadWeights(dir, { expected: { ...all, steps: { shape: [3] } } }),
      /weight "steps" is int32 \[3\], expected float32 \[3\]/,
    );
    await refused(
      loadWeights(dir, { expected: { "enc/w0": { shape: [3, 4] } } }),
      /unexpected weights "enc\/b0", "steps", "mask", "scalar", "empty"/,
    );
    const only = await expectNoLeaks(
      () => loadWeights(dir, { expected: { "enc/w0": { shape: [3, 4] } }, allowExtra: true }),
      6,
    );
    tf.dispose(Object.values(only.weights));
  });

  it("invalid JSON, quantized weights and paths leaving the folder", async () => {
    const dir = await savedSample();
    writeFileSync(join(dir, "model.json"), "{ not json");
    await refused(readModelJson(dir), /model\.json: not valid JSON/);
    const spec = { name: "q", shape: [2], dtype: "float32", quantization: { dtype: "uint8" } };
    saveRaw(
      dir,
      { weightsManifest: [{ paths: ["weights.bin"], weights: [spec] }] },
      { "weights.bin": new Uint8Array(2) },
    );
    await refused(loadWeights(dir), /\("q"\) is quantized; expected unquantized/);
    const outside = {
      weightsManifest: [{ paths: ["../x.bin"], weights: [{ name: "a", shape: [1], dtype: "float32" }] }],
    };
    saveRaw(dir, outside, {});
    await refused(loadWeights(dir), /paths\[0\] = "\.\.\/x\.bin" must stay inside the checkpoint folder/);
  });
  it("a garbled model.json: a JSON error spanning lines, a broken integrity record", async () => {
    const dir = await savedSample();
    writeFileSync(join(dir, "model.json"), '{\n  "weightsManifest": x\n}');
    await refused(readModelJson(dir), /model\.json: not valid JSON \(Unexpected token/);
    const json = JSON.parse(readFileSync(join(await savedSample(), "model.json"), "utf8")) as ModelJson;
    writeFileSync(join(dir, "model.json"), JSON.stringify({ ...json, hjepa: { weightsBytes: "86" } }));
    await refused(
      loadWeights(dir),
      /model\.json: hjepa must be \{weightsBytes: integer, weightsSha256: 64 hex/,
    );
  });
});

describe("file-system failures name the path", () => {
  it("saving under a regular file is a FileSystemError and leaves nothing behind", async () => {
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    const t = tf.ones([2]);
    const e = await saveWeights(join(file, "ckpt"), { t }).catch((x: unknown) => x);
    t.dispose();
    expect(e).toBeInstanceOf(FileSystemError);
    expect((e as FileSystemError).code).toBe("ENOTDIR");
    expect((e as Error).message).toMatch(/a-file\/ckpt: cannot create the checkpoint folder \(.*ENOTDIR\)/);
    expect(readFileSync(file, "utf8")).toBe("x");
  });

  it("a folder where model.json should be is a FileSystemError", async () => {
    const dir = freshDir();
    mkdirSync(join(dir, "model.json"), { recursive: true });
    const e = await readModelJson(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FileSystemError);
    expect((e as Error).message).toMatch(/model\.json: cannot read the checkpoint \(is a folder.*EISDIR\)/);
  });

  it("a folder where weights.bin should go is a FileSystemError, and the temp files are removed", async () => {
    const dir = freshDir();
    mkdirSync(join(dir, "weights.bin", "x"), { recursive: true });
    const t = tf.ones([2]);
    const e = await saveWeights(dir, { t }).catch((x: unknown) => x);
    t.dispose();
    expect(e).toBeInstanceOf(FileSystemError);
    expect((e as Error).message).toMatch(new RegExp(`^${dir}: cannot save the weights`));
    expect(readdirSync(dir)).toEqual(["weights.bin"]);
  });
});
