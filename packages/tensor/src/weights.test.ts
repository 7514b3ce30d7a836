import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
    await expect(loadWeightsInto(dir, { "net/a": wrong }, { allowExtra: true })).rejects.toThrow(
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
    await expect(loadWeights(join(root, "nope"))).rejects.toThrow(
      /nope\/model\.json: not found; expected a checkpoint/,
    );
  });

  it("a missing weights.bin", async () => {
    const dir = await savedSample();
    rmSync(join(dir, "weights.bin"));
    await expect(loadWeights(dir)).rejects.toThrow(
      /weights\.bin: not found \(listed in .*model\.json weightsManifest\[0\]\.paths\[0\]\)/,
    );
  });

  it("a truncated weights.bin (wrong byte length)", async () => {
    const dir = await savedSample();
    const bin = join(dir, "weights.bin");
    writeFileSync(bin, readFileSync(bin).subarray(0, 50));
    await expect(loadWeights(dir)).rejects.toThrow(
      /weights\.bin: 50 bytes, expected 86 for the 6 weights listed in/,
    );
  });

  it("a corrupted byte (same length: caught by the SHA-256)", async () => {
    const dir = await savedSample();
    const bin = join(dir, "weights.bin");
    const bytes = readFileSync(bin);
    bytes[5] ^= 0xff;
    writeFileSync(bin, bytes);
    await expect(loadWeights(dir)).rejects.toThrow(/weights\.bin: content does not match .*model\.json/);
  });

  it("a save interrupted between the two renames (new weights.bin, old model.json)", async () => {
    const dir = await savedSample();
    const other = freshDir();
    const t = tf.zeros([86], "bool"); // same byte length as the sample
    await saveWeights(other, { x: t });
    t.dispose();
    writeFileSync(join(dir, "weights.bin"), readFileSync(join(other, "weights.bin")));
    await expect(loadWeights(dir)).rejects.toThrow(/a save was interrupted/);
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
    await expect(loadWeights(dir, { expected: { ...all, missing: { shape: [1] } } })).rejects.toThrow(
      /no weight named "missing" \(expected by the caller; the file has "enc\/w0", "enc\/b0"/,
    );
    await expect(loadWeights(dir, { expected: { ...all, "enc/w0": { shape: [4, 3] } } })).rejects.toThrow(
      /weight "enc\/w0" is float32 \[3,4\], expected float32 \[4,3\]/,
    );
    await expect(loadWeights(dir, { expected: { ...all, steps: { shape: [3] } } })).rejects.toThrow(
      /weight "steps" is int32 \[3\], expected float32 \[3\]/,
    );
    await expect(loadWeights(dir, { expected: { "enc/w0": { shape: [3, 4] } } })).rejects.toThrow(
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
    await expect(readModelJson(dir)).rejects.toThrow(/model\.json: not valid JSON/);
    const spec = { name: "q", shape: [2], dtype: "float32", quantization: { dtype: "uint8" } };
    saveRaw(
      dir,
      { weightsManifest: [{ paths: ["weights.bin"], weights: [spec] }] },
      { "weights.bin": new Uint8Array(2) },
    );
    await expect(loadWeights(dir)).rejects.toThrow(/\("q"\) is quantized; expected unquantized/);
    const outside = {
      weightsManifest: [{ paths: ["../x.bin"], weights: [{ name: "a", shape: [1], dtype: "float32" }] }],
    };
    saveRaw(dir, outside, {});
    await expect(loadWeights(dir)).rejects.toThrow(
      /paths\[0\] = "\.\.\/x\.bin" must stay inside the checkpoint folder/,
    );
  });
});
