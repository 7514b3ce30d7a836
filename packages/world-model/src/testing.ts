import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPlanningEnv, type PlanningEnv } from "@hjepa/envs";
import { collect, openDataset } from "@hjepa/envs/data";
import { type ExperimentConfig, experimentSchema, RunFolder } from "@hjepa/experiment";
import { type Box, Discrete, type Env, make, Rng } from "gymnasium-js";
import type { ActionSpec } from "./actionFeatures.ts";
import { type WindowArrays, WorldModelData } from "./data.ts";
import type { JepaWorldModel } from "./jepa.ts";
import { computeMacroStatistics, type MacroActionStatistics } from "./levels/macroStatistics.ts";
import type { UpperLevelModel } from "./levels/upperLevel.ts";
import { trainWorldModel } from "./train/trainer.ts";

// Test helpers only (the `./testing` subpath, not the barrel). A run's dataset and env come from `@hjepa/runs`
// (`prepareData`, `makeRunEnv`); these make the same ones for the world model's own tests, which cannot depend
// on that package (it depends on this one).

/**
 * A toy TwoRooms experiment (small data, small model, few steps) for tests; `overrides` are merged in, and
 * `upper` lists the levels above level 1 (`world.levels[1..]`).
 */
export function toyConfig(
  overrides: {
    train?: object;
    loss?: object;
    model?: object;
    diagnostics?: object;
    env?: object;
    upper?: object[];
  } = {},
): ExperimentConfig {
  return experimentSchema.parse({
    name: "toy",
    seed: 3,
    backend: "cpu",
    env: { id: "hjepa/TwoRooms-v0", kwargs: { obsMode: "state" }, ...overrides.env },
    data: { episodes: 60, steps: 40, policy: "momentum", seed: 0 },
    world: {
      levels: [
        {
          model: {
            encoder: { type: "mlp", hidden: [32], dim: 8 },
            predictor: { hidden: [32] },
            ...overrides.model,
          },
          loss: { prediction: 1, variance: 1, covariance: 0.04, ...overrides.loss },
          train: {
            steps: 30,
            batchSize: 32,
            horizon: 4,
            lr: 0.003,
            warmupSteps: 5,
            logEvery: 10,
            checkpointEvery: 10,
            ...overrides.train,
          },
        },
        ...(overrides.upper ?? []),
      ],
    },
    diagnostics: { every: 1000, samples: 64, horizons: [1, 4], ...overrides.diagnostics },
  });
}

/** A toy level 2 (stride 4, learned 4-d macro-actions) for tests; `extra` is merged in (`train` too). */
export const toyLevel2 = (extra: { train?: object } & Record<string, unknown> = {}) => ({
  stride: 4,
  macroAction: { type: "learned", dim: 4, hidden: [32] },
  predictor: { hidden: [64] },
  ...extra,
  train: {
    steps: 200,
    batchSize: 64,
    horizon: 4,
    lr: 0.003,
    warmupSteps: 10,
    logEvery: 10,
    checkpointEvery: 1000,
    ...extra.train,
  },
});

/** A toy level 3 (stride 16) over `toyLevel2`. */
export const toyLevel3 = { ...toyLevel2({ train: { horizon: 2 } }), stride: 16 };

/** The toy world with `upper` levels over one level 1 (the same level 1 whatever the levels above). */
export function toyLevelsConfig(...upper: object[]): ExperimentConfig {
  return toyConfig({
    train: { steps: 300, batchSize: 64, lr: 0.002 },
    model: { encoder: { type: "mlp", hidden: [64], dim: 8 }, predictor: { hidden: [64] } },
    upper,
  });
}

/** The environment of a config, made by its id and kwargs. */
export function toyEnv(config: ExperimentConfig): { env: Env<unknown, unknown>; core: PlanningEnv } {
  const env = make(config.env.id, { kwargs: config.env.kwargs }) as Env<unknown, unknown>;
  const core = env.unwrapped;
  if (!isPlanningEnv(core)) throw new Error(`toyEnv: ${config.env.id} is not an hjepa planning environment`);
  return { env, core };
}

/**
 * Collects the dataset of a config into a new folder under `root` (the same file as a run's dataset of that
 * config: same env, collection settings and seed) and wraps it for the trainer as a run does: shapes from the
 * env's spaces, observations rendered from true states when the file does not store them.
 */
export async function toyData(
  config: ExperimentConfig,
  root = mkdtempSync(join(tmpdir(), "hjepa-wm-")),
): Promise<{ data: WorldModelData; path: string }> {
  const path = join(mkdtempSync(join(root, "toy-")), "data.arrow");
  await collect(config.env.id, {
    kwargs: { ...config.env.kwargs, ...config.data.collectKwargs },
    episodes: config.data.episodes,
    steps: config.data.steps,
    policy: config.data.policy,
    seed: config.data.seed,
    out: path,
  });
  const dataset = openDataset(path);
  const { env, core } = toyEnv(config);
  const space = env.observationSpace as Box<"float32" | "uint8">;
  const action = env.actionSpace;
  const actionSpec: ActionSpec =
    action instanceof Discrete
      ? { kind: "discrete", n: action.n }
      : { kind: "continuous", dim: (action as Box).size };
  const stored = dataset.obs !== null && dataset.obsSize === space.size;
  const observe = stored ? null : (s: readonly number[]) => core.observe(s) as ArrayLike<number>;
  const dtype = space.dtype === "uint8" ? "uint8" : "float32";
  const data = new WorldModelData(
    dataset,
    space.shape,
    dtype,
    observe,
    config.data.validationFraction,
    actionSpec,
  );
  return { data, path };
}

/**
 * The fixture of the level tests: the toy three-level config (`toyLevel2`, `toyLevel3`), its data, a run under
 * `root` holding its trained level 1, and held-out windows of 4 macro-steps of stride 4 (17 frames).
 */
export async function toyLevelOneRun(root: string): Promise<{
  config: ExperimentConfig;
  data: WorldModelData;
  levelOne: JepaWorldModel;
  run: RunFolder;
  held: WindowArrays;
}> {
  const config = toyLevelsConfig(toyLevel2(), toyLevel3);
  const { data } = await toyData(config, root);
  const run = RunFolder.create({ name: "levels", config, root: join(root, "runs") });
  const trained = await trainWorldModel({ config, data, run });
  if (trained.status !== "finished") throw new Error(`toy level 1 did not finish (${trained.status})`);
  return {
    config,
    data,
    levelOne: trained.model,
    run,
    held: data.sampleArrays(128, 17, new Rng(11), "validation"),
  };
}

/** Sets a level's macro-action statistics from 50 random latents (what training would have saved) and returns them. */
export function randomMacroStatistics(m: UpperLevelModel, seed: number): MacroActionStatistics {
  const rng = new Rng(seed);
  const n = 50;
  const stats = computeMacroStatistics(
    Array.from({ length: n * m.macroDim }, () => rng.normal()),
    n,
    m.macroDim,
  );
  m.setMacroStatistics(stats);
  return stats;
}
