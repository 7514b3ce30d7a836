import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic } from "@hjepa/experiment";
import { loadWeightsInto, saveWeights, type tf } from "@hjepa/tensor";
import type { RngState } from "gymnasium-js";

/** What besides the weights a checkpoint needs so that a resumed run continues exactly. */
export interface TrainerState {
  step: number;
  adamStep: number;
  rngs: Record<string, RngState>;
  firstLoss: number | null;
  /** Wall-clock seconds spent training before this checkpoint. */
  elapsed: number;
}

const STATE_FILE = "state.json";
const LATEST_FILE = "latest.json";

function stepDir(step: number): string {
  return `step-${String(step).padStart(7, "0")}`;
}

/**
 * Saves `weights` (model parameters and optimizer state, by name) and `state` as `checkpoints/step-NNNNNNN/`
 * (model.json + weights.bin in the TensorFlow.js format, plus state.json), then points `latest.json` at it.
 * The folder is written under a temp name and renamed, and `latest.json` is replaced atomically, so a crash
 * leaves the previous checkpoint as the latest.
 */
export async function saveCheckpoint(
  checkpointsDir: string,
  weights: Record<string, tf.Tensor>,
  state: TrainerState,
  meta: Record<string, unknown> = {},
): Promise<string> {
  mkdirSync(checkpointsDir, { recursive: true });
  const name = stepDir(state.step);
  const final = join(checkpointsDir, name);
  const tmp = join(checkpointsDir, `.${name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  await saveWeights(tmp, weights, { userDefinedMetadata: { step: state.step, ...meta } });
  writeJsonAtomic(join(tmp, STATE_FILE), state);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  writeJsonAtomic(join(checkpointsDir, LATEST_FILE), { checkpoint: name, step: state.step });
  return final;
}

/** The latest complete checkpoint folder, or null when there is none. */
export function latestCheckpoint(checkpointsDir: string): string | null {
  const pointer = join(checkpointsDir, LATEST_FILE);
  if (!existsSync(pointer)) return null;
  let name: string;
  try {
    name = (JSON.parse(readFileSync(pointer, "utf8")) as { checkpoint: string }).checkpoint;
  } catch (e) {
    throw new Error(
      `${pointer}: not valid JSON (${(e as Error).message}); expected {"checkpoint": "step-..."}`,
    );
  }
  const dir = join(checkpointsDir, name);
  if (!existsSync(dir)) throw new Error(`${pointer}: points at ${name}, which does not exist`);
  return dir;
}

/** Loads a checkpoint into `variables` (checked by name, shape and dtype) and returns its trainer state. */
export async function loadCheckpoint(
  dir: string,
  variables: Record<string, tf.Variable>,
): Promise<TrainerState> {
  const statePath = join(dir, STATE_FILE);
  if (!existsSync(statePath)) throw new Error(`${dir}: not a checkpoint (missing ${STATE_FILE})`);
  let state: TrainerState;
  try {
    state = JSON.parse(readFileSync(statePath, "utf8")) as TrainerState;
  } catch (e) {
    throw new Error(`${statePath}: not valid JSON (${(e as Error).message})`);
  }
  if (!Number.isInteger(state.step) || state.step < 0 || typeof state.rngs !== "object") {
    throw new Error(
      `${statePath}: expected {step: integer >= 0, rngs: {...}} (got step ${String(state.step)})`,
    );
  }
  await loadWeightsInto(dir, variables);
  return state;
}

/** Removes all but the newest `keep` checkpoints (the one `latest.json` names is always kept). */
export function pruneCheckpoints(checkpointsDir: string, keep: number): void {
  const latest = latestCheckpoint(checkpointsDir);
  const dirs = readdirSync(checkpointsDir)
    .filter((n) => /^step-\d+$/.test(n))
    .sort();
  for (const n of dirs.slice(0, Math.max(0, dirs.length - keep))) {
    const dir = join(checkpointsDir, n);
    if (dir !== latest) rmSync(dir, { recursive: true, force: true });
  }
}
