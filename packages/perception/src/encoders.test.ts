import { InputError } from "@hjepa/errors";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
// Through the index, which registers the built-in encoder types.
import { encoderRegistry, makeEncoder, ParamStore } from "./index.ts";
import { activation } from "./layers.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

describe("encoders", () => {
  it("MLP encoder maps [B, n] states to [B, dim], with a projector, the same for the same seed", async () => {
    await withLeakCheck(() => {
      const make = () =>
        makeEncoder(
          { type: "mlp", hidden: [16], dim: 8, projector: { hidden: [12], dim: 6 } },
          [2],
          new ParamStore(),
          new Rng(5),
        );
      const a = make();
      const b = make();
      a.setNormalization([1, 2], [2, 0]);
      b.setNormalization([1, 2], [2, 0]);
      const x = tf.tensor2d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [3, 2]);
      const za = a.encode(x);
      const pa = a.project(za);
      const zb = b.encode(x);
      expect(za.shape).toEqual([3, 8]);
      expect(pa.shape).toEqual([3, 6]);
      expect(Array.from(za.dataSync())).toEqual(Array.from(zb.dataSync()));
      expect(a.params.count()).toBe(2 + 2 + (2 * 16 + 16) + (16 * 8 + 8) + (8 * 12 + 12) + (12 * 6 + 6));
      expect(a.params.trainable().has("inputMean")).toBe(false);
      tf.dispose([x, za, pa, zb]);
      a.params.dispose();
      b.params.dispose();
    });
  });

  it("MLP encoder with standardize false feeds the raw features: the first layer of a one-hot vector is its row", async () => {
    await withLeakCheck(() => {
      const make = (standardize?: boolean) =>
        makeEncoder(
          {
            type: "mlp",
            hidden: [],
            dim: 3,
            activation: "relu",
            ...(standardize === undefined ? {} : { standardize }),
          },
          [4],
          new ParamStore(),
          new Rng(2),
        );
      const raw = make(false);
      const standard = make();
      for (const e of [raw, standard]) e.setNormalization([0.7, 0.1, 0.1, 0.1], [0.46, 0.3, 0.3, 0.3]);
      const x = tf.tensor2d([0, 0, 1, 0, 1, 0, 0, 0], [2, 4]);
      const [zr, zs] = [raw.encode(x), standard.encode(x)];
      // One dense layer, x W + b: the hot feature's row of W plus b, whatever the data's statistics.
      const w = raw.params.get("net/dense0/w") as tf.Tensor2D;
      const b = raw.params.get("net/dense0/b") as tf.Tensor1D;
      const expected = tf.tidy(() => tf.add(tf.gather(w, [2, 0]), b));
      expect(Array.from(zr.dataSync())).toEqual(Array.from(expected.dataSync()));
      // The same weights standardised give another representation (the rare feature scaled up 1/0.3 x).
      expect(Array.from(zs.dataSync())).not.toEqual(Array.from(zr.dataSync()));
      tf.dispose([x, zr, zs, expected]);
      raw.params.dispose();
      standard.params.dispose();
    });
  });

  it("CNN encoder maps uint8 [B, 64, 64, 2] pixels to [B, dim] and its gradients flow on wasm", async () => {
    await withLeakCheck(() => {
      const params = new ParamStore();
      const enc = makeEncoder(
        { type: "cnn", channels: [4, 8], kernel: 3, dim: 5 },
        [64, 64, 2],
        params,
        new Rng(1),
      );
      const obs = tf.tensor(
        new Uint8Array(2 * 64 * 64 * 2).map((_, i) => (i * 37) % 256),
        [2, 64, 64, 2],
        "int32",
      );
      const vars = [...params.trainable().values()];
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(enc.encode(obs))) as tf.Scalar, vars);
      const z = enc.encode(obs);
      expect(z.shape).toEqual([2, 5]);
      expect(Object.keys(grads)).toHaveLength(vars.length);
      const filterGrad = grads[vars[0]?.name as string] as tf.Tensor;
      const gradSum = tf.tidy(() => tf.sum(tf.abs(filterGrad)));
      expect(gradSum.dataSync()[0]).toBeGreaterThan(0);
      tf.dispose([obs, z, value, gradSum, ...Object.values(grads)]);
      params.dispose();
    });
  });

  it("parses encoder options with the registered schema: defaults filled, every problem at its field", () => {
    expect(encoderRegistry.names()).toEqual(["cnn", "embedding", "mlp"]);
    expect(encoderRegistry.parse("mlp", { type: "mlp" })).toEqual({
      type: "mlp",
      hidden: [64, 64],
      dim: 16,
      activation: "relu",
      layerNorm: false,
      projector: null,
    });
    expect(() =>
      encoderRegistry.parse("cnn", { type: "cnn", kernel: 0, chanels: [4] }, "world.levels[0].model.encoder"),
    ).toThrow(
      /^world\.levels\[0\]\.model\.encoder\.kernel .*\(got 0\)\nworld\.levels\[0\]\.model\.encoder\.chanels is not an option of cnn; expected one of channels, kernel, dim, activation, projector/,
    );
  });

  it("rejects an unknown encoder type and a malformed input shape with clear errors", () => {
    const unknown = () => makeEncoder({ type: "transformer" }, [2], new ParamStore(), new Rng(0));
    expect(unknown).toThrow(InputError);
    expect(unknown).toThrow(/encoder\.type must be one of cnn, embedding, mlp \(got "transformer"\)/);
    const cnnOnVectors = () =>
      makeEncoder({ type: "cnn", channels: [4], dim: 3 }, [64, 64], new ParamStore(), new Rng(0));
    expect(cnnOnVectors).toThrow(InputError);
    expect(cnnOnVectors).toThrow(
      /must be \[height, width, channels\] \(got \[64, 64\]\); use encoder type "mlp"/,
    );
    expect(() => activation("gelu" as never)).toThrow(InputError);
    expect(() => activation("gelu" as never)).toThrow(/unknown activation "gelu" \(expected one of relu, /);
  });
});
