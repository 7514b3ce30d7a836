import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "@hjepa/envs";
import { type ExperimentConfig, experimentSchema } from "@hjepa/experiment";
import { prepareData } from "./setup.ts";

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

/** Collects (once per folder) and opens the toy dataset of a config in a temp cache folder. */
export async function toyData(config: ExperimentConfig, root = mkdtempSync(join(tmpdir(), "hjepa-wm-"))) {
  return prepareData(config, { root });
}
