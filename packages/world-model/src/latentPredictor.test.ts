import { LatentVariableError } from "@hjepa/contracts";
import { modelSchema } from "@hjepa/experiment";
import { ParamStore } from "@hjepa/perception";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { JepaWorldModel } from "./jepa.ts";
import {
  isLatentPredictor,
  LatentResidualMlpPredictor,
  latentResidualMlpPredictorSchema,
} from "./latentPredictor.ts";
import { sampleLatentCodes } from "./latentRollout.ts";
import { asWorldModel } from "./levels/hierarchical.ts";
import { latentPriorTerm } from "./losses/latent.ts";
import type { LossContext } from "./losses/term.ts";
import { rolloutPredictionTerm } from "./losses/terms.ts";
import { makePredictor } from "./predictor.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

/**
 * Toy transitions in a 2-d representation with a 1-d action: s' = s + (a, 0) on the left (x < 0), one future;
 * on the right (x > 0) the same plus (0, +0.5) or (0, -0.5) with equal chance, two futures.
 */
function toyBatch(n: number, rng: Rng): { s: number[]; a: number[]; next: number[] } {
  const s: number[] = [];
  const a: number[] = [];
  const next: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.uniform(-1, 1);
    const y = rng.uniform(-1, 1);
    const u = rng.uniform(-0.5, 0.5);
    const gust = x > 0 ? (rng.float() < 0.5 ? 0.5 : -0.5) : 0;
    s.push(x, y);
    a.push(u);
    next.push(x + u, y + gust);
  }
  return { s, a, next };
}

/** A loss context of one-step windows over fixed representations (no encoder), for the predictor's terms. */
function context(
  predictor: LatentResidualMlpPredictor,
  batch: ReturnType<typeof toyBatch>,
  n: number,
  rng: Rng,
) {
  const s = tf.tensor2d(batch.s, [n, 2]);
  const next = tf.tensor2d(batch.next, [n, 2]);
  const a = tf.tensor2d(batch.a, [n, 1]);
  const ctx: LossContext = {
    states: tf.stack([s, next], 1) as tf.Tensor3D,
    start: s,
    targets: tf.reshape(next, [n, 1, 2]) as tf.Tensor3D,
    conditions: tf.reshape(a, [n, 1, 1]) as tf.Tensor3D,
    stepConditions: a,
    predictor,
    regularized: () => s,
    rng,
  };
  return ctx;
}

function trainToy(seed: number): LatentResidualMlpPredictor {
  const params = new ParamStore();
  const config = latentResidualMlpPredictorSchema.parse({
    hidden: [32, 32],
    codes: 3,
    priorHidden: [16],
    priorWeight: 1,
  });
  const predictor = new LatentResidualMlpPredictor(config, 2, 1, params, new Rng(seed));
  const terms = [rolloutPredictionTerm(1, "mse"), ...latentPriorTerm(predictor, "mse")];
  const optimizer = tf.train.adam(0.01);
  const rng = new Rng(seed + 1);
  const vars = [...params.trainable().values()];
  for (let step = 0; step < 400; step++) {
    const batch = toyBatch(64, rng);
    tf.tidy(() => {
      const ctx = context(predictor, batch, 64, rng);
      optimizer.minimize(
        () => tf.addN(terms.map((t) => tf.mul(t.compute(ctx), t.weight))) as tf.Scalar,
        false,
        vars,
      );
    });
  }
  optimizer.dispose();
  return predictor;
}

describe("latent-residual-mlp", () => {
  it("is registered and parsed with its defaults; a predictor with codes has a latent", () => {
    const config = latentResidualMlpPredictorSchema.parse({});
    expect(config).toMatchObject({ codes: 4, priorWeight: 0.1, relax: 0.05 });
    const p = makePredictor({ type: "latent-residual-mlp", codes: 2 }, 4, 2, new ParamStore(), new Rng(0));
    expect(isLatentPredictor(p)).toBe(true);
    expect(isLatentPredictor(makePredictor({}, 4, 2, new ParamStore(), new Rng(0)))).toBe(false);
  });

  it("learns distinct futures where the data had them and one future where it did not (toy, seeded)", async () => {
    const predictor = trainToy(0);
    await withLeakCheck(() => {
      const n = 400;
      const rng = new Rng(7);
      // Right half: sampled futures are (close to) the two real ones, about half each; left half: one future.
      const right: number[] = [];
      const left: number[] = [];
      for (let i = 0; i < n; i++) right.push(0.3 + 0.6 * rng.float(), rng.uniform(-0.5, 0.5));
      for (let i = 0; i < n; i++) left.push(-0.3 - 0.6 * rng.float(), rng.uniform(-0.5, 0.5));
      const sampleNext = (states: number[]) =>
        tf.tidy(() => {
          const s = tf.tensor2d(states, [n, 2]);
          const a = tf.zeros([n, 1]) as tf.Tensor2D;
          const u = tf.tensor2d(
            Array.from({ length: n * 3 }, () => Math.max(1e-12, rng.float())),
            [n, 3],
          );
          const z = sampleLatentCodes(predictor, s, a, u);
          return tf.sub(predictor.predictWith(s, a, z), s).dataSync() as Float32Array;
        });
      const dyRight = Array.from({ length: n }, (_, i) => sampleNext(right)[2 * i + 1] as number);
      const up = dyRight.filter((v) => Math.abs(v - 0.5) < 0.15).length;
      const down = dyRight.filter((v) => Math.abs(v + 0.5) < 0.15).length;
      expect(up + down).toBeGreaterThan(0.9 * n);
      expect(up).toBeGreaterThan(0.3 * n);
      expect(down).toBeGreaterThan(0.3 * n);
      // Left half: whatever the code, the same future (every code's prediction within 0.1 of the true one).
      const everyCode = tf.tidy(() => {
        const s = tf.tensor2d(left, [n, 2]);
        const a = tf.zeros([n, 1]) as tf.Tensor2D;
        return [0, 1, 2].map((k) => {
          const z = tf.cast(tf.oneHot(tf.fill([n], k, "int32") as tf.Tensor1D, 3), "float32") as tf.Tensor2D;
          return tf.sub(predictor.predictWith(s, a, z), s).dataSync() as Float32Array;
        });
      });
      let worst = 0;
      for (const moves of everyCode) for (const v of moves) worst = Math.max(worst, Math.abs(v));
      expect(worst).toBeLessThan(0.1);
    });
  });
});

describe("a level-1 world model with a latent-variable predictor", () => {
  it("describes its latent, draws z from the prior and predicts with it; z on a deterministic level is refused", async () => {
    const model = new JepaWorldModel(
      modelSchema.parse({
        encoder: { type: "mlp", hidden: [8], dim: 4 },
        predictor: { type: "latent-residual-mlp", hidden: [8], codes: 3, priorHidden: [8] },
      }),
      [3],
      { kind: "discrete", n: 4 },
      new Rng(0),
    );
    const plain = new JepaWorldModel(
      modelSchema.parse({ encoder: { type: "mlp", hidden: [8], dim: 4 }, predictor: { hidden: [8] } }),
      [3],
      { kind: "discrete", n: 4 },
      new Rng(0),
    );
    const level = asWorldModel(model).levels[0];
    const flat = asWorldModel(plain).levels[0];
    expect(level.latent).toEqual({ kind: "categorical", size: 3 });
    expect(flat.latent).toBeNull();
    await withLeakCheck(() => {
      const s = tf.tensor2d([0.1, 0.2, 0.3, 0.4, -0.1, 0, 0.5, 1], [2, 4]);
      const a = tf.tensor2d([1, 2], [2, 1]);
      const u = tf.tensor2d([0.1, 0.9, 0.5, 0.3, 0.2, 0.7], [2, 3]);
      const z = (level.sampleLatent as NonNullable<typeof level.sampleLatent>)(s, a, u);
      const zs = Array.from(z.dataSync());
      expect(zs.filter((v) => v === 1)).toHaveLength(2);
      expect(zs.filter((v) => v === 0)).toHaveLength(4);
      const withZ = level.predict(s, a, z);
      const a3 = tf.reshape(a, [2, 1, 1]) as tf.Tensor3D;
      const z3 = tf.reshape(z, [2, 1, 3]) as tf.Tensor3D;
      const rolled = level.rollout(s, a3, z3);
      expect(Array.from(rolled.dataSync())).toEqual(Array.from(withZ.dataSync()));
      expect(() => level.predict(s, a, tf.zeros([2, 2]) as tf.Tensor2D)).toThrow(LatentVariableError);
      expect(() => flat.predict(s, a, z)).toThrow(LatentVariableError);
      expect(() => flat.sampleLatent?.(s, a, u)).toThrow(LatentVariableError);
      // The prior itself: one probability per code, rows summing to 1; a level without a latent has none.
      const prior = (level.latentPrior as NonNullable<typeof level.latentPrior>)(s, a);
      expect(prior.shape).toEqual([2, 3]);
      const p = Array.from(prior.dataSync());
      for (const row of [p.slice(0, 3), p.slice(3)]) {
        expect(row.every((v) => v > 0)).toBe(true);
        expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
      }
      expect(() => flat.latentPrior?.(s, a)).toThrow(LatentVariableError);
      tf.dispose([s, a, u, z, withZ, rolled, a3, z3, prior]);
    }, 1);
    model.dispose();
    plain.dispose();
  });
});
