import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { EmbeddingEncoder, makeEncoder, NotOneHotError, ParamStore } from "./index.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

const oneHot = (index: number[], n: number) =>
  tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(index, "int32"), n), "float32") as tf.Tensor2D);

describe("embedding encoder", () => {
  it("computes the dense layer on one-hot input, by lookup, with the dense layer's gradient (repeated rows summed)", async () => {
    await withLeakCheck(() => {
      const enc = makeEncoder({ type: "embedding", hidden: [], dim: 3 }, [5], new ParamStore(), new Rng(2));
      expect(enc).toBeInstanceOf(EmbeddingEncoder);
      const table = enc.params.get("table") as tf.Variable;
      const index = [4, 1, 4, 0];
      const x = oneHot(index, 5);
      const weights = tf.tensor2d([
        [1, -2, 3],
        [0.5, 1, -1],
        [2, 2, 2],
        [-1, 0, 1],
      ]);
      const viaLookup = tf.variableGrads(() => tf.sum(tf.mul(enc.encode(x), weights)), [table]);
      const viaDense = tf.variableGrads(() => tf.sum(tf.mul(tf.matMul(x, table), weights)), [table]);
      const got = Object.values(viaLookup.grads)[0] as tf.Tensor;
      const want = Object.values(viaDense.grads)[0] as tf.Tensor;
      expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
      expect(viaLookup.value.dataSync()[0]).toBeCloseTo(viaDense.value.dataSync()[0] as number, 4);
      // Row 4 was looked up twice: its gradient is the sum of rows 0 and 2 of `weights`.
      const row4 = tf.slice(got, [4, 0], [1, 3]);
      expect(Array.from(row4.dataSync())).toEqual([3, 0, 5]);
      tf.dispose([x, weights, viaLookup.value, viaDense.value, got, want, row4]);
      enc.params.dispose();
    });
  });

  it("maps [B, n] one-hot frames through its MLP to [B, dim], the same for the same seed", async () => {
    await withLeakCheck(() => {
      const make = () =>
        makeEncoder({ type: "embedding", hidden: [8, 8], dim: 4 }, [3, 2], new ParamStore(), new Rng(7));
      const [a, b] = [make(), make()];
      const x = tf.tidy(() => tf.reshape(oneHot([0, 5, 2], 6), [3, 3, 2]));
      const [za, zb] = [a.encode(x), b.encode(x)];
      expect(za.shape).toEqual([3, 4]);
      expect(Array.from(za.dataSync())).toEqual(Array.from(zb.dataSync()));
      expect(a.params.count()).toBe(6 * 8 + 8 + (8 * 8 + 8) + (8 * 4 + 4));
      tf.dispose([x, za, zb]);
      a.params.dispose();
      b.params.dispose();
    });
  });

  it("refuses data that is not one-hot, by class, naming the observation mode to use", () => {
    const enc = makeEncoder({ type: "embedding", dim: 2 }, [3], new ParamStore(), new Rng(1));
    enc.setNormalization([0.2, 0.5, 0.3], [1, 1, 1]);
    expect(() => enc.setNormalization([0.5, 0.5, 0.5], [1, 1, 1])).toThrow(NotOneHotError);
    expect(() => enc.setNormalization([0.5, 0.5, 0.5], [1, 1, 1])).toThrow(/obsMode "onehot"/);
    enc.params.dispose();
  });
});
