import { isPlanningEnv, type PlanningEnv } from "@hjepa/envs";
import { CheckpointError, EnvironmentError } from "@hjepa/errors";
import { type ExperimentConfig, experimentSchema, levelOne, RunFolder } from "@hjepa/experiment";
import { type ActionSpec, JepaWorldModel, latestCheckpoint } from "@hjepa/world-model";
import { Box, Discrete, type Env, make, Rng } from "gymnasium-js";
import { loadCheckpointWeights } from "./checkpointWeights.ts";
import { type JointSource, jointCheckpointFor, loadJointWeights } from "./joint.ts";

export interface TrainedModel {
  model: JepaWorldModel;
  config: ExperimentConfig;
  run: RunFolder;
  /** Level 1's own latest checkpoint and its step. */
  checkpoint: string;
  step: number;
  /**
   * When a level above was trained jointly with level 1 (`frozenBelow: false`): the checkpoint of that level
   * that the weights came from (the highest such level's latest); null when they are level 1's own.
   */
  jointFrom: JointSource | null;
}

/** The registered id of `env` for messages ("the environment" when it was not made by id). */
function envName(env: Env<unknown, unknown>): string {
  return env.spec?.id ?? "the environment";
}

/** The observation shape and action spec of a config's environment (from its spaces). */
export function envShapes(env: Env<unknown, unknown>): { obsShape: number[]; actionSpec: ActionSpec } {
  const space = env.observationSpace;
  if (!(space instanceof Box))
    throw new EnvironmentError(
      `${envName(env)}: the world model needs a Box observation space (got ${space.toString()}); choose another obsMode`,
    );
  const action = env.actionSpace;
  const actionSpec: ActionSpec =
    action instanceof Discrete
      ? { kind: "discrete", n: action.n }
      : action instanceof Box
        ? { kind: "continuous", dim: action.size }
        : (() => {
            throw new EnvironmentError(
              `${envName(env)}: the world model needs a Box or Discrete action space (got ${action.toString()})`,
            );
          })();
  return { obsShape: [...space.shape], actionSpec };
}

/**
 * Makes the environment a run was trained on (its config's id and kwargs, plus `extra` kwargs). An agent's
 * episode passes its own step budget as `maxEpisodeSteps`, so the registered time limit never cuts it short.
 */
export function makeRunEnv(
  config: ExperimentConfig,
  extra: Record<string, unknown> = {},
  maxEpisodeSteps?: number,
): { env: Env<unknown, unknown>; core: PlanningEnv } {
  const env = make(config.env.id, {
    kwargs: { ...config.env.kwargs, ...extra },
    ...(maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps }),
  }) as Env<unknown, unknown>;
  const core = env.unwrapped;
  if (!isPlanningEnv(core)) {
    throw new EnvironmentError(
      `env.id "${config.env.id}" is not an hjepa planning environment (it has no oracle, true state or renderMap)`,
    );
  }
  return { env, core };
}

/**
 * Rebuilds a run's level 1 (`JepaWorldModel`) with the weights the run holds for it: its latest checkpoint's,
 * or, when a level above was trained jointly with it (`frozenBelow: false`), those saved with the highest such
 * level's latest checkpoint (`jointFrom`). The optimizer state is skipped. A run folder, config, checkpoint
 * pointer or weights that are missing, invalid or do not fit is a `CheckpointError`.
 */
export async function loadTrainedModel(runDir: string): Promise<TrainedModel> {
  const loaded = await loadLevelOne(runDir);
  const joint = jointCheckpointFor(loaded.run, loaded.config, 1);
  if (joint === null) return loaded;
  const step = await loadJointWeights(loaded.model, 1, joint.checkpoint);
  return { ...loaded, jointFrom: { ...joint, step } };
}

/**
 * Level 1 of a run from its own latest checkpoint alone (the levels loaded over it may then replace its
 * weights with jointly trained ones: `loadTrainedLevels`).
 */
export async function loadLevelOne(runDir: string): Promise<TrainedModel> {
  const run = RunFolder.open(runDir);
  const config = run.validConfig(experimentSchema);
  const checkpoint = latestCheckpoint(run.checkpointsDir);
  if (!checkpoint) {
    throw new CheckpointError(
      `${runDir}: no checkpoint (checkpoints/latest.json is missing); train it first`,
    );
  }
  const { env } = makeRunEnv(config);
  const { obsShape, actionSpec } = envShapes(env);
  env.close();
  const model = new JepaWorldModel(levelOne(config).model, obsShape, actionSpec, new Rng(config.seed));
  const step = await loadCheckpointWeights(model, checkpoint);
  return { model, config, run, checkpoint, step, jointFrom: null };
}
