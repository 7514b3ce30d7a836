import { experimentSchema, migrateConfig } from "@hjepa/experiment";
import { initTensors } from "@hjepa/tensor";
import { describe, expect, it } from "vitest";
import { toyData } from "../testing.ts";
import { trainWorldModel } from "./trainer.ts";

/**
 * The toy config in the single-level form of config version 1 (top-level model, loss, train), and the losses
 * its 12 training steps gave on the cpu backend at commit b674fa2, before configs had levels.
 */
const V1_TOY = {
  name: "toy",
  seed: 3,
  backend: "cpu",
  env: { id: "hjepa/TwoRooms-v0", kwargs: { obsMode: "state" } },
  data: { episodes: 60, steps: 40, policy: "momentum", seed: 0 },
  model: { encoder: { type: "mlp", hidden: [32], dim: 8 }, predictor: { hidden: [32] } },
  loss: { prediction: 1, variance: 1, covariance: 0.04 },
  train: {
    steps: 12,
    batchSize: 32,
    horizon: 4,
    lr: 0.003,
    warmupSteps: 5,
    logEvery: 10,
    checkpointEvery: 10,
  },
  diagnostics: { every: 1000, samples: 64, horizons: [1, 4] },
};
const V1_LOSSES = [
  3.3320233821868896, 2.886282444000244, 2.5374014377593994, 1.8044984340667725, 2.1570751667022705,
  1.8117871284484863, 1.2943480014801025, 1.2208032608032227, 1.2864748239517212, 1.1738975048065186,
  1.0714162588119507, 1.0738909244537354,
];

describe("an old single-level config", () => {
  it("migrates to world.levels[0] and trains to exactly the numbers it gave before levels existed", async () => {
    await initTensors({ backend: "cpu" });
    const { config: migrated, notes } = migrateConfig(V1_TOY, "v1-toy.json");
    expect(notes).toHaveLength(1);
    const config = experimentSchema.parse(migrated);
    const { data } = await toyData(config);
    const { losses, model } = await trainWorldModel({ config, data });
    model.dispose();
    expect(losses).toEqual(V1_LOSSES);
  });
});
