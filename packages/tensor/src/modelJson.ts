/** Reading and checking the `model.json` of a weights folder (see weights.ts for the format). */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CheckpointError, fileSystemError, oneLine } from "@hjepa/errors";
import { BYTES_PER_ELEMENT, MODEL_JSON, type ModelJson, WEIGHTS_BIN, type WeightSpec } from "./weights.ts";

export function isErrno(e: unknown, code: string): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === code;
}

function checkSpec(spec: unknown, where: string, file: string): WeightSpec {
  const s = spec as Partial<WeightSpec> & { quantization?: unknown };
  if (
    typeof s?.name !== "string" ||
    !Array.isArray(s.shape) ||
    !s.shape.every((d) => Number.isSafeInteger(d) && d >= 0)
  ) {
    throw new CheckpointError(
      `${file}: ${where} must be {name: string, shape: non-negative integers, dtype} (got ${JSON.stringify(spec)})`,
    );
  }
  if (s.quantization !== undefined) {
    throw new CheckpointError(
      `${file}: ${where} ("${s.name}") is quantized; expected unquantized float32/int32/bool weights`,
    );
  }
  if (s.dtype === undefined || !(s.dtype in BYTES_PER_ELEMENT)) {
    throw new CheckpointError(
      `${file}: ${where} ("${s.name}") has dtype ${s.dtype}; expected float32, int32 or bool`,
    );
  }
  return { name: s.name, shape: s.shape, dtype: s.dtype };
}

/** Reads and checks the structure of `dir`/model.json. */
export async function readModelJson(dir: string): Promise<ModelJson> {
  const file = join(dir, MODEL_JSON);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if (isErrno(e, "ENOENT")) {
      throw new CheckpointError(
        `${file}: not found; expected a checkpoint folder with ${MODEL_JSON} and ${WEIGHTS_BIN}`,
      );
    }
    throw fileSystemError(e, file, "read the checkpoint");
  }
  let json: ModelJson;
  try {
    json = JSON.parse(text) as ModelJson;
  } catch (e) {
    throw new CheckpointError(`${file}: not valid JSON (${oneLine((e as Error).message)})`);
  }
  if (!Array.isArray(json?.weightsManifest)) {
    throw new CheckpointError(`${file}: weightsManifest must be an array of {paths, weights} groups`);
  }
  const integrity = json.hjepa;
  if (
    integrity !== undefined &&
    !(
      Number.isSafeInteger(integrity?.weightsBytes) && /^[0-9a-f]{64}$/.test(String(integrity?.weightsSha256))
    )
  ) {
    throw new CheckpointError(
      `${file}: hjepa must be {weightsBytes: integer, weightsSha256: 64 hex digits} (got ${JSON.stringify(integrity)})`,
    );
  }
  json.weightsManifest = json.weightsManifest.map((group, g) => {
    const paths = group?.paths;
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === "string")) {
      throw new CheckpointError(
        `${file}: weightsManifest[${g}].paths must be a non-empty array of file names`,
      );
    }
    if (!Array.isArray(group.weights))
      throw new CheckpointError(`${file}: weightsManifest[${g}].weights must be an array`);
    return {
      paths,
      weights: group.weights.map((w, i) => checkSpec(w, `weightsManifest[${g}].weights[${i}]`, file)),
    };
  });
  return json;
}
