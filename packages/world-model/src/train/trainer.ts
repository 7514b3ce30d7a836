import { type ExperimentConfig, levelOne, type RunFolder } from "@hjepa/experiment";
import { Rng } from "gymnasium-js";
import type { WorldModelData } from "../data.ts";
import { JepaWorldModel } from "../jepa.ts";
import { runTraining, type TrainingLoopResult, type TrainProgress } from "./loop.ts";

export type { StepMetrics, TrainProgress } from "./loop.ts";

export interface TrainOptions {
  config: ExperimentConfig;
  data: WorldModelData;
  /**
   * The level-1 model to train (its input normalisation already set); without one the config's model is built
   * and normalised from the data (`buildWorldModel`).
   */
  model?: JepaWorldModel;
  /** Where checkpoints and metrics go; without one nothing is written (tests). */
  run?: RunFolder;
  /** Continue from the run's latest checkpoint. */
  resume?: boolean;
  /** Stop after this step (for tests of resume), saving a checkpoint there. */
  stopAfter?: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** Called every `diagnostics.every` steps and at the end; its record is logged with the metrics. */
  diagnose?: (model: JepaWorldModel, step: number) => Record<string, unknown>;
}

export interface TrainResult extends TrainingLoopResult {
  model: JepaWorldModel;
}

/**
 * The config's seed split into level 1's random streams: model initialisation, data statistics, batch
 * sampling and the loss's randomness.
 */
function levelOneRngs(config: ExperimentConfig) {
  const [init, stats, sample, loss] = new Rng(config.seed).spawn(4) as [Rng, Rng, Rng, Rng];
  return { init, stats, sample, loss };
}

/** The config's level-1 model, initialised from its seed, its input normalisation set from the data. */
export function buildWorldModel(config: ExperimentConfig, data: WorldModelData): JepaWorldModel {
  const { model: modelConfig } = levelOne(config);
  const rngs = levelOneRngs(config);
  const model = new JepaWorldModel(modelConfig, data.obsShape, data.actionSpec, rngs.init);
  const stats = data.statistics(rngs.stats, 4096, modelConfig.encoder.type === "cnn");
  model.encoder.setNormalization(stats.obsMean, stats.obsStd);
  // The EMA target was copied before the statistics were known: it must read observations the same way.
  model.target?.copy.setNormalization(stats.obsMean, stats.obsStd);
  model.actions.setNormalization(stats.actionMean, stats.actionStd);
  return model;
}

/**
 * Trains a level-1 JEPA world model (the given one, or the config's) on windows of `train.horizon + 1` frames
 * of the dataset with the training loop (`runTraining`: Adam, schedule, clipping, checkpoints, diagnostics,
 * exact resume) and the level's loss terms; an EMA target moves after every step.
 */
export async function trainWorldModel(opts: TrainOptions): Promise<TrainResult> {
  const { config, data } = opts;
  const l1 = levelOne(config);
  const train = l1.train;
  const rngs = levelOneRngs(config);
  const model = opts.model ?? buildWorldModel(config, data);
  const target = model.target;
  const result = await runTraining({
    model,
    train,
    diagnosticsEvery: config.diagnostics.every,
    // The streams a checkpoint carries (init and stats are spent before training).
    rngs: { sample: rngs.sample, loss: rngs.loss },
    sample: (rng) => {
      const { obs, actions } = data.sample(train.batchSize, train.horizon + 1, rng, "train");
      return { obs, actions };
    },
    loss: (batch, rng) => model.loss(batch, l1.loss, rng),
    afterStep: target ? (step) => target.afterStep(step, train.steps) : undefined,
    run: opts.run,
    checkpointMeta: { config: config.name },
    resume: opts.resume,
    stopAfter: opts.stopAfter,
    signal: opts.signal,
    onProgress: opts.onProgress,
    diagnose: opts.diagnose,
  });
  return { model, ...result };
}
