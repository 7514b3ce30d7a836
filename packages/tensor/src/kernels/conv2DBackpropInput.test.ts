import { Rng } from "gymnasium-js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "../backend.ts";
import { normal } from "../init.ts";
import { expectBackendsClose, expectNoLeaks } from "../testing.ts";
import { tf } from "../tf.ts";
import { CONV_CASES, type ConvCase, describeCase } from "./convCases.ts";
import { PATCH_BUDGET } from "./im2col.ts";
import { installWasmPatches, uninstallWasmPatches } from "./wasmPatches.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});
afterEach(() => {
  PATCH_BUDGET.maxFloats = 1 << 22;
  tf.env().set("IS_TEST", false);
  installWasmPatches();
});

/** The input gradient for a random filter and dy, through the kernel itself. */
function inputGrad(c: ConvCase, seed: number): () => tf.Tensor {
  return () => {
    const rng = new Rng(seed);
    const filter = normal(c.filter, rng) as tf.Tensor4D;
    const outShape = tf.conv2d(
      tf.zeros(c.x) as tf.Tensor4D,
      filter,
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
      .runKernel("Conv2DBackpropInput", { dy, filter }, { ...attrs, inputShape: c.x } as never);
  };
}

describe("wasm Conv2DBackpropInput (replaces the stock direct loop)", () => {
  it("matches the cpu backend within 1e-5 for every geometry", async () => {
    tf.env().set("IS_TEST", true); // also checks the kernel for leaked wasm buffers
    for (const [i, c] of CONV_CASES.entries()) {
      await expectBackendsClose("wasm", inputGrad(c, i), { what: describeCase(c) });
    }
  });

  it("gives the same result when images are processed in chunks", async () => {
    PATCH_BUDGET.maxFloats = 200;
    for (const [i, c] of CONV_CASES.entries()) {
      await expectBackendsClose("wasm", inputGrad(c, i), { what: `chunked ${describeCase(c)}` });
    }
  });

  it("agrees with the stock wasm kernel it replaces", async () => {
    for (const [i, c] of CONV_CASES.entries()) {
      uninstallWasmPatches();
      const stockErr = await expectBackendsClose("wasm", inputGrad(c, i), {
        what: `stock ${describeCase(c)}`,
      });
      installWasmPatches();
      expect(stockErr).toBeLessThan(1e-5);
    }
  });

  it("drives conv2d's input gradient (and conv2dTranspose) without leaking tensors", async () => {
    for (const [i, c] of CONV_CASES.slice(0, 4).entries()) {
      await expectBackendsClose("wasm", () => {
        const rng = new Rng(100 + i);
        const x = normal(c.x, rng) as tf.Tensor4D;
        const w = normal(c.filter, rng) as tf.Tensor4D;
        return tf.grad((z: tf.Tensor) => tf.sum(tf.square(tf.conv2d(z as tf.Tensor4D, w, c.strides, c.pad))))(
          x,
        );
      });
    }
    await tf.setBackend("wasm");
    expectNoLeaks(() =>
      tf.tidy(() => {
        const rng = new Rng(3);
        const y = normal([2, 4, 4, 5], rng) as tf.Tensor4D;
        const w = normal([3, 3, 2, 5], rng) as tf.Tensor4D;
        expect(tf.conv2dTranspose(y, w, [2, 8, 8, 2], 2, "same").shape).toEqual([2, 8, 8, 2]);
      }),
    );
  });
});
