import { CheckpointError } from "@hjepa/errors";
import type { ExperimentConfig, RunFolder } from "@hjepa/experiment";
import { readModelJson } from "@hjepa/tensor";
import {
  jointName,
  jointParams,
  type LevelBelow,
  latestCheckpoint,
  levelAbove,
  levelCheckpointsDir,
  type MacroActionStatistics,
  UpperLevelModel,
} from "@hjepa/world-model";
import { Rng } from "gymnasium-js";
import { loadCheckpointWeights } from "./checkpointWeights.ts";
import type { JointSource } from "./joint.ts";
import { loadLevelOne, type TrainedModel } from "./load.ts";

export interface LoadedLevel {
  model: UpperLevelModel;
  level: number;
  checkpoint: string;
  step: number;
  /** Saved with the final checkpoint; null when the level's training has not finished. */
  statistics: MacroActionStatistics | null;
  /**
   * Trained jointly with the levels below (`frozenBelow: false`): its checkpoint held their weights too, and
   * they were loaded into the models below it.
   */
  joint: boolean;
  /** When a level above was trained jointly with this one, the checkpoint its weights came from (else null). */
  jointFrom: JointSource | null;
}

/**
 * Rebuilds level k (the one above `below`) of a run from `checkpoints/level-<k>/` (its latest checkpoint; the
 * optimizer state in it is skipped), with its macro-action statistics. When the level was trained jointly with
 * the levels below (`frozenBelow: false`), the checkpoint holds their weights too (`level-<j>/<name>`), and
 * they are loaded into `below` and the levels under it, replacing what those had. A missing checkpoint, or
 * weights that do not fit the config's levels, are a `CheckpointError`.
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
  const joint = !cfg.frozenBelow;
  if (joint) await checkHoldsLevelsBelow(checkpoint, level);
  // The initial weights are overwritten; the stream matches training's only so that nothing else differs.
  const model = new UpperLevelModel(cfg, below, new Rng(config.seed).derive(`level-${level}`).derive("init"));
  const params = joint ? jointParams(model) : model.params;
  const step = await loadCheckpointWeights({ params, dispose: () => model.dispose() }, checkpoint);
  return { model, level, checkpoint, step, statistics: model.macroStatistics(), joint, jointFrom: null };
}

/** A joint level's checkpoint must hold level 1's weights (it holds every level below's): a clear refusal. */
async function checkHoldsLevelsBelow(checkpoint: string, level: number): Promise<void> {
  const names = (await readModelJson(checkpoint)).weightsManifest.flatMap((g) =>
    g.weights.map((w) => w.name),
  );
  if (!names.some((n) => n.startsWith(jointName(1, "")))) {
    throw new CheckpointError(
      `${checkpoint}: holds no weights of the levels below level ${level}, but world.levels[${level - 1}]` +
        ".frozenBelow is false (joint training saves them with the level); it is not a checkpoint of this config",
    );
  }
}

export interface LoadedLevels {
  /** Level 1, with the jointly trained weights when a level above was trained with it (`jointFrom`). */
  levelOne: TrainedModel;
  /** Levels 2, 3, ... in order, each over the one before. */
  upper: LoadedLevel[];
}

/**
 * Loads every level of a run: level 1 from its own checkpoint, then each upper level over the one below. A
 * level trained jointly with the levels below replaces their weights (and macro-action statistics) with those
 * saved in its checkpoint, so each level ends with the weights of the highest level trained jointly with it.
 */
export async function loadTrainedLevels(runDir: string): Promise<LoadedLevels> {
  const levelOne = await loadLevelOne(runDir);
  const upper: LoadedLevel[] = [];
  try {
    let below: LevelBelow = levelOne.model;
    for (let k = 2; k <= levelOne.config.world.levels.length; k++) {
      const loaded = await loadUpperLevel(levelOne.run, levelOne.config, below);
      if (loaded.joint) {
        const source = { level: k, checkpoint: loaded.checkpoint, step: loaded.step };
        levelOne.jointFrom = source;
        for (const l of upper) l.jointFrom = source;
      }
      upper.push(loaded);
      below = loaded.model;
    }
  } catch (e) {
    for (const l of upper) l.model.dispose();
    levelOne.model.dispose();
    throw e;
  }
  // A level trained jointly above replaced the statistics of the levels below it.
  for (const l of upper) l.statistics = l.model.macroStatistics();
  return { levelOne, upper };
}
