import type { ExperimentConfig } from "@hjepa/experiment";
import type { WorldModelData } from "./data.ts";
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
      train: { ...config.train, steps: total, warmupSteps: 0 },
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
