import { CheckpointError, isHjepaError, oneLine } from "@hjepa/errors";
import { Landmarks } from "@hjepa/memory";
import { loadWeights, readModelJson, saveWeights, tf } from "@hjepa/tensor";

// The landmarks part of a prepared run (RUN/agent/landmarks): the landmarks and their observed transitions in
// the weights format of @hjepa/tensor, with what rebuilds them in userDefinedMetadata.

const LANDMARKS_KIND = "Landmarks";

/** Saves landmarks as one `[size, dim]` weight with their radius and capacity; returns the weights' sha256. */
export async function saveLandmarks(dir: string, landmarks: Landmarks): Promise<string> {
  const rows = tf.tensor2d(landmarks.toArray(), [landmarks.size, landmarks.dim]);
  const tensors: Record<string, tf.Tensor> = { landmarks: rows };
  const count = landmarks.transitions;
  const actionSize = landmarks.transitionActionSize;
  if (count > 0) {
    // Indices as float32 are exact below 2^24; landmarks are at most a few thousand.
    const t = landmarks.transitionArrays();
    tensors.transitionFrom = tf.tensor1d(Float32Array.from(t.from));
    tensors.transitionTo = tf.tensor1d(Float32Array.from(t.to));
    tensors.transitionActions = tf.tensor2d(t.actions, [count, actionSize]);
  }
  try {
    const saved = await saveWeights(dir, tensors, {
      userDefinedMetadata: {
        kind: LANDMARKS_KIND,
        dim: landmarks.dim,
        size: landmarks.size,
        radius: landmarks.radius,
        capacity: landmarks.capacity,
        transitions: count,
        actionSize,
      },
    });
    return saved.sha256;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

export async function loadLandmarks(dir: string): Promise<Landmarks> {
  const meta = (await readModelJson(dir)).userDefinedMetadata as Record<string, unknown> | undefined;
  // Landmarks saved before transitions existed have neither field: none recorded.
  const { dim, size, radius, capacity, transitions = 0, actionSize = 0 } = meta ?? {};
  const ints = [dim, size, capacity, transitions, actionSize].every(
    (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  );
  if (meta?.kind !== LANDMARKS_KIND || !ints || typeof radius !== "number")
    throw new CheckpointError(
      `${dir}/model.json: userDefinedMetadata must be {kind: "${LANDMARKS_KIND}", dim, size, radius, capacity, ` +
        `transitions, actionSize} (got ${JSON.stringify(meta)})`,
    );
  const count = transitions as number;
  const expected: Record<string, { shape: number[] }> = {
    landmarks: { shape: [size as number, dim as number] },
  };
  if (count > 0) {
    expected.transitionFrom = { shape: [count] };
    expected.transitionTo = { shape: [count] };
    expected.transitionActions = { shape: [count, actionSize as number] };
  }
  const { weights } = await loadWeights(dir, { expected });
  const read = (name: string) => (weights[name] as tf.Tensor).dataSync() as Float32Array;
  try {
    const set = Landmarks.fromArray(read("landmarks"), dim as number, radius, capacity as number);
    if (count > 0)
      set.addTransitionArrays(read("transitionFrom"), read("transitionTo"), read("transitionActions"));
    return set;
  } catch (e) {
    if (isHjepaError(e)) throw e;
    throw new CheckpointError(`${dir}: ${oneLine((e as Error).message)}`);
  } finally {
    tf.dispose(Object.values(weights));
  }
}
