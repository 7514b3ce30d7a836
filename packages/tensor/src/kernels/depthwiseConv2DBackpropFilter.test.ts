import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "../backend.ts";
import { normal } from "../init.ts";
import { expectBackendsClose } from "../testing.ts";
import { tf } from "../tf.ts";
import { DEPTHWISE_CASES, type DepthwiseCase, DILATED_CASE, depthwiseAttrs } from "./depthwiseCases.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

function filterGrad(c: DepthwiseCase, seed: number): () => tf.Tensor {
  return () => {
    const rng = new Rng(seed);
    const x = normal(c.x, rng) as tf.Tensor4D;
    const y = tf.depthwiseConv2d(x, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad, "NHWC", c.dilations);
    const dy = normal(y.shape, rng);
    const attrs = { ...depthwiseAttrs(c), filterShape: c.filter };
    return tf.engine().runKernel("DepthwiseConv2dNativeBackpropFilter", { x, dy }, attrs as never);
  };
}

describe("wasm DepthwiseConv2dNativeBackpropFilter", () => {
  it("matches the cpu backend within 1e-5 (strides, paddings, multipliers, dilations)", async () => {
    tf.env().set("IS_TEST", true);
    try {
      for (const [i, c] of DEPTHWISE_CASES.entries()) {
        await expectBackendsClose("wasm", filterGrad(c, i), { what: JSON.stringify(c) });
      }
    } finally {
      tf.env().set("IS_TEST", false);
    }
  });

  it("lets depthwise and separable convolutions train on wasm", async () => {
    await expectBackendsClose("wasm", () => {
      const rng = new Rng(9);
      const x = normal([2, 8, 8, 3], rng) as tf.Tensor4D;
      const dw = normal([3, 3, 3, 2], rng) as tf.Tensor4D;
      const pw = normal([1, 1, 6, 4], rng) as tf.Tensor4D;
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.separableConv2d(x, a as tf.Tensor4D, b as tf.Tensor4D, 2, "same")));
      return tf.concat(
        tf
          .grads(loss)([dw, pw])
          .map((g) => tf.reshape(g, [-1])),
      );
    });
    expect(tf.getKernel("DepthwiseConv2dNativeBackpropFilter", "wasm")).toBeDefined();
  });
  it("is the adjoint of the dilated forward convolution: <conv(x, w), dy> = <w, dW>", async () => {
    await tf.setBackend("wasm");
    const c = DILATED_CASE;
    const [lhs, rhs] = tf.tidy(() => {
      const rng = new Rng(11);
      const x = normal(c.x, rng) as tf.Tensor4D;
      const w = normal(c.filter, rng) as tf.Tensor4D;
      const y = tf.depthwiseConv2d(x, w, c.strides, c.pad, "NHWC", c.dilations);
      const dy = normal(y.shape, rng);
      const attrs = { ...depthwiseAttrs(c), filterShape: c.filter };
      const g = tf
        .engine()
        .runKernel("DepthwiseConv2dNativeBackpropFilter", { x, dy }, attrs as never) as tf.Tensor;
      return [tf.sum(tf.mul(y, dy)).dataSync()[0], tf.sum(tf.mul(w, g)).dataSync()[0]];
    });
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * Math.abs(lhs));
  });
});
