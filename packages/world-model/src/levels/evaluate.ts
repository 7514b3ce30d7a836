import { tf } from "@hjepa/tensor";
import type { WindowArrays, WorldModelData } from "../data.ts";
import type { PredictionDiagnostic } from "../diagnose.ts";
import type { UpperLevelModel } from "./upperLevel.ts";

/**
 * A level's open-loop prediction error on windows `w` (of at least `stride * max(horizons) + 1` frames, e.g.
 * held-out ones from `data.sampleArrays(..., "validation")`): for each horizon h (in macro-steps), the mean
 * over windows of ||s_hat_h - s_{hK}||^2 in the level's representation, beside the no-motion baseline
 * ||s_0 - s_{hK}||^2. `chunk` windows per call.
 */
export function levelPredictionErrors(
  model: UpperLevelModel,
  data: WorldModelData,
  w: WindowArrays,
  horizons: readonly number[],
  chunk = 128,
): PredictionDiagnostic[] {
  const k = model.stride;
  const h = Math.max(...horizons);
  if (!(w.length >= k * h + 1)) {
    throw new Error(
      `levelPredictionErrors: horizon ${h} x stride ${k} needs windows of ${k * h + 1} frames (got ${w.length})`,
    );
  }
  const d = model.dim;
  const sums = horizons.map(() => ({ error: 0, baseline: 0 }));
  for (let b0 = 0; b0 < w.batch; b0 += chunk) {
    const b1 = Math.min(w.batch, b0 + chunk);
    const n = b1 - b0;
    const part = data.toTensors(w, [b0, b1]);
    const errs = tf.tidy(() => {
      const idx = tf.tensor1d(
        Array.from({ length: h + 1 }, (_, i) => i * k),
        "int32",
      );
      const frames = tf.gather(part.obs, idx, 1);
      const s = tf.reshape(model.encode(tf.reshape(frames, [n * (h + 1), ...data.obsShape])), [n, h + 1, d]);
      const s0 = tf.reshape(tf.slice(s, [0, 0, 0], [n, 1, d]), [n, d]) as tf.Tensor2D;
      const actions = tf.slice(part.actions, [0, 0, 0], [n, k * h, -1]) as tf.Tensor3D;
      const pred = model.rollout(s0, model.encodeMacroSequence(actions));
      return tf.stack(
        horizons.map((hz) => {
          const target = tf.reshape(tf.slice(s, [0, hz, 0], [n, 1, d]), [n, d]);
          const p = tf.reshape(tf.slice(pred, [0, hz - 1, 0], [n, 1, d]), [n, d]);
          return tf.stack([
            tf.sum(tf.squaredDifference(p, target)),
            tf.sum(tf.squaredDifference(s0, target)),
          ]);
        }),
      );
    });
    tf.dispose([part.obs, part.actions]);
    const e = errs.dataSync();
    errs.dispose();
    sums.forEach((sum, i) => {
      sum.error += e[2 * i] as number;
      sum.baseline += e[2 * i + 1] as number;
    });
  }
  return horizons.map((horizon, i) => {
    const error = (sums[i]?.error ?? 0) / w.batch;
    const baseline = (sums[i]?.baseline ?? 0) / w.batch;
    return { horizon, error, baseline, ratio: baseline > 0 ? error / baseline : Number.POSITIVE_INFINITY };
  });
}
