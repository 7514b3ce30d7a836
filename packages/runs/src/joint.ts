import { type ExperimentConfig, type RunFolder, upperLevels } from "@hjepa/experiment";
import type { tf } from "@hjepa/tensor";
import { jointName, latestCheckpoint, levelCheckpointsDir } from "@hjepa/world-model";
import { loadCheckpointWeights } from "./checkpointWeights.ts";

/** A level whose weights came from the checkpoint of a level above it that was trained jointly with it. */
export interface JointSource {
  /** The jointly trained level (`frozenBelow: false`) whose checkpoint held them. */
  level: number;
  checkpoint: string;
  step: number;
}

/**
 * Where a run holds the current weights of `level` when a level above it was trained jointly with it
 * (`frozenBelow: false`): the latest checkpoint of the highest such level that has one (its own checkpoint,
 * as that level's training left it, is then out of date), or null when no level above was trained jointly.
 */
export function jointCheckpointFor(
  run: RunFolder,
  config: ExperimentConfig,
  level: number,
): { level: number; checkpoint: string } | null {
  const upper = upperLevels(config);
  for (let k = config.world.levels.length; k > level; k--) {
    if (upper[k - 2]?.frozenBelow !== false) continue;
    const checkpoint = latestCheckpoint(levelCheckpointsDir(run, k));
    if (checkpoint) return { level: k, checkpoint };
  }
  return null;
}

/**
 * Loads level `level`'s parameters (`model.params`) from the checkpoint of a level trained jointly with it,
 * where they are named `level-<level>/<name>` (checked by name, shape and the weights' sha256 like every
 * checkpoint; the rest of the file is skipped). On a failed check the model is disposed and the error thrown.
 */
export async function loadJointWeights(
  model: { params: { entries(): [string, tf.Variable][] }; dispose(): void },
  level: number,
  checkpoint: string,
): Promise<number> {
  const entries = () =>
    model.params.entries().map(([name, v]): [string, tf.Variable] => [jointName(level, name), v]);
  return loadCheckpointWeights({ params: { entries }, dispose: () => model.dispose() }, checkpoint);
}
