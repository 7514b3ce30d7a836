import { type ExperimentConfig, levelOne, upperLevels } from "@hjepa/experiment";
import { type EncoderConfig, makeEncoder, ParamStore } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import type { WorldModelData } from "./data.ts";
import { covarianceLoss, varianceLoss } from "./losses/vicreg.ts";
import { Adam } from "./train/adam.ts";
import { trainWorldModel } from "./train/trainer.ts";

/**
 * Milliseconds per world-model training step (sampling, forward, gradients, clipping, Adam) for a config, on
 * the active backend: the mean over `steps` steps after `warmup` steps.
 */
export async function benchWorldModelStep(
  config: ExperimentConfig,
  data: WorldModelData,
  { warmup = 5, steps = 30 } = {},
): Promise<number> {
  const total = warmup + steps;
  let t0 = 0;
  let t1 = 0;
  const { model } = await trainWorldModel({
    config: {
      ...config,
      world: {
        levels: [
          { ...levelOne(config), train: { ...levelOne(config).train, steps: total, warmupSteps: 0 } },
          ...upperLevels(config),
        ],
      },
      diagnostics: { ...config.diagnostics, every: total + 1 },
    },
    data,
    onProgress: (p) => {
      if (p.step === warmup) t0 = performance.now();
      if (p.step === total) t1 = performance.now();
    },
  });
  model.dispose();
  return (t1 - t0) / steps;
}

/**
 * Milliseconds per training step of an encoder alone on `batch` observations (forward, VICReg variance and
 * covariance, gradients, Adam): the cost of perception per image batch, separate from the predictor.
 */
export async function benchEncoderStep(
  encoderConfig: EncoderConfig,
  obsShape: readonly number[],
  batch: number,
  { warmup = 3, steps = 20, seed = 0 } = {},
): Promise<number> {
  const rng = new Rng(seed);
  const params = new ParamStore("encoder");
  const encoder = makeEncoder(encoderConfig, obsShape, params, rng);
  const trainable = params.trainable();
  const adam = new Adam(trainable);
  const byTfName = new Map([...trainable].map(([name, v]) => [v.name, name]));
  const size = obsShape.reduce((a, b) => a * b, 1);
  const obs = tf.tensor(
    Uint8Array.from({ length: batch * size }, () => rng.int(256)),
    [batch, ...obsShape],
    "int32",
  );
  let t0 = 0;
  for (let i = 0; i < warmup + steps; i++) {
    if (i === warmup) t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => {
      const z = encoder.encode(obs);
      return tf.add(varianceLoss(z), covarianceLoss(z)) as tf.Scalar;
    }, [...trainable.values()]);
    const named = Object.fromEntries(Object.entries(grads).map(([k, g]) => [byTfName.get(k) as string, g]));
    adam.apply(named, 1e-3);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  }
  const ms = (performance.now() - t0) / steps;
  tf.dispose(obs);
  adam.dispose();
  params.dispose();
  return ms;
}
