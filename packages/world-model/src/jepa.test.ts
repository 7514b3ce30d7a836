import { lossSchema, modelSchema } from "@hjepa/experiment";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { JepaWorldModel } from "./jepa.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

const modelConfig = (extra: object = {}) =>
  modelSchema.parse({
    encoder: { type: "mlp", hidden: [8], dim: 4 },
    predictor: { hidden: [8] },
    ...extra,
  });
const lossConfig = (extra: object = {}) => lossSchema.parse({ ...extra });

describe("JepaWorldModel", () => {
  it("rolls out exactly as repeated one-step predictions", async () => {
    await withLeakCheck(() => {
      const m = new JepaWorldModel(modelConfig(), [2], { kind: "continuous", dim: 2 }, new Rng(0));
      const x = tf.tensor2d([0.1, 0.2, 0.7, 0.4], [2, 2]);
      const s0 = m.encode(x);
      const actions = tf.tensor3d([0.5, -0.5, 1, 0, 0, 1, -1, -1, 0.2, 0.3, 0.4, 0.5], [2, 3, 2]);
      const roll = m.rollout(s0, actions);
      const manual = tf.tidy(() => {
        let s = s0;
        const steps: tf.Tensor2D[] = [];
        for (let t = 0; t < 3; t++) {
          s = m.predict(s, tf.reshape(tf.slice(actions, [0, t, 0], [2, 1, 2]), [2, 2]));
          steps.push(s);
        }
        return tf.stack(steps, 1);
      });
      expect(Array.from(roll.dataSync())).toEqual(Array.from(manual.dataSync()));
      tf.dispose([x, s0, actions, roll, manual]);
      m.dispose();
    });
  });

  it("one-hot encodes discrete actions and computes every configured loss term", () => {
    const m = new JepaWorldModel(
      modelConfig({ inverseDynamics: { hidden: [8] }, ema: { start: 0.9, end: 1 } }),
      [3],
      { kind: "discrete", n: 4 },
      new Rng(1),
    );
    const obs = tf.randomUniform([5, 4, 3], 0, 1, "float32", 7);
    const actions = tf.tensor3d(
      Array.from({ length: 15 }, (_, i) => i % 4),
      [5, 3, 1],
    );
    const terms = m.loss(
      { obs, actions },
      lossConfig({ inverseDynamics: 1, sigreg: 0.1, teacherForcing: 0.5 }),
      new Rng(2),
    );
    for (const [name, v] of Object.entries(terms)) {
      const x = v.dataSync()[0] as number;
      expect(Number.isFinite(x), name).toBe(true);
      if (name !== "variance") expect(x, name).toBeGreaterThan(0);
    }
    expect(m.params.trainable().size).toBeLessThan(m.params.entries().length);
    tf.dispose([obs, actions, ...Object.values(terms)]);
    m.dispose();
  });
});
