import { Rng } from "gymnasium-js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "../backend.ts";
import { normal } from "../init.ts";
import { expectBackendsClose, expectNoLeaks } from "../testing.ts";
import { tf } from "../tf.ts";
import { CONV_CASES, type ConvCase, describeCase } from "./convCases.ts";
import { PATCH_BUDGET } from "./im2col.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});
afterEach(() => {
  PATCH_BUDGET.maxFloats = 1 << 22;
  tf.env().set("IS_TEST", false);
});

/** The filter gradient for random x and dy, through the kernel itself. */
function filterGrad(c: ConvCase, seed: number): () => tf.Tensor {
  return () => {
    const rng = new Rng(seed);
    const x = normal(c.x, rng) as tf.Tensor4D;
    const outShape = tf.conv2d(
      x,
      tf.zeros(c.filter) as tf.Tensor4D,
      c.strides,
      c.pad,
      "NHWC",
      1,
      c.dimRoundingMode,
    );
    const dy = normal(outShape.shape, rng);
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", dimRoundingMode: c.dimRoundingMode };
    return tf
      .engine()
      .runKernel("Conv2DBackpropFilter", { x, dy }, { ...attrs, filterShape: c.filter } as never);
  };
}

describe("wasm Conv2DBackpropFilter", () => {
  it("is registered for wasm by initTensors", () => {
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeDefined();
  });

  it("matches the cpu backend within 1e-5 for every geometry", async () => {
    tf.env().set("IS_TEST", true); // also checks the kernel for leaked wasm buffers
    for (const [i, c] of CONV_CASES.entries()) {
      await expectBackendsClose("wasm", filterGrad(c, i), { what: describeCase(c) });
    }
  });

  it("gives the same result when images are processed in chunks", async () => {
    PATCH_BUDGET.maxFloats = 200; // a patch matrix of at most one image per chunk
    for (const [i, c] of CONV_CASES.entries()) {
      await expectBackendsClose("wasm", filterGrad(c, i), { what: `chunked ${describeCase(c)}` });
    }
  });

  it("drives conv2d's filter gradient without leaking tensors", async () => {
    await tf.setBackend("wasm");
    const c = CONV_CASES[2];
    const values = expectNoLeaks(() =>
      tf.tidy(() => {
        const rng = new Rng(7);
        const x = normal(c.x, rng) as tf.Tensor4D;
        const w = normal(c.filter, rng) as tf.Tensor4D;
        const g = tf.grad((f: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(x, f as tf.Tensor4D, c.strides, c.pad))),
        );
        return g(w).dataSync().slice();
      }),
    );
    expect(values.length).toBe(c.filter.reduce((a, b) => a * b, 1));
    expect(values.some((v) => v !== 0)).toBe(true);
  });

  it("rejects NCHW with a message naming the kernel and the expected format", async () => {
    await tf.setBackend("wasm");
    const x = tf.zeros([1, 4, 4, 1]);
    const dy = tf.zeros([1, 2, 2, 1]);
    const attrs = { strides: 1, pad: "valid", dataFormat: "NCHW", filterShape: [3, 3, 1, 1] };
    expect(() => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs as never)).toThrow(
      /Conv2DBackpropFilter \(wasm, @hjepa\/tensor\): dataFormat 'NCHW' is not supported; expected 'NHWC'/,
    );
    tf.dispose([x, dy]);
  });
});
