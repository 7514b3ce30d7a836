import { beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "../backend.ts";
import { expectNoLeaks } from "../testing.ts";
import { tf } from "../tf.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("XNNPACK operator-cache guard", () => {
  it("multiplies a reshaped weight correctly (the stock kernel reuses a stale operator and aborts)", async () => {
    await tf.setBackend("wasm");
    const w = tf.tensor2d(iota(24), [4, 6]);
    const [first, second, third] = expectNoLeaks(() =>
      tf.tidy(() => [
        tf
          .matMul(tf.ones([2, 4]), w)
          .dataSync()
          .slice(),
        tf
          .matMul(tf.ones([1, 8]), tf.reshape(w, [8, 3]))
          .dataSync()
          .slice(),
        tf
          .matMul(tf.ones([1, 4]), w)
          .dataSync()
          .slice(),
      ]),
    );
    w.dispose();
    expect(Array.from(first.slice(0, 6))).toEqual([36, 40, 44, 48, 52, 56]);
    expect(Array.from(second)).toEqual([84, 92, 100]);
    expect(Array.from(third)).toEqual([36, 40, 44, 48, 52, 56]);
  });

  it("guards tf.fused.matMul the same way", async () => {
    await tf.setBackend("wasm");
    const w = tf.tensor2d(iota(24), [4, 6]);
    const [first, second] = tf.tidy(() => [
      tf.fused
        .matMul({ a: tf.ones([2, 4]), b: w, bias: tf.ones([6]) })
        .dataSync()
        .slice(),
      tf.fused
        .matMul({ a: tf.ones([1, 8]), b: tf.reshape(w, [8, 3]), bias: tf.ones([3]) })
        .dataSync()
        .slice(),
    ]);
    w.dispose();
    expect(Array.from(first.slice(0, 6))).toEqual([37, 41, 45, 49, 53, 57]);
    expect(Array.from(second)).toEqual([85, 93, 101]);
  });
});
