import { isPlanningEnv, type PlanningEnv } from "@hjepa/envs";
import { CheckpointError, EnvironmentError } from "@hjepa/errors";
import { type ExperimentConfig, experimentSchema, levelOne, RunFolder } from "@hjepa/experiment";
import { loadWeights, type tf } from "@hjepa/tensor";
import { type ActionSpec, JepaWorldModel, latestCheckpoint } from "@hjepa/world-model";
import { Box, Discrete, type Env, make, Rng } from "gymnasium-js";

export interface TrainedModel {
  model: JepaWorldModel;
  config: ExperimentConfig;
  run: RunFolder;
  checkpoint: string;
  step: number;
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
 * Rebuilds a run's world model and loads its latest checkpoint (the optimizer state in it is skipped). A run
 * folder, config, checkpoint pointer or weights that are missing, invalid or do not fit is a `CheckpointError`.
 */
export async function loadTrainedModel(runDir: string): Promise<TrainedModel> {
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
  return { model, config, run, checkpoint, step };
}

/**
 * Loads a checkpoint's weights into `model`'s parameters (checked by name and shape; the optimizer state in it
 * is skipped) and returns the checkpoint's step. On a failed check the model is disposed and the error thrown.
 */
export async function loadCheckpointWeights(
  model: { params: { entries(): [string, tf.Variable][] }; dispose(): void },
  checkpoint: string,
): Promise<number> {
  const vars = Object.fromEntries(model.params.entries());
  let loaded: Awaited<ReturnType<typeof loadWeights>>;
  try {
    loaded = await loadWeights(checkpoint, {
      expected: Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, { shape: [...v.shape] }])),
      allowExtra: true,
    });
  } catch (e) {
    model.dispose();
    throw e;
  }
  const { weights, modelJson } = loaded;
  for (const [name, v] of Object.entries(vars)) v.assign(weights[name] as never);
  for (const t of Object.values(weights)) t.dispose();
  return Number((modelJson.userDefinedMetadata as { step?: number } | undefined)?.step ?? 0);
}
