import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "../backend.ts";
import { heNormal, normal, zeros } from "../init.ts";
import { expectBackendsClose, expectNoLeaks } from "../testing.ts";
import { tf } from "../tf.ts";
import {
  installWasmPatches,
  uninstallWasmPatches,
  WASM_PATCHED_KERNELS,
  wasmPatchesInstalled,
} from "./wasmPatches.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

const img = (x: tf.Tensor) => tf.reshape(x, [1, 4, 6, 1]) as tf.Tensor4D;
const w4 = (shape: [number, number, number, number], seed: number) =>
  normal(shape, new Rng(seed)) as tf.Tensor4D;

/** Ops a model is built from; each maps a [4, 6] input to some tensor. */
const OPS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  leakyRelu: (x) => tf.leakyRelu(x, 0.1),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  softplus: (x) => tf.softplus(x),
  square: (x) => tf.square(x),
  sqrt: (x) => tf.sqrt(tf.add(tf.abs(x), 1)),
  exp: (x) => tf.exp(x),
  log: (x) => tf.log(tf.add(tf.abs(x), 1)),
  pow: (x) => tf.pow(tf.add(tf.abs(x), 1), 1.5),
  mean: (x) => tf.mean(x, 1),
  sum: (x) => tf.sum(x, 0),
  max: (x) => tf.max(x, 1),
  prod: (x) => tf.prod(x, 1),
  layerNorm: (x) => {
    const m = tf.moments(x, -1, true);
    return tf.div(tf.sub(x, m.mean), tf.sqrt(tf.add(m.variance, 1e-5)));
  },
  softmax: (x) => tf.softmax(x),
  logSoftmax: (x) => tf.logSoftmax(x),
  dense: (x) => tf.matMul(x, normal([6, 5], new Rng(9))),
  denseTransposed: (x) => tf.matMul(normal([4, 5], new Rng(9)), x, true, false),
  fusedDense: (x) =>
    tf.fused.matMul({ a: x, b: normal([6, 5], new Rng(9)), bias: zeros([5]), activation: "relu" }),
  batchedMatMul: (x) => tf.matMul(tf.reshape(x, [2, 2, 6]), normal([2, 6, 3], new Rng(9))),
  concat: (x) => tf.concat([x, tf.square(x)], 1),
  slice: (x) => tf.slice(x, [1, 1], [2, 3]),
  stack: (x) => tf.stack([x, x]),
  split: (x) => tf.split(x, 2, 1)[1],
  tile: (x) => tf.tile(x, [2, 1]),
  pad: (x) =>
    tf.pad(x, [
      [1, 0],
      [0, 2],
    ]),
  transpose: (x) => tf.transpose(x),
  gather: (x) => tf.gather(x, tf.tensor1d([0, 3, 3, 1], "int32")),
  maximum: (x) => tf.maximum(x, 0.1),
  clip: (x) => tf.clipByValue(x, -0.5, 0.5),
  cumsum: (x) => tf.cumsum(x, 1),
  norm: (x) => tf.norm(x, "euclidean", 1),
  softmaxCrossEntropy: (x) =>
    tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([1, 0, 2, 5], "int32"), 6), x),
  huber: (x) => tf.losses.huberLoss(tf.zerosLike(x), x),
  conv2d: (x) => tf.conv2d(img(x), w4([3, 3, 1, 2], 7), 1, "same"),
  conv2dStrided: (x) => tf.conv2d(img(x), w4([2, 2, 1, 2], 7), 2, "valid"),
  fusedConv2d: (x) => tf.fused.conv2d({ x: img(x), filter: w4([3, 3, 1, 2], 7), pad: "same", strides: 1 }),
  depthwiseConv2d: (x) => tf.depthwiseConv2d(img(x), w4([3, 3, 1, 2], 7), 1, "same"),
  conv2dTranspose: (x) => tf.conv2dTranspose(img(x), w4([3, 3, 2, 1], 7), [1, 8, 12, 2], 2, "same"),
  maxPool: (x) => tf.maxPool(img(x), 2, 2, "valid"),
  avgPool: (x) => tf.avgPool(img(x), 2, 2, "same"),
  batchNorm: (x) => tf.batchNorm(x, tf.mean(x, 0), tf.ones([6]), zeros([6]), tf.ones([6])),
};

describe("training on wasm", () => {
  it("computes the gradient of every op in the list, matching the cpu backend within 1e-5", async () => {
    for (const [name, op] of Object.entries(OPS)) {
      await expectBackendsClose(
        "wasm",
        () => {
          const rng = new Rng(1);
          const x = normal([4, 6], rng);
          return tf.grad((z: tf.Tensor) => {
            const y = op(z);
            return tf.sum(tf.mul(y, normal(y.shape, new Rng(2))));
          })(x);
        },
        { what: `gradient of ${name}` },
      );
    }
  });

  it("trains a small CNN and an MLP with Adam: the loss falls and no tensor leaks", async () => {
    await tf.setBackend("wasm");
    const rng = new Rng(3);
    const params = [
      heNormal([3, 3, 2, 8], rng),
      heNormal([3, 3, 8, 8], rng),
      heNormal([8, 4], rng),
      zeros([4]),
    ].map((t) => tf.variable(t));
    const x = normal([8, 12, 12, 2], rng) as tf.Tensor4D;
    const y = normal([8, 4], rng);
    const loss = () =>
      tf.tidy(() => {
        const h1 = tf.relu(tf.conv2d(x, params[0] as tf.Tensor4D, 2, "same"));
        const h2 = tf.relu(tf.conv2d(h1, params[1] as tf.Tensor4D, 1, "same"));
        const out = tf.add(
          tf.matMul(tf.mean(h2, [1, 2]) as tf.Tensor2D, params[2] as tf.Tensor2D),
          params[3],
        );
        return tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
      });
    const optimizer = tf.train.adam(0.03);
    const losses = expectNoLeaks(() => {
      const out: number[] = [];
      for (let step = 0; step < 30; step++) {
        const cost = optimizer.minimize(loss, true, params as tf.Variable[]);
        out.push(cost?.dataSync()[0] ?? Number.NaN);
        cost?.dispose();
      }
      return out;
    }, 2 * 4); // Adam creates two moment tensors per parameter on its first step
    optimizer.dispose();
    tf.dispose([...params, x, y]);
    expect(losses[29]).toBeLessThan(0.7 * losses[0]);
  });
});

describe("installWasmPatches / uninstallWasmPatches", () => {
  it("swap the registered kernels and are idempotent", () => {
    const patched = WASM_PATCHED_KERNELS.map((k) => tf.getKernel(k, "wasm"));
    installWasmPatches();
    expect(WASM_PATCHED_KERNELS.map((k) => tf.getKernel(k, "wasm"))).toEqual(patched);
    uninstallWasmPatches();
    uninstallWasmPatches();
    expect(wasmPatchesInstalled()).toBe(false);
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeUndefined();
    expect(tf.getKernel("BatchMatMul", "wasm")).not.toBe(patched[0]);
    installWasmPatches();
    expect(wasmPatchesInstalled()).toBe(true);
    expect(tf.getKernel("BatchMatMul", "wasm")?.kernelFunc).toBeDefined();
  });
});
