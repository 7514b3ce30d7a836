/**
 * Save and load named weights in the TensorFlow.js format: `model.json` (a `weightsManifest` and optional
 * `modelTopology` / `userDefinedMetadata`) next to the raw little-endian bytes in `weights.bin`. TF.js's own
 * loaders read these files; `loadWeights` also reads multi-shard manifests written by TF.js.
 *
 * Save order (so a crash never leaves a checkpoint that loads wrong):
 *   1. write weights.bin.tmp-<id> and fsync it;
 *   2. write model.json.tmp-<id> (which records weights.bin's byte length and SHA-256) and fsync it;
 *   3. rename weights.bin.tmp-<id> -> weights.bin;
 *   4. rename model.json.tmp-<id> -> model.json (the commit point), then fsync the folder.
 * A crash before 3 leaves the previous checkpoint untouched (plus temp files). A crash between 3 and 4 leaves
 * the new weights.bin with the old model.json: `loadWeights` detects the mismatch through the recorded
 * length/SHA-256 and refuses with an error naming both files, instead of loading mixed weights.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { isAbsolute, join, normalize } from "node:path";
import { CheckpointError, fileSystemError } from "@hjepa/errors";
import { isErrno, readModelJson } from "./modelJson.ts";
import { tf } from "./tf.ts";

export { readModelJson } from "./modelJson.ts";

export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

export type WeightDtype = "float32" | "int32" | "bool";
export const BYTES_PER_ELEMENT: Record<WeightDtype, number> = { float32: 4, int32: 4, bool: 1 };

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: WeightDtype;
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** The model.json this module writes (TF.js ModelJSON plus an `hjepa` integrity record). */
export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology?: unknown;
  weightsManifest: WeightsManifestGroup[];
  userDefinedMetadata?: Record<string, unknown>;
  hjepa?: { weightsBytes: number; weightsSha256: string };
}

/** Named tensors: a record, variables (their `name`s), or name/tensor pairs. Order is kept in the file. */
export type NamedWeights =
  | Record<string, tf.Tensor>
  | tf.Variable[]
  | Array<{ name: string; tensor: tf.Tensor }>;

export interface SaveWeightsOptions {
  modelTopology?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  /** TF.js `format` ("layers-model", "graph-model"); omitted when not given. */
  format?: string;
}

export interface SavedWeights {
  modelJsonPath: string;
  weightsPath: string;
  bytes: number;
  sha256: string;
}

/** What the caller expects to load: name -> shape (and dtype, default float32), or specs. */
export type ExpectedWeights = Record<string, { shape: number[]; dtype?: WeightDtype }> | WeightSpec[];

export interface LoadWeightsOptions {
  expected?: ExpectedWeights;
  /** Accept weights in the file that `expected` does not list (default false: they are an error). */
  allowExtra?: boolean;
}

function toPairs(weights: NamedWeights): Array<{ name: string; tensor: tf.Tensor }> {
  if (Array.isArray(weights)) {
    return weights.map((w) => (w instanceof tf.Variable ? { name: w.name, tensor: w } : w));
  }
  return Object.entries(weights).map(([name, tensor]) => ({ name, tensor }));
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `weights` into `dir` (created if needed) as model.json + weights.bin, atomically (see top). */
export async function saveWeights(
  dir: string,
  weights: NamedWeights,
  options: SaveWeightsOptions = {},
): Promise<SavedWeights> {
  const pairs = toPairs(weights);
  const seen = new Set<string>();
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const { name, tensor } of pairs) {
    if (typeof name !== "string" || name === "")
      throw new Error(`saveWeights(${dir}): every weight needs a name`);
    if (seen.has(name))
      throw new Error(`saveWeights(${dir}): weight name "${name}" appears twice; names must be unique`);
    seen.add(name);
    if (!(tensor.dtype in BYTES_PER_ELEMENT)) {
      throw new Error(
        `saveWeights(${dir}): weight "${name}" has dtype ${tensor.dtype}; expected float32, int32 or bool`,
      );
    }
    const data = (await tensor.data()) as Float32Array | Int32Array | Uint8Array;
    chunks.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    specs.push({ name, shape: [...tensor.shape], dtype: tensor.dtype as WeightDtype });
  }
  const bytes = Buffer.concat(chunks);
  const digest = sha256(bytes);
  const modelJson: ModelJson = {
    ...(options.format === undefined ? {} : { format: options.format }),
    generatedBy: "@hjepa/tensor",
    convertedBy: null,
    ...(options.modelTopology === undefined ? {} : { modelTopology: options.modelTopology }),
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: specs }],
    ...(options.userDefinedMetadata === undefined
      ? {}
      : { userDefinedMetadata: options.userDefinedMetadata }),
    hjepa: { weightsBytes: bytes.length, weightsSha256: digest },
  };

  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw fileSystemError(e, dir, "create the checkpoint folder");
  }
  const id = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const binTmp = join(dir, `${WEIGHTS_BIN}.tmp-${id}`);
  const jsonTmp = join(dir, `${MODEL_JSON}.tmp-${id}`);
  try {
    await writeSynced(binTmp, bytes);
    await writeSynced(jsonTmp, `${JSON.stringify(modelJson, null, 2)}\n`);
    await rename(binTmp, join(dir, WEIGHTS_BIN));
    await rename(jsonTmp, join(dir, MODEL_JSON));
  } catch (e) {
    await rm(binTmp, { force: true });
    await rm(jsonTmp, { force: true });
    throw fileSystemError(e, dir, "save the weights");
  }
  try {
    const folder = await open(dir, "r");
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch {
    // Some filesystems refuse to open or fsync a directory; the renames are still atomic there.
  }
  return {
    modelJsonPath: join(dir, MODEL_JSON),
    weightsPath: join(dir, WEIGHTS_BIN),
    bytes: bytes.length,
    sha256: digest,
  };
}

function normaliseExpected(expected: ExpectedWeights): Map<string, { shape: number[]; dtype: WeightDtype }> {
  const entries = Array.isArray(expected)
    ? expected.map((s) => [s.name, s] as const)
    : Object.entries(expected).map(([name, s]) => [name, s] as const);
  return new Map(entries.map(([name, s]) => [name, { shape: s.shape, dtype: s.dtype ?? "float32" }]));
}

function checkAgainstExpected(specs: WeightSpec[], options: LoadWeightsOptions, file: string): void {
  if (options.expected === undefined) return;
  const expected = normaliseExpected(options.expected);
  const byName = new Map(specs.map((s) => [s.name, s]));
  const missing = [...expected.keys()].filter((n) => !byName.has(n));
  if (missing.length > 0) {
    throw new CheckpointError(
      `${file}: no weight named ${missing.map((n) => `"${n}"`).join(", ")} (expected by the caller; the file has ` +
        `${specs.map((s) => `"${s.name}"`).join(", ") || "none"})`,
    );
  }
  const extra = specs.filter((s) => !expected.has(s.name)).map((s) => `"${s.name}"`);
  if (extra.length > 0 && !options.allowExtra) {
    throw new CheckpointError(
      `${file}: unexpected weights ${extra.join(", ")} (pass allowExtra: true to ignore them)`,
    );
  }
  for (const [name, want] of expected) {
    const got = byName.get(name)!;
    if (got.shape.join(",") !== want.shape.join(",") || got.dtype !== want.dtype) {
      throw new CheckpointError(
        `${file}: weight "${name}" is ${got.dtype} [${got.shape}], expected ${want.dtype} [${want.shape}]`,
      );
    }
  }
}

async function readGroupBytes(
  dir: string,
  group: WeightsManifestGroup,
  g: number,
  file: string,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const [p, rel] of group.paths.entries()) {
    const clean = normalize(rel);
    if (isAbsolute(clean) || clean.startsWith("..")) {
      throw new CheckpointError(
        `${file}: weightsManifest[${g}].paths[${p}] = "${rel}" must stay inside the checkpoint folder`,
      );
    }
    const path = join(dir, clean);
    try {
      parts.push(await readFile(path));
    } catch (e) {
      if (isErrno(e, "ENOENT")) {
        throw new CheckpointError(`${path}: not found (listed in ${file} weightsManifest[${g}].paths[${p}])`);
      }
      throw fileSystemError(e, path, "read the weights");
    }
  }
  return Buffer.concat(parts);
}

async function leftoverTemps(dir: string): Promise<string> {
  const names = (await readdir(dir)).filter((n) => n.includes(".tmp-"));
  return names.length > 0 ? `; leftover temp files: ${names.join(", ")}` : "";
}

/**
 * Loads every weight of the checkpoint in `dir`, after checking files, byte lengths, the recorded SHA-256 and
 * (when given) the expected names, shapes and dtypes. Nothing is allocated when a check fails.
 */
export async function loadWeights(
  dir: string,
  options: LoadWeightsOptions = {},
): Promise<{ weights: Record<string, tf.Tensor>; modelJson: ModelJson }> {
  const modelJson = await readModelJson(dir);
  const file = join(dir, MODEL_JSON);
  const all = modelJson.weightsManifest.flatMap((group) => group.weights);
  const names = new Set<string>();
  for (const s of all) {
    if (names.has(s.name)) throw new CheckpointError(`${file}: weight "${s.name}" is listed twice`);
    names.add(s.name);
  }
  checkAgainstExpected(all, options, file);

  const decoded: Array<{ spec: WeightSpec; bytes: Buffer }> = [];
  for (const [g, group] of modelJson.weightsManifest.entries()) {
    const bytes = await readGroupBytes(dir, group, g, file);
    const sizes = group.weights.map((s) => s.shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[s.dtype]);
    const expectedBytes = sizes.reduce((a, b) => a + b, 0);
    const binNames = group.paths.map((p) => join(dir, p)).join(" + ");
    if (bytes.length !== expectedBytes) {
      throw new CheckpointError(
        `${binNames}: ${bytes.length} bytes, expected ${expectedBytes} for the ${group.weights.length} weights ` +
          `listed in ${file} weightsManifest[${g}]${await leftoverTemps(dir)}`,
      );
    }
    const integrity = modelJson.hjepa;
    if (integrity !== undefined && modelJson.weightsManifest.length === 1) {
      const digest = sha256(bytes);
      if (digest !== integrity.weightsSha256) {
        throw new CheckpointError(
          `${binNames}: content does not match ${file} (sha256 ${digest.slice(0, 12)}..., expected ` +
            `${integrity.weightsSha256.slice(0, 12)}...): the files were changed or a save was interrupted` +
            (await leftoverTemps(dir)),
        );
      }
    }
    let offset = 0;
    for (const [i, spec] of group.weights.entries()) {
      decoded.push({ spec, bytes: bytes.subarray(offset, offset + sizes[i]) });
      offset += sizes[i];
    }
  }

  const weights: Record<string, tf.Tensor> = {};
  for (const { spec, bytes } of decoded) {
    // Copy into a fresh, aligned buffer: entries are packed without alignment (bool takes one byte).
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const values =
      spec.dtype === "float32"
        ? new Float32Array(buffer)
        : spec.dtype === "int32"
          ? new Int32Array(buffer)
          : new Uint8Array(buffer);
    weights[spec.name] = tf.tensor(values, spec.shape, spec.dtype);
  }
  return { weights, modelJson };
}

/**
 * Loads the checkpoint in `dir` into `variables` (matched by name: the record keys or each variable's `name`),
 * checking shapes and dtypes first. Returns the model.json.
 */
export async function loadWeightsInto(
  dir: string,
  variables: tf.Variable[] | Record<string, tf.Variable>,
  options: { allowExtra?: boolean } = {},
): Promise<ModelJson> {
  const pairs = Array.isArray(variables)
    ? variables.map((v) => [v.name, v] as const)
    : Object.entries(variables).map(([name, v]) => [name, v] as const);
  const expected: ExpectedWeights = Object.fromEntries(
    pairs.map(([name, v]) => [name, { shape: [...v.shape], dtype: v.dtype as WeightDtype }]),
  );
  const { weights, modelJson } = await loadWeights(dir, { expected, allowExtra: options.allowExtra });
  for (const [name, v] of pairs) v.assign(weights[name]);
  tf.dispose(Object.values(weights));
  return modelJson;
}
