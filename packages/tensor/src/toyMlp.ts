/**
 * A small ReLU MLP for benchmarks and determinism tests of this package (research code builds its own
 * networks in its own packages). Weights: Glorot-uniform matrices and zero biases from a seeded Rng.
 */
import type { Rng } from "gymnasium-js";
import { glorotUniform, zeros } from "./init.ts";
import { tf } from "./tf.ts";

export interface ToyMlp {
  /** Layer widths, input first: [2, 256, 256, 64]. */
  sizes: number[];
  /** W0, b0, W1, b1, ... named `${name}/w${i}` and `${name}/b${i}`. */
  params: tf.Variable[];
  /** ReLU after every layer but the last. */
  apply(x: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

export function createToyMlp(sizes: number[], rng: Rng, name = "mlp"): ToyMlp {
  if (sizes.length < 2 || !sizes.every((s) => Number.isSafeInteger(s) && s > 0)) {
    throw new Error(`createToyMlp: sizes must be >= 2 positive integers (got [${sizes}])`);
  }
  const params: tf.Variable[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const w = glorotUniform([sizes[i], sizes[i + 1]], rng);
    const b = zeros([sizes[i + 1]]);
    params.push(tf.variable(w, true, `${name}/w${i}`), tf.variable(b, true, `${name}/b${i}`));
    w.dispose();
    b.dispose();
  }
  const apply = (x: tf.Tensor2D): tf.Tensor2D =>
    tf.tidy(() => {
      let h: tf.Tensor2D = x;
      for (let i = 0; i < params.length; i += 2) {
        h = tf.add(tf.matMul(h, params[i] as tf.Tensor2D), params[i + 1]);
        if (i + 2 < params.length) h = tf.relu(h);
      }
      return h;
    });
  return { sizes: [...sizes], params, apply, dispose: () => tf.dispose(params) };
}

/** A batch of inputs in [-1, 1) and regression targets N(0, 1) drawn from `rng`, as tensors. */
export function toyBatch(
  rng: Rng,
  batch: number,
  inputs: number,
  outputs: number,
): [tf.Tensor2D, tf.Tensor2D] {
  const x = new Float32Array(batch * inputs);
  const y = new Float32Array(batch * outputs);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
  for (let i = 0; i < y.length; i++) y[i] = rng.normal();
  return [tf.tensor2d(x, [batch, inputs]), tf.tensor2d(y, [batch, outputs])];
}

/** Mean squared error of the MLP on (x, y). */
export function toyLoss(mlp: ToyMlp, x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(mlp.apply(x), y))) as tf.Scalar);
}
