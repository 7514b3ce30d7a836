import { tf } from "@hjepa/tensor";
import { isLatentPredictor } from "./latentPredictor.ts";
import type { Predictor } from "./predictor.ts";

/**
 * Predictions with a given latent: one step and open-loop rollouts of a latent-variable predictor, and draws of
 * z from its prior. Levels check `z`'s shape against their `LatentDescription` (`checkLatent` of
 * @hjepa/contracts) before they get here, so a mismatch here is a bug.
 */

/** One step over action features `a [N, c]`: with `z [N, codes]` when given, else the predictor's own choice. */
export function latentStep(
  predictor: Predictor,
  s: tf.Tensor2D,
  a: tf.Tensor2D,
  z?: tf.Tensor2D,
): tf.Tensor2D {
  if (z === undefined) return predictor.predict(s, a);
  if (!isLatentPredictor(predictor))
    throw new Error(`latentStep: the ${predictor.type} predictor takes no z`);
  return predictor.predictWith(s, a, z);
}

/** Open-loop rollout from `s0 [N, d]` over action features `[N, H, c]` and latents `z [N, H, codes]` -> `[N, H, d]`. */
export function latentRollout(
  predictor: Predictor,
  s0: tf.Tensor2D,
  actions: tf.Tensor3D,
  z: tf.Tensor3D,
): tf.Tensor3D {
  return tf.tidy(() => {
    const steps = tf.unstack(actions, 1) as tf.Tensor2D[];
    const codes = tf.unstack(z, 1) as tf.Tensor2D[];
    const out: tf.Tensor2D[] = [];
    let s = s0;
    for (let t = 0; t < steps.length; t++) {
      s = latentStep(predictor, s, steps[t] as tf.Tensor2D, codes[t] as tf.Tensor2D);
      out.push(s);
    }
    return tf.stack(out, 1) as tf.Tensor3D;
  });
}

/**
 * Draws z from the prior p(z | s, a) of a latent-variable predictor, one one-hot row per state and action: the
 * Gumbel-max trick on `uniform [N, codes]` numbers in (0, 1) that the caller draws from its seeded `Rng` (so the
 * draw is reproducible and costs no TF.js randomness).
 */
export function sampleLatentCodes(
  predictor: Predictor,
  s: tf.Tensor2D,
  a: tf.Tensor2D,
  uniform: tf.Tensor2D,
): tf.Tensor2D {
  if (!isLatentPredictor(predictor))
    throw new Error(`sampleLatentCodes: the ${predictor.type} predictor has no prior`);
  return tf.tidy(() => {
    const logp = tf.logSoftmax(predictor.priorLogits(s, a));
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(uniform))));
    const code = tf.argMax(tf.add(logp, gumbel), 1);
    return tf.cast(tf.oneHot(code, predictor.latent.size), "float32") as tf.Tensor2D;
  });
}

/** The prior p(z | s, a) of a latent-variable predictor as probabilities `[N, codes]`. */
export function latentPriorProbabilities(predictor: Predictor, s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
  if (!isLatentPredictor(predictor))
    throw new Error(`latentPriorProbabilities: the ${predictor.type} predictor has no prior`);
  return tf.tidy(() => tf.softmax(predictor.priorLogits(s, a)) as tf.Tensor2D);
}
