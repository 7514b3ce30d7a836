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

function inputGrad(c: DepthwiseCase, seed: number): () => tf.Tensor {
  return () => {
    const rng = new Rng(seed);
    const filter = normal(c.filter, rng) as tf.Tensor4D;
    const y = tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, filter, c.strides, c.pad, "NHWC", c.dilations);
    const dy = normal(y.shape, rng);
    const attrs = { ...depthwiseAttrs(c), inputShape: c.x };
    return tf.engine().runKernel("DepthwiseConv2dNativeBackpropInput", { dy, filter }, attrs as never);
  };
}

describe("wasm DepthwiseConv2dNativeBackpropInput", () => {
  it("matches the cpu backend within 1e-5 (strides, paddings, multipliers, dilations)", async () => {
    tf.env().set("IS_TEST", true);
    try {
      for (const [i, c] of DEPTHWISE_CASES.entries()) {
        await expectBackendsClose("wasm", inputGrad(c, i), { what: JSON.stringify(c) });
      }
    } finally {
      tf.env().set("IS_TEST", false);
    }
  });

  it("drives depthwiseConv2d's input gradient", async () => {
    await expectBackendsClose("wasm", () => {
      const rng = new Rng(4);
      const x = normal([2, 7, 9, 3], rng);
      const w = normal([3, 2, 3, 2], rng) as tf.Tensor4D;
      return tf.grad((z: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(z as tf.Tensor4D, w, 2, "same"))))(
        x,
      );
    });
  });
  it("is the adjoint of the dilated forward convolution: <conv(x, w), dy> = <x, dX>", async () => {
    await tf.setBackend("wasm");
    const c = DILATED_CASE;
    const [lhs, rhs] = tf.tidy(() => {
      const rng = new Rng(11);
      const x = normal(c.x, rng) as tf.Tensor4D;
      const w = normal(c.filter, rng) as tf.Tensor4D;
      const y = tf.depthwiseConv2d(x, w, c.strides, c.pad, "NHWC", c.dilations);
      const dy = normal(y.shape, rng);
      const attrs = { ...depthwiseAttrs(c), inputShape: c.x };
      const g = tf
        .engine()
        .runKernel("DepthwiseConv2dNativeBackpropInput", { dy, filter: w }, attrs as never) as tf.Tensor;
      return [tf.sum(tf.mul(y, dy)).dataSync()[0], tf.sum(tf.mul(x, g)).dataSync()[0]];
    });
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * Math.abs(lhs));
  });
});
