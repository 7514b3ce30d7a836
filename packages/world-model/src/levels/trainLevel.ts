import { join } from "node:path";
import { DataError, InputError } from "@hjepa/errors";
import { type ExperimentConfig, type RunFolder, type UpperLevelConfig, upperLevels } from "@hjepa/experiment";
import { Rng } from "gymnasium-js";
import type { WorldModelData } from "../data.ts";
import { runTraining, type StepMetrics, type TrainingLoopResult } from "../train/loop.ts";
import { JointTraining, type LevelBatch } from "./joint.ts";
import {
  collectMacroStatistics,
  MACRO_STATISTICS_SAMPLES,
  type MacroActionStatistics,
} from "./macroStatistics.ts";
import { type LevelBelow, UpperLevelModel } from "./upperLevel.ts";

// Joint training's parameters and checkpoint names, for loaders (`@hjepa/runs`): exported with `trainLevel`.
export {
  type JointRngs,
  JointTraining,
  jointName,
  jointParams,
  type LevelBatch,
  levelNumber,
  levelsBelow,
} from "./joint.ts";

export interface TrainLevelProgress extends StepMetrics {
  level: number;
  totalSteps: number;
  elapsed: number;
}

export interface TrainLevelOptions {
  config: ExperimentConfig;
  data: WorldModelData;
  /**
   * The trained level directly below: level 1 (`JepaWorldModel`) to train level 2, the trained level 2 (over
   * level 1) to train level 3. The level trained is the one above it, `world.levels[k - 1]`. Kept frozen, or,
   * when that level has `frozenBelow: false`, trained jointly with it: then it and every level under it are
   * updated in place (and, on resume, loaded from level k's checkpoint).
   */
  below: LevelBelow;
  /** Where checkpoints (`checkpoints/level-<k>/`) and metrics go; without one nothing is written (tests). */
  run?: RunFolder;
  /** Continue from the level's latest checkpoint. */
  resume?: boolean;
  /** Stop after this step (for tests of resume), saving a checkpoint there. */
  stopAfter?: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainLevelProgress) => void;
  /** Called every `diagnostics.every` steps and at the end; its record is logged with the metrics. */
  diagnose?: (model: UpperLevelModel, step: number) => Record<string, unknown>;
  /** Training macro-steps the macro-action statistics are computed from (default 4096). */
  statisticsSamples?: number;
}

export interface TrainLevelResult extends TrainingLoopResult {
  model: UpperLevelModel;
  level: number;
  /** The macro-action statistics saved with the final checkpoint; null when training did not finish. */
  statistics: MacroActionStatistics | null;
}

/** Where level k's checkpoints live in a run folder. */
export function levelCheckpointsDir(run: RunFolder, level: number): string {
  return join(run.checkpointsDir, `level-${level}`);
}

/** The level a model over `below` is (2 over level 1), and its config; an InputError when the config has none. */
export function levelAbove(
  config: ExperimentConfig,
  below: LevelBelow,
): { level: number; cfg: UpperLevelConfig } {
  const level = below instanceof UpperLevelModel ? below.level + 1 : 2;
  const cfg = upperLevels(config)[level - 2];
  if (!cfg) {
    throw new InputError(
      `world.levels has ${config.world.levels.length} level(s); there is no level ${level} to train over level ${level - 1}`,
    );
  }
  return { level, cfg };
}

/**
 * Trains level k >= 2 of a hierarchical world model over the trained level below (which it does not
 * construct), frozen or, with `frozenBelow: false`, jointly (`JointTraining`: the levels below are trained
 * too, with their own losses in the objective, and checkpointed with level k): windows of
 * `stride * horizon + 1` frames, Adam, warmup + cosine learning rate,
 * global-norm clipping, seeded sampling, periodic checkpoints in `checkpoints/level-<k>/` and diagnostics,
 * metrics tagged `level: k`. When training finishes, the macro-action statistics over the training data are
 * computed and saved with the final checkpoint. A non-finite or exploding loss stops training with a message and
 * keeps the last good checkpoint; an abort saves a checkpoint. Resuming restores weights, optimizer moments and
 * random streams, so the continued run equals the uninterrupted one bit for bit. Random streams are derived
 * from the config's seed by name (`level-<k>` / init, sample, loss, macroStatistics, and joint's own).
 */
export async function trainLevel(opts: TrainLevelOptions): Promise<TrainLevelResult> {
  const { config, data, run, below } = opts;
  const { level, cfg } = levelAbove(config, below);
  const field = `world.levels[${level - 1}]`;
  if (below instanceof UpperLevelModel && below.stride !== upperLevels(config)[level - 3]?.stride) {
    throw new Error(
      `trainLevel: the level below has stride ${below.stride}, not the config's level ${level - 1}`,
    );
  }
  const train = cfg.train;
  const frames = cfg.stride * train.horizon + 1;
  const [e0, e1] = data.trainEpisodes;
  const longest = data.dataset.episodeLengths.subarray(e0, e1).reduce((a, b) => Math.max(a, b), 0);
  if (longest < frames) {
    throw new DataError(
      `data.steps is ${config.data.steps}, but level ${level} (${field}: stride ${cfg.stride} x train.horizon ` +
        `${train.horizon}) trains on windows of ${frames} frames and the longest training episode has ${longest}; ` +
        `collect longer episodes (data.steps >= ${frames - 1}) or lower ${field}.train.horizon`,
    );
  }
  const root = new Rng(config.seed).derive(`level-${level}`);
  const rngs = { sample: root.derive("sample"), loss: root.derive("loss") };
  const model = new UpperLevelModel(cfg, below, root.derive("init"));
  const joint = cfg.frozenBelow ? null : new JointTraining(config, model, data, root.derive("joint"));
  const samples = opts.statisticsSamples ?? MACRO_STATISTICS_SAMPLES;
  let statistics: MacroActionStatistics | null = null;
  const result = await runTraining({
    model,
    params: joint?.params,
    train,
    diagnosticsEvery: config.diagnostics.every,
    rngs: joint ? { ...rngs, ...joint.rngs } : rngs,
    sample: (rng): LevelBatch => {
      const { obs, actions } = data.sample(train.batchSize, frames, rng, "train");
      return joint ? joint.withBatchesBelow({ obs, actions }) : { obs, actions, below: [] };
    },
    loss: (batch, rng) => {
      const own = model.loss(batch, rng);
      return joint ? joint.loss(batch, own) : own;
    },
    afterStep: joint ? () => joint.afterStep() : undefined,
    // Computed once the level is trained, saved with its final checkpoint.
    onFinish: () => {
      statistics = collectMacroStatistics(model, data, root.derive("macroStatistics"), samples);
      model.setMacroStatistics(statistics);
      joint?.refreshStatistics(samples);
    },
    run,
    checkpointsDir: run ? levelCheckpointsDir(run, level) : undefined,
    checkpointMeta: { config: config.name, level },
    metricsTag: { level },
    label: `level ${level}`,
    settingsField: `${field}.train`,
    resume: opts.resume,
    stopAfter: opts.stopAfter,
    signal: opts.signal,
    onProgress: opts.onProgress && ((p) => opts.onProgress?.({ level, ...p })),
    diagnose: opts.diagnose,
  });
  if (result.status === "alreadyFinished") statistics = model.macroStatistics();
  return { model, level, ...result, statistics };
}
