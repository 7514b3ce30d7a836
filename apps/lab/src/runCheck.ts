import { CheckpointError, isHjepaError } from "@hjepa/errors";
import type { RunFolder } from "@hjepa/experiment";

/**
 * Checks a run's saved files the way `eval` will read them: the latest checkpoint's model.json, byte lengths and
 * SHA-256 of its weights. Returns "ok (checkpoint step-...)" or "none saved yet"; a corrupted file is a
 * `CheckpointError` naming it, so `inspect` never calls a damaged run `finished` without saying so.
 */
export async function checkRunFiles(run: RunFolder): Promise<string> {
  const { latestCheckpoint } = await import("@hjepa/world-model");
  const { initTensors, loadWeights, tf } = await import("@hjepa/tensor");
  const dir = latestCheckpoint(run.checkpointsDir);
  if (dir === null) return "no checkpoint saved yet";
  await initTensors({ backend: "cpu" });
  try {
    const { weights } = await loadWeights(dir);
    tf.dispose(Object.values(weights));
  } catch (e) {
    if (isHjepaError(e))
      throw new CheckpointError(`${e.message} (the run's manifest says ${run.manifest.status})`);
    throw e;
  }
  return `ok (checksums of ${dir.slice(run.dir.length + 1)} match)`;
}
