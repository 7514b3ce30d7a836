import { modelSchema, upperLevelSchema } from "@hjepa/experiment";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Box, Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { JepaWorldModel } from "../jepa.ts";
import { randomMacroStatistics } from "../testing.ts";
import { describePrimitiveActions } from "./actionDescription.ts";
import { HierarchicalWorldModel } from "./hierarchical.ts";
import { UpperLevelModel } from "./upperLevel.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

describe("a level above 1 with a latent-variable predictor", () => {
  it("trains with the latent's terms, describes its latent and draws z from its prior", async () => {
    const l1 = new JepaWorldModel(
      modelSchema.parse({ encoder: { type: "mlp", hidden: [8], dim: 4 }, predictor: { hidden: [8] } }),
      [3],
      { kind: "continuous", dim: 2 },
      new Rng(0),
    );
    const l2 = new UpperLevelModel(
      upperLevelSchema.parse({
        stride: 2,
        macroAction: { type: "learned", dim: 3, hidden: [8] },
        predictor: { type: "latent-residual-mlp", hidden: [8], codes: 2, priorHidden: [4] },
        loss: { teacherForcing: 1 },
        train: { steps: 10 },
      }),
      l1,
      new Rng(1),
    );
    l2.setMacroStatistics(randomMacroStatistics(l2, 3));
    const world = new HierarchicalWorldModel(
      l1,
      [l2],
      describePrimitiveActions(new Box({ low: -1, high: 1, shape: [2] })),
    );
    const level = world.levels[1];
    expect(world.levels[0].latent).toBeNull();
    expect(level?.latent).toEqual({ kind: "categorical", size: 2 });
    await withLeakCheck(() => {
      const rng = new Rng(2);
      const obs = tf.tensor3d(
        Array.from({ length: 4 * 5 * 3 }, () => rng.normal()),
        [4, 5, 3],
      );
      const actions = tf.tensor3d(
        Array.from({ length: 4 * 4 * 2 }, () => rng.uniform(-1, 1)),
        [4, 4, 2],
      );
      const terms = l2.loss({ obs, actions }, new Rng(3)) as Record<string, tf.Scalar>;
      expect(Object.keys(terms)).toContain("latentPrior");
      for (const v of Object.values(terms)) expect(Number.isFinite(v.dataSync()[0])).toBe(true);
      const s = tf.tensor2d(
        Array.from({ length: 8 }, () => rng.normal()),
        [2, 4],
      );
      const a = tf.tensor2d(
        Array.from({ length: 6 }, () => rng.normal()),
        [2, 3],
      );
      const u = tf.tensor2d([0.3, 0.6, 0.9, 0.1], [2, 2]);
      const z = level?.sampleLatent?.(s, a, u) as tf.Tensor2D;
      expect(Array.from(z.dataSync()).reduce((x, y) => x + y, 0)).toBe(2);
      const p = level?.predict(s, a, z) as tf.Tensor2D;
      expect(p.shape).toEqual([2, 4]);
      tf.dispose([obs, actions, ...Object.values(terms), s, a, u, z, p]);
    });
    world.dispose();
  });
});
