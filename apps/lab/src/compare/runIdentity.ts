import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError, oneLine } from "@hjepa/errors";
import { type ExperimentConfig, fileSha256 } from "@hjepa/experiment";
import { contentHash } from "../jobs/job.ts";

/**
 * What identifies a run for the comparison, read from its files without loading a model.
 *
 * `runKey`: the hash of its resolved config less the agent section, name and description, i.e. of everything
 * that determines what training learns (env, data, world model, training, seed, backend). Two runs with one
 * key learn the same model; a comparison reuses a finished run with the key it needs.
 *
 * `modelIdentity`: the weights a finished run holds (each level's latest checkpoint, by its weights' sha256)
 * and its prepared agent parts: what an evaluation of it depends on, part of every eval job id.
 */
export function runKey(config: ExperimentConfig): string {
  const { agent: _agent, name: _name, description: _description, ...trained } = config;
  return contentHash(trained);
}

export interface ModelIdentity {
  /** Per checkpoint folder ("checkpoints", "checkpoints/level-2", ...): the latest checkpoint and its weights. */
  checkpoints: Record<string, { checkpoint: string; weightsSha256: string }>;
  /** prepared.json's parts (sha256 of each saved part), null when the run has none. */
  parts: Record<string, string | null> | null;
}

export function modelIdentity(runDir: string): ModelIdentity {
  const checkpoints: ModelIdentity["checkpoints"] = {};
  const base = join(runDir, "checkpoints");
  const dirs = [
    "checkpoints",
    ...(existsSync(base) ? readdirSync(base) : [])
      .filter((n) => /^level-\d+$/.test(n))
      .sort()
      .map((n) => `checkpoints/${n}`),
  ];
  for (const rel of dirs) {
    const pointer = join(runDir, rel, "latest.json");
    if (!existsSync(pointer)) continue;
    const name = readJson<{ checkpoint?: string }>(pointer).checkpoint;
    if (typeof name !== "string") throw new CheckpointError(`${pointer}: expected {"checkpoint": "step-N"}`);
    const model = readJson<{ hjepa?: { weightsSha256?: string } }>(join(runDir, rel, name, "model.json"));
    checkpoints[rel] = {
      checkpoint: name,
      weightsSha256: model.hjepa?.weightsSha256 ?? fileSha256(join(runDir, rel, name, "weights.bin")),
    };
  }
  if (Object.keys(checkpoints).length === 0)
    throw new CheckpointError(
      `${runDir}: no checkpoint (checkpoints/latest.json is missing); train it first`,
    );
  const preparedFile = join(runDir, "agent", "prepared.json");
  const prepared = existsSync(preparedFile)
    ? readJson<{ parts?: Record<string, { sha256?: string } | null> }>(preparedFile)
    : null;
  const parts = prepared?.parts
    ? Object.fromEntries(Object.entries(prepared.parts).map(([k, v]) => [k, v?.sha256 ?? null]))
    : null;
  return { checkpoints, parts };
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (e) {
    throw new CheckpointError(`${file}: cannot read it as JSON (${oneLine((e as Error).message)})`);
  }
}
