import { CheckpointError } from "@hjepa/errors";
import type { ExperimentConfig, RunFolder } from "@hjepa/experiment";
import { describePrimitiveActions, HierarchicalWorldModel } from "@hjepa/world-model";
import type { JointSource } from "./joint.ts";
import { makeRunEnv } from "./load.ts";
import { loadTrainedLevels } from "./loadLevel.ts";

export interface LoadedWorldModel {
  model: HierarchicalWorldModel;
  config: ExperimentConfig;
  run: RunFolder;
  /** Level 1's latest checkpoint folder and its step. */
  checkpoint: string;
  step: number;
  /** When a level above was trained jointly with level 1: the checkpoint its weights came from. */
  jointFrom: JointSource | null;
  /** Each level above, in order: its latest checkpoint folder and step (and `jointFrom`, as level 1's). */
  upper: Array<{ level: number; checkpoint: string; step: number; jointFrom: JointSource | null }>;
}

/**
 * Loads every level of a run (`loadTrainedLevels`) as one `WorldModel`: level 1's actions described by the run
 * environment's action space, each level above by its saved macro-action statistics. The levels below a level
 * trained jointly with them (`frozenBelow: false`) have the weights saved with it. A level above whose
 * training has not finished (no statistics yet) is a `CheckpointError` naming `hjepa train --resume`.
 */
export async function loadWorldModel(runDir: string): Promise<LoadedWorldModel> {
  const { levelOne, upper } = await loadTrainedLevels(runDir);
  try {
    for (const l of upper) {
      if (l.statistics === null) {
        throw new CheckpointError(
          `${runDir}: level ${l.level} has no macro-action statistics (${l.checkpoint}; they are saved with its ` +
            `final checkpoint): its training has not finished; run: hjepa train --resume ${runDir}`,
        );
      }
    }
    const { env } = makeRunEnv(levelOne.config);
    const primitive = (() => {
      try {
        return describePrimitiveActions(env.actionSpace);
      } finally {
        env.close();
      }
    })();
    const model = new HierarchicalWorldModel(
      levelOne.model,
      upper.map((l) => l.model),
      primitive,
    );
    return {
      model,
      config: levelOne.config,
      run: levelOne.run,
      checkpoint: levelOne.checkpoint,
      step: levelOne.step,
      jointFrom: levelOne.jointFrom,
      upper: upper.map((l) => ({
        level: l.level,
        checkpoint: l.checkpoint,
        step: l.step,
        jointFrom: l.jointFrom,
      })),
    };
  } catch (e) {
    for (const l of [...upper].reverse()) l.model.dispose();
    levelOne.model.dispose();
    throw e;
  }
}
