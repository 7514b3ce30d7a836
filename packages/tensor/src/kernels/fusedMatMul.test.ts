import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "../backend.ts";
import { normal } from "../init.ts";
import { expectBackendsClose, expectNoLeaks } from "../testing.ts";
import { tf } from "../tf.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

type Activation = "linear" | "relu" | "relu6" | "elu" | "sigmoid" | "leakyrelu";

describe("patched wasm _FusedMatMul (tf.fused.matMul)", () => {
  it("matches the cpu backend within 1e-5 with transposes, bias, activations and batches", async () => {
    const cases: Array<[number[], number[], boolean, boolean, Activation, boolean]> = [
      [[5, 7], [7, 3], false, false, "linear", false],
      [[7, 5], [7, 3], true, false, "relu", true],
      [[5, 7], [3, 7], false, true, "relu6", true],
      [[7, 5], [3, 7], true, true, "sigmoid", true],
      [[64, 48], [48, 32], false, false, "elu", true],
      [[48, 64], [32, 48], true, true, "leakyrelu", true],
      [[2, 3, 5, 7], [7, 4], false, false, "relu", true],
      [[2, 3, 7, 5], [4, 7], true, true, "linear", true],
      [[3, 5, 7], [3, 7, 4], false, false, "relu", true],
      [[3, 7, 5], [3, 4, 7], true, true, "linear", true],
      [[5, 7], [3, 7, 4], false, false, "relu", true],
      [[1, 40, 33], [2, 33, 20], false, false, "linear", true],
    ];
    for (const [i, [sa, sb, ta, tb, activation, withBias]] of cases.entries()) {
      await expectBackendsClose(
        "wasm",
        () => {
          const rng = new Rng(i);
          const a = normal(sa, rng);
          const b = normal(sb, rng);
          const n = tb ? sb[sb.length - 2] : sb[sb.length - 1];
          const bias = withBias ? normal([n], rng) : undefined;
          return tf.fused.matMul({
            a,
            b,
            transposeA: ta,
            transposeB: tb,
            bias,
            activation,
            leakyreluAlpha: 0.1,
          });
        },
        { what: `fused.matMul [${sa}]x[${sb}] tA=${ta} tB=${tb} ${activation}` },
      );
    }
  });

  it("has gradients that match the cpu backend and leaks nothing", async () => {
    const grads = () => {
      const rng = new Rng(5);
      const a = normal([6, 9], rng);
      const b = normal([5, 9], rng);
      const bias = normal([5], rng);
      const f = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: x, b: w, transposeB: true, bias: c, activation: "relu" })));
      return tf.concat(
        tf
          .grads(f)([a, b, bias])
          .map((g) => tf.reshape(g, [-1])),
      );
    };
    await expectBackendsClose("wasm", grads);
    await tf.setBackend("wasm");
    expect(expectNoLeaks(() => tf.tidy(() => grads().size))).toBe(6 * 9 + 5 * 9 + 5);
  });
});
