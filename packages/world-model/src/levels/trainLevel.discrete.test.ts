import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExperimentConfig } from "@hjepa/experiment";
import { initTensors } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { toyConfig, toyData } from "../testing.ts";
import { trainWorldModel } from "../train/trainer.ts";
import { levelPredictionErrors } from "./evaluate.ts";
import { trainLevel } from "./trainLevel.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

/** A toy 9x9 GridMaze world (one-hot cells, four moves) with a level 2 of stride 4 over 3 macro-steps. */
function configFor(macroAction: object): ExperimentConfig {
  const config = toyConfig({
    env: { id: "hjepa/GridMaze-v0", kwargs: { obsMode: "onehot", size: 9, mazeSeed: 4 } },
    model: { encoder: { type: "mlp", hidden: [64], dim: 8 }, predictor: { hidden: [64] } },
    loss: { teacherForcing: 1 },
    train: { steps: 200, batchSize: 64, lr: 0.003 },
    upper: [
      {
        stride: 4,
        macroAction,
        predictor: { hidden: [64] },
        loss: { teacherForcing: 1 },
        train: { steps: 200, batchSize: 64, horizon: 3, lr: 0.003, warmupSteps: 10 },
      },
    ],
  });
  // With the default 60 episodes level 1 overfits the maze's cells (held-out error above no motion).
  return { ...config, data: { ...config.data, episodes: 300 } };
}

describe("trainLevel on discrete actions (GridMaze)", () => {
  it("a level 2 over one-hot primitive moves learns, learned latent and concat alike", async () => {
    const arms = { learned: { type: "learned", dim: 4, hidden: [32] }, concat: { type: "concat" } };
    const { data } = await toyData(configFor(arms.learned), mkdtempSync(join(tmpdir(), "hjepa-grid-")));
    expect(data.actionSpec).toEqual({ kind: "discrete", n: 4 });
    const one = await trainWorldModel({ config: configFor(arms.learned), data });
    const held = data.sampleArrays(128, 13, new Rng(11), "validation");
    for (const [name, macroAction] of Object.entries(arms)) {
      const r = await trainLevel({ config: configFor(macroAction), data, below: one.model });
      expect(r.status).toBe("finished");
      expect(r.model.macroDim).toBe(name === "concat" ? 16 : 4);
      // Measured (wasm, seeded): learned 0.46 and 0.36, concat 0.42 and 0.31 at 1 and 3 macro-steps.
      for (const e of levelPredictionErrors(r.model, data, held, [1, 3]))
        expect(e.ratio, name).toBeLessThan(0.6);
      expect(r.statistics?.dim).toBe(r.model.macroDim);
      r.model.dispose();
    }
    one.model.dispose();
  });
});
