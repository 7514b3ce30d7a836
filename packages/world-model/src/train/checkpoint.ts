import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError, fileSystemError, oneLine, onFileSystem } from "@hjepa/errors";
import { writeJsonAtomic } from "@hjepa/experiment";
import { pauseForTest, removeOnExit, removeStaleTemps, tempPathFor } from "@hjepa/experiment/crashSafety";
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
 * leaves the previous checkpoint as the latest. A temp folder left by a killed process is removed by the next save.
 */
export async function saveCheckpoint(
  checkpointsDir: string,
  weights: Record<string, tf.Tensor>,
  state: TrainerState,
  meta: Record<string, unknown> = {},
): Promise<string> {
  onFileSystem(checkpointsDir, "create the checkpoints folder", () =>
    mkdirSync(checkpointsDir, { recursive: true }),
  );
  const name = stepDir(state.step);
  const final = join(checkpointsDir, name);
  removeStaleTemps(checkpointsDir);
  const tmp = tempPathFor(final);
  const keep = removeOnExit(tmp);
  try {
    await saveWeights(tmp, weights, { userDefinedMetadata: { step: state.step, ...meta } });
    writeJsonAtomic(join(tmp, STATE_FILE), state);
    await pauseForTest("saving-checkpoint");
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw fileSystemError(e, final, "save the checkpoint");
  } finally {
    keep();
  }
  writeJsonAtomic(join(checkpointsDir, LATEST_FILE), { checkpoint: name, step: state.step });
  return final;
}

/**
 * The latest complete checkpoint folder, or null when there is none. A latest.json that is not JSON, does not
 * name a `step-NNNNNNN` folder, or names one that does not exist is a `CheckpointError` naming it.
 */
export function latestCheckpoint(checkpointsDir: string): string | null {
  const pointer = join(checkpointsDir, LATEST_FILE);
  if (!existsSync(pointer)) return null;
  const expected = 'expected {"checkpoint": "step-NNNNNNN", "step": N}';
  const text = onFileSystem(pointer, "read the checkpoint pointer", () => readFileSync(pointer, "utf8"));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${pointer}: not valid JSON (${oneLine((e as Error).message)}); ${expected}`);
  }
  const name = (json as { checkpoint?: unknown } | null)?.checkpoint;
  if (typeof name !== "string" || !/^step-\d+$/.test(name)) {
    throw new CheckpointError(
      `${pointer}: checkpoint must name a step-NNNNNNN folder (got ${JSON.stringify(name)}); ${expected}`,
    );
  }
  const dir = join(checkpointsDir, name);
  if (!existsSync(dir)) throw new CheckpointError(`${pointer}: points at ${name}, which does not exist`);
  return dir;
}

/**
 * Loads a checkpoint into `variables` (checked by name, shape and dtype) and returns its trainer state. A
 * missing, unparsable or incomplete state.json, or weights that do not fit, is a `CheckpointError`.
 */
export async function loadCheckpoint(
  dir: string,
  variables: Record<string, tf.Variable>,
): Promise<TrainerState> {
  const statePath = join(dir, STATE_FILE);
  if (!existsSync(statePath)) throw new CheckpointError(`${dir}: not a checkpoint (missing ${STATE_FILE})`);
  const text = onFileSystem(statePath, "read the trainer state", () => readFileSync(statePath, "utf8"));
  let state: TrainerState;
  try {
    state = JSON.parse(text) as TrainerState;
  } catch (e) {
    throw new CheckpointError(`${statePath}: not valid JSON (${oneLine((e as Error).message)})`);
  }
  const problem = stateProblem(state);
  if (problem !== null) {
    throw new CheckpointError(
      `${statePath}: ${problem}; expected {step, adamStep: integers >= 0, rngs: {sample, loss}, firstLoss, elapsed}`,
    );
  }
  await loadWeightsInto(dir, variables);
  return state;
}

/** What is wrong with a parsed state.json, or null. */
function stateProblem(state: unknown): string | null {
  if (state === null || typeof state !== "object" || Array.isArray(state)) return "not an object";
  const s = state as Partial<Record<keyof TrainerState, unknown>>;
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!count(s.step)) return `step is ${JSON.stringify(s.step)}`;
  if (!count(s.adamStep)) return `adamStep is ${JSON.stringify(s.adamStep)}`;
  const rngs = s.rngs as Record<string, unknown> | undefined;
  for (const stream of ["sample", "loss"]) {
    const words = (rngs?.[stream] as { s?: unknown } | undefined)?.s;
    if (!(Array.isArray(words) && words.length === 4 && words.every((w) => Number.isInteger(w)))) {
      return `rngs.${stream} is ${JSON.stringify(rngs?.[stream])}, not an Rng state {s: four integers, spare}`;
    }
  }
  if (s.firstLoss !== null && typeof s.firstLoss !== "number")
    return `firstLoss is ${JSON.stringify(s.firstLoss)}`;
  if (typeof s.elapsed !== "number") return `elapsed is ${JSON.stringify(s.elapsed)}`;
  return null;
}

/** Whether `checkpointsDir` holds any checkpoint folder (`step-NNNNNNN`). */
export function hasStepFolders(checkpointsDir: string): boolean {
  return existsSync(checkpointsDir) && readdirSync(checkpointsDir).some((n) => /^step-\d+$/.test(n));
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
