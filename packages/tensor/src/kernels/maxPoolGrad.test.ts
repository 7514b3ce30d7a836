import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "../backend.ts";
import { normal } from "../init.ts";
import { expectBackendsClose } from "../testing.ts";
import { tf } from "../tf.ts";
import { installWasmPatches, uninstallWasmPatches } from "./wasmPatches.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

function poolGrad(
  x: number[],
  filter: number | [number, number],
  strides: number | [number, number],
  pad: "same" | "valid" | number,
  seed: number,
): () => tf.Tensor {
  return () => {
    const rng = new Rng(seed);
    const input = normal(x, rng);
    const w = normal(tf.maxPool(input as tf.Tensor4D, filter, strides, pad).shape, rng);
    return tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(z as tf.Tensor4D, filter, strides, pad), w)))(
      input,
    );
  };
}

describe("wasm MaxPoolGrad (replaces the stock kernel)", () => {
  it("routes the gradient of windows whose maximum is negative (the stock kernel misroutes it)", async () => {
    const x = tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
    const grad = tf.grad((z: tf.Tensor) => tf.sum(tf.maxPool(z as tf.Tensor4D, 2, 2, "valid")));
    await tf.setBackend("wasm");
    uninstallWasmPatches();
    const stock = tf.tidy(() => Array.from(grad(x).dataSync()));
    installWasmPatches();
    const patched = tf.tidy(() => Array.from(grad(x).dataSync()));
    x.dispose();
    expect(patched).toEqual([0, 1, 0, 0]);
    expect(stock).not.toEqual(patched);
  });

  it("matches the cpu backend within 1e-5 over window sizes, strides, paddings and batches", async () => {
    tf.env().set("IS_TEST", true);
    try {
      const cases: Array<
        [number[], number | [number, number], number | [number, number], "same" | "valid" | number]
      > = [
        [[1, 4, 6, 1], 2, 2, "valid"],
        [[2, 7, 7, 3], 3, 2, "same"],
        [[2, 8, 5, 2], [2, 3], [1, 2], "valid"],
        [[3, 6, 6, 4], 3, 1, "same"],
        [[1, 9, 9, 2], 3, 3, 1],
      ];
      for (const [i, [x, f, s, p]] of cases.entries()) {
        await expectBackendsClose("wasm", poolGrad(x, f, s, p, i), { what: `maxPool ${x} ${f} ${s} ${p}` });
      }
    } finally {
      tf.env().set("IS_TEST", false);
    }
  });
});
