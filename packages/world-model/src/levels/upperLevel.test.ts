import { InputError } from "@hjepa/errors";
import { modelSchema, upperLevelSchema } from "@hjepa/experiment";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import type { ActionSpec } from "../actionFeatures.ts";
import { JepaWorldModel } from "../jepa.ts";
import { computeMacroStatistics } from "./macroStatistics.ts";
import { UpperLevelModel } from "./upperLevel.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

const levelOne = (spec: ActionSpec = { kind: "continuous", dim: 2 }) =>
  new JepaWorldModel(
    modelSchema.parse({ encoder: { type: "mlp", hidden: [8], dim: 4 }, predictor: { hidden: [8] } }),
    [3],
    spec,
    new Rng(0),
  );

const upper = (extra: object = {}) =>
  upperLevelSchema.parse({
    stride: 4,
    macroAction: { type: "learned", dim: 3, hidden: [8] },
    predictor: { hidden: [8] },
    train: { steps: 10 },
    ...extra,
  });

/** `b` windows of `h` macro-steps of stride `k`: obs [b, k*h+1, 3], actions [b, k*h, 2]. */
function windows(b: number, k: number, h: number, seed = 1) {
  const rng = new Rng(seed);
  const t = k * h;
  const obs = tf.tensor3d(
    Array.from({ length: b * (t + 1) * 3 }, () => rng.normal()),
    [b, t + 1, 3],
  );
  const actions = tf.tensor3d(
    Array.from({ length: b * t * 2 }, () => rng.uniform(-1, 1)),
    [b, t, 2],
  );
  return { obs, actions };
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe("UpperLevelModel", () => {
  it("encodes through level 1, encodes macro-actions, and rolls out as repeated predictions", async () => {
    await withLeakCheck(() => {
      const l1 = levelOne();
      const l2 = new UpperLevelModel(upper(), l1, new Rng(1));
      expect([l2.level, l2.stride, l2.dim, l2.macroDim]).toEqual([2, 4, 4, 3]);
      const { obs, actions } = windows(2, 4, 3);
      const frames = tf.reshape(obs, [-1, 3]);
      const s = l2.encode(frames);
      const z1 = l1.encode(frames);
      expect(values(s)).toEqual(values(z1));
      const latents = l2.encodeMacroSequence(actions);
      expect(latents.shape).toEqual([2, 3, 3]);
      const second = tf.tidy(() => l2.encodeMacro(tf.slice(actions, [0, 4, 0], [2, 4, 2])));
      const column = tf.tidy(() => tf.squeeze(tf.slice(latents, [0, 1, 0], [2, 1, 3]), [1]));
      expect(values(column)).toEqual(values(second));
      const s0 = tf.slice(s, [0, 0], [2, 4]) as tf.Tensor2D;
      const roll = l2.rollout(s0, latents);
      const manual = tf.tidy(() => {
        let x = s0;
        const out: tf.Tensor2D[] = [];
        for (let i = 0; i < 3; i++) {
          x = l2.predict(x, tf.squeeze(tf.slice(latents, [0, i, 0], [2, 1, 3]), [1]) as tf.Tensor2D);
          out.push(x);
        }
        return tf.stack(out, 1);
      });
      expect(values(roll)).toEqual(values(manual));
      tf.dispose([obs, actions, frames, s, z1, latents, second, column, s0, roll, manual]);
      l2.dispose();
      l1.dispose();
    });
  });

  it("copies level 1's action normalisation into its own parameters", () => {
    const l1 = levelOne();
    l1.actions.setNormalization([0.5, -1], [2, 4]);
    const l2 = new UpperLevelModel(upper(), l1, new Rng(1));
    expect(l2.actions.normalization()).toEqual({
      mean: Float32Array.from([0.5, -1]),
      std: Float32Array.from([2, 4]),
    });
    expect(l2.params.trainable().has("actions/actionMean")).toBe(false);
    l2.dispose();
    l1.dispose();
  });

  it("its loss is the rollout error on every K-th frame; its gradient reaches only its own weights", async () => {
    await withLeakCheck(() => {
      const l1 = levelOne();
      const l2 = new UpperLevelModel(upper(), l1, new Rng(1));
      const { obs, actions } = windows(3, 4, 2);
      const expected = tf.tidy(() => {
        const s = tf.reshape(l2.encode(tf.reshape(tf.gather(obs, [0, 4, 8], 1), [9, 3])), [3, 3, 4]);
        const s0 = tf.reshape(tf.slice(s, [0, 0, 0], [3, 1, 4]), [3, 4]) as tf.Tensor2D;
        const pred = l2.rollout(s0, l2.encodeMacroSequence(actions));
        return tf.mean(tf.squaredDifference(pred, tf.slice(s, [0, 1, 0], [3, 2, 4])));
      });
      const trainable = [...l2.params.trainable().values()];
      const { value, grads } = tf.variableGrads(() => {
        const t = l2.loss({ obs, actions }, new Rng(2));
        expect(t.prediction.dataSync()[0]).toBeCloseTo(expected.dataSync()[0] as number, 6);
        expect(values(t.total)).toEqual(values(t.prediction));
        return t.total;
      }, trainable);
      expect(Object.keys(grads).length).toBe(trainable.length);
      const names = new Set(l1.params.entries().map(([, v]) => v.name));
      expect(Object.keys(grads).some((n) => names.has(n))).toBe(false);
      tf.dispose([obs, actions, expected, value, ...Object.values(grads)]);
      l2.dispose();
      l1.dispose();
    });
  });

  it("adds teacher forcing, the stochastic latent's KL and the projection's VICReg terms, weighted", async () => {
    await withLeakCheck(() => {
      const l1 = levelOne();
      const l2 = new UpperLevelModel(
        upper({
          representation: { type: "projection", dim: 5, variance: 2, covariance: 0.5 },
          macroAction: { type: "learned", dim: 3, hidden: [8], stochastic: true, kl: 0.1 },
          loss: { prediction: 1, teacherForcing: 0.5 },
        }),
        l1,
        new Rng(1),
      );
      expect(l2.dim).toBe(5);
      const { obs, actions } = windows(4, 4, 2);
      const t = l2.loss({ obs, actions }, new Rng(2));
      const v = Object.fromEntries(Object.entries(t).map(([k, x]) => [k, x.dataSync()[0] as number]));
      for (const name of ["prediction", "teacherForcing", "kl", "variance"])
        expect(v[name]).toBeGreaterThan(0);
      expect(v.total).toBeCloseTo(
        v.prediction + 0.5 * v.teacherForcing + 0.1 * v.kl + 2 * v.variance + 0.5 * v.covariance,
        5,
      );
      tf.dispose([obs, actions, ...Object.values(t)]);
      l2.dispose();
      l1.dispose();
    });
  });

  it("works with discrete actions: one-hot features, concat latent of size K * n", async () => {
    await withLeakCheck(() => {
      const l1 = levelOne({ kind: "discrete", n: 4 });
      const l2 = new UpperLevelModel(upper({ macroAction: { type: "concat" } }), l1, new Rng(1));
      expect(l2.macroDim).toBe(16);
      const a = tf.tensor3d([0, 1, 2, 3, 3, 3, 0, 0], [2, 4, 1]);
      const z = l2.encodeMacro(a);
      const oneHot = (i: number) => [0, 1, 2, 3].map((j) => (j === i ? 1 : 0));
      expect(values(z)).toEqual([0, 1, 2, 3, 3, 3, 0, 0].flatMap(oneHot));
      const { obs, actions } = windows(2, 4, 1);
      const t = l2.loss({ obs, actions: a }, new Rng(0));
      expect(Number.isFinite(t.total.dataSync()[0])).toBe(true);
      tf.dispose([a, z, obs, actions, ...Object.values(t)]);
      l2.dispose();
      l1.dispose();
    });
  });

  it("stacks: level 3 encodes through level 2, and a stride that is not a multiple is an InputError", () => {
    const l1 = levelOne();
    const l2 = new UpperLevelModel(upper({ representation: { type: "projection", dim: 3 } }), l1, new Rng(1));
    const l3 = new UpperLevelModel(upper({ stride: 16 }), l2, new Rng(2));
    expect([l3.level, l3.dim, l3.levelOne === l1]).toEqual([3, 3, true]);
    const x = tf.ones([2, 3]);
    const a = l3.encode(x);
    const b = l2.encode(x);
    expect(values(a)).toEqual(values(b));
    tf.dispose([x, a, b]);
    expect(() => new UpperLevelModel(upper({ stride: 6 }), l2, new Rng(3))).toThrow(InputError);
    expect(() => new UpperLevelModel(upper({ stride: 6 }), l2, new Rng(3))).toThrow(
      /world\.levels\[2\]\.stride must be a multiple of level 2's stride 4 and larger than it \(got 6\)/,
    );
    l3.dispose();
    l2.dispose();
    l1.dispose();
  });

  it("keeps macro-action statistics as non-trainable parameters (null until set)", () => {
    const l1 = levelOne();
    const l2 = new UpperLevelModel(upper(), l1, new Rng(1));
    expect(l2.macroStatistics()).toBeNull();
    const stats = computeMacroStatistics(
      Float32Array.from({ length: 30 }, (_, i) => Math.sin(i)),
      10,
      3,
    );
    l2.setMacroStatistics(stats);
    expect(l2.macroStatistics()).toEqual(stats);
    expect([...l2.params.trainable().keys()].some((n) => n.startsWith("macroStatistics/"))).toBe(false);
    l2.dispose();
    l1.dispose();
  });
});
