import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "../backend.ts";
import { normal } from "../init.ts";
import { expectBackendsClose } from "../testing.ts";
import { tf } from "../tf.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

describe("wasm UnsortedSegmentSum", () => {
  it("sums rows into segments and drops out-of-range ids", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = tf.tensor1d([2, 0, 2, 5], "int32");
    const out = tf.unsortedSegmentSum(x, ids, 3);
    expect(out.shape).toEqual([3, 2]);
    expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 6, 8]);
    tf.dispose([x, ids, out]);
  });

  it("matches the cpu backend for float32 and int32 of several ranks", async () => {
    await expectBackendsClose("wasm", () => {
      const rng = new Rng(1);
      const ids = tf.tensor1d(
        Array.from({ length: 30 }, () => rng.int(7)),
        "int32",
      );
      return tf.unsortedSegmentSum(normal([30, 3, 4], rng), ids, 7);
    });
    await expectBackendsClose("wasm", () =>
      tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], "int32"), tf.tensor1d([1, 1, 0, 1], "int32"), 2),
    );
  });

  it("makes gather trainable on wasm (its gradient)", async () => {
    await expectBackendsClose("wasm", () => {
      const rng = new Rng(2);
      const table = normal([10, 4], rng);
      const idx = tf.tensor1d([0, 3, 3, 9, 1, 3], "int32");
      return tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, idx))))(table);
    });
  });
});
