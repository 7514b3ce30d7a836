import { CheckpointError } from "@hjepa/errors";
import type { ExperimentConfig, RunFolder } from "@hjepa/experiment";
import {
  type LevelBelow,
  latestCheckpoint,
  levelAbove,
  levelCheckpointsDir,
  type MacroActionStatistics,
  UpperLevelModel,
} from "@hjepa/world-model";
import { Rng } from "gymnasium-js";
import { loadCheckpointWeights, loadTrainedModel, type TrainedModel } from "./load.ts";

export interface LoadedLevel {
  model: UpperLevelModel;
  level: number;
  checkpoint: string;
  step: number;
  /** Saved with the final checkpoint; null when the level's training has not finished. */
  statistics: MacroActionStatistics | null;
}

/**
 * Rebuilds level k (the one above `below`) of a run from `checkpoints/level-<k>/` (its latest checkpoint; the
 * optimizer state in it is skipped), with its macro-action statistics. A missing checkpoint or weights that
 * do not fit the config's level are a `CheckpointError`.
 */
export async function loadUpperLevel(
  run: RunFolder,
  config: ExperimentConfig,
  below: LevelBelow,
): Promise<LoadedLevel> {
  const { level, cfg } = levelAbove(config, below);
  const dir = levelCheckpointsDir(run, level);
  const checkpoint = latestCheckpoint(dir);
  if (!checkpoint) {
    throw new CheckpointError(
      `${run.dir}: no checkpoint of level ${level} (${dir}/latest.json is missing); train level ${level} first`,
    );
  }
  // The initial weights are overwritten; the stream matches training's only so that nothing else differs.
  const model = new UpperLevelModel(cfg, below, new Rng(config.seed).derive(`level-${level}`).derive("init"));
  const step = await loadCheckpointWeights(model, checkpoint);
  return { model, level, checkpoint, step, statistics: model.macroStatistics() };
}

export interface LoadedLevels {
  levelOne: TrainedModel;
  /** Levels 2, 3, ... in order, each over the one before. */
  upper: LoadedLevel[];
}

/** Loads every level of a run: level 1 (`loadTrainedModel`), then each upper level over the one below. */
export async function loadTrainedLevels(runDir: string): Promise<LoadedLevels> {
  const levelOne = await loadTrainedModel(runDir);
  const upper: LoadedLevel[] = [];
  try {
    let below: LevelBelow = levelOne.model;
    for (let k = 2; k <= levelOne.config.world.levels.length; k++) {
      const loaded = await loadUpperLevel(levelOne.run, levelOne.config, below);
      upper.push(loaded);
      below = loaded.model;
    }
  } catch (e) {
    for (const l of upper) l.model.dispose();
    levelOne.model.dispose();
    throw e;
  }
  return { levelOne, upper };
}
