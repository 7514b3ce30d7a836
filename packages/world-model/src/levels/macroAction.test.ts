import { InputError } from "@hjepa/errors";
import { macroActionSchema } from "@hjepa/experiment";
import { ParamStore } from "@hjepa/perception";
import { expectArraysClose, initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { LearnedMacroAction, type LearnedMacroActionConfig } from "./learnedMacroAction.ts";
import { ConcatMacroAction, makeMacroActionEncoder } from "./macroAction.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

const learned = (extra: object = {}) =>
  macroActionSchema.parse({ type: "learned", dim: 3, hidden: [8], ...extra }) as LearnedMacroActionConfig;

/** Features of 5 macro-actions of 4 steps of 2-d actions. */
const features = () =>
  tf.tensor2d(
    Array.from({ length: 40 }, (_, i) => Math.sin(i * 0.9)),
    [5, 8],
  );

describe("macro-action encoders", () => {
  it("concat passes the K primitive action features through (latent size K * k, no KL)", async () => {
    await withLeakCheck(() => {
      const enc = makeMacroActionEncoder({ type: "concat" }, 8, new ParamStore(), new Rng(0));
      expect(enc).toBeInstanceOf(ConcatMacroAction);
      expect(enc.dim).toBe(8);
      const x = features();
      const z = enc.encode(x);
      const { latent, kl } = enc.sample(x, new Rng(1));
      expect(Array.from(z.dataSync())).toEqual(Array.from(x.dataSync()));
      expect(Array.from(latent.dataSync())).toEqual(Array.from(x.dataSync()));
      expect(kl.dataSync()[0]).toBe(0);
      tf.dispose([x, z, latent, kl]);
    });
  });

  it("learned (deterministic) maps to a dim-d LayerNormed latent; training uses the same latent", async () => {
    await withLeakCheck(() => {
      const params = new ParamStore();
      const enc = makeMacroActionEncoder(learned(), 8, params, new Rng(0));
      expect(enc.dim).toBe(3);
      const x = features();
      const z = enc.encode(x);
      expect(z.shape).toEqual([5, 3]);
      // At initialisation (gain 1, bias 0) every row has mean 0 and variance var / (var + eps), near 1.
      const { mean, variance } = tf.moments(z, 1);
      expect(Math.max(...Array.from(mean.dataSync(), Math.abs))).toBeLessThan(1e-5);
      expectArraysClose(variance, new Float32Array(5).fill(1), 0.02);
      const { latent, kl } = enc.sample(x, new Rng(1));
      expect(Array.from(latent.dataSync())).toEqual(Array.from(z.dataSync()));
      expect(kl.dataSync()[0]).toBe(0);
      tf.dispose([x, z, mean, variance, latent, kl]);
      params.dispose();
    });
  });

  it("learned (stochastic) samples mean + exp(logVar / 2) * noise from the Rng, with the Gaussian KL", async () => {
    await withLeakCheck(() => {
      const params = new ParamStore();
      const enc = makeMacroActionEncoder(
        learned({ stochastic: true }),
        8,
        params,
        new Rng(0),
      ) as LearnedMacroAction;
      const x = features();
      const { mean, logVar } = enc.gaussian(x);
      const m = mean.dataSync();
      const lv = logVar.dataSync();
      const rng = new Rng(5);
      const noise = rng.clone();
      const { latent, kl } = enc.sample(x, rng);
      const expected = Float32Array.from(m, (mu, i) => mu + Math.exp(lv[i] / 2) * noise.normal());
      expectArraysClose(latent, expected, 1e-5);
      let klSum = 0;
      for (let i = 0; i < m.length; i++) klSum += 0.5 * (m[i] ** 2 + Math.exp(lv[i]) - 1 - lv[i]);
      expect(kl.dataSync()[0]).toBeCloseTo(klSum / 5, 5);
      // The Rng advanced by exactly the noise drawn; prediction uses the mean.
      expect(rng.state()).toEqual(noise.state());
      const z = enc.encode(x);
      expect(Array.from(z.dataSync())).toEqual(Array.from(m));
      const again = enc.sample(x, rng);
      expect(Array.from(again.latent.dataSync())).not.toEqual(Array.from(latent.dataSync()));
      tf.dispose([x, mean, logVar, latent, kl, z, again.latent, again.kl]);
      params.dispose();
    });
  });

  it("gradients of the sampled latent and the KL reach the encoder's weights", () => {
    const params = new ParamStore();
    const enc = new LearnedMacroAction(learned({ stochastic: true }), 8, params, new Rng(0));
    const x = features();
    const vars = [...params.trainable().values()];
    const { value, grads } = tf.variableGrads(() => {
      const { latent, kl } = enc.sample(x, new Rng(2));
      return tf.add(tf.sum(latent), kl) as tf.Scalar;
    }, vars);
    expect(Object.keys(grads)).toHaveLength(vars.length);
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, value, ...Object.values(grads)]);
    params.dispose();
  });

  it("an unknown type is an InputError naming it and the known ones", () => {
    const make = () => makeMacroActionEncoder({ type: "vq" }, 8, new ParamStore(), new Rng(0));
    expect(make).toThrow(InputError);
    expect(make).toThrow(/macroAction\.type must be one of concat, learned \(got "vq"\)/);
  });
});
