import { CheckpointError } from "@hjepa/errors";
import { init, loadWeights, readModelJson, type SavedWeights, saveWeights, tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";

export interface HazardClassifierOptions {
  /** Representation size d. */
  dim: number;
  /** Hidden units of the one hidden ReLU layer; 0 = logistic regression (default 32). */
  hidden?: number;
}

export interface HazardFitOptions {
  /** Passes over the data (default 100). */
  epochs?: number;
  /** Adam learning rate (default 0.05). */
  lr?: number;
  /** Minibatch size (default 128; the whole set when smaller). */
  batchSize?: number;
  /** Draws the initial weights and the minibatch order. */
  rng: Rng;
}

export interface HazardFitResult {
  /** Mean class-balanced BCE of each epoch. */
  losses: number[];
  /** Accuracy on the training pairs at threshold 0.5. */
  accuracy: number;
  positives: number;
  negatives: number;
}

const KIND = "HazardClassifier";
const STD_FLOOR = 1e-6;

/**
 * P(hazard | representation): logistic regression or a one-hidden-layer MLP on standardised representations,
 * trained with class-balanced binary cross-entropy (each class weighs half of the loss, so rare hazards
 * count). `predict` is a `StateClassifier`, ready for `classifierGuardrail`.
 */
export class HazardClassifier {
  readonly dim: number;
  readonly hidden: number;
  /** Standardisation (from the training data) and layer weights, by name. */
  private readonly vars: Record<string, tf.Variable>;

  constructor({ dim, hidden = 32 }: HazardClassifierOptions) {
    if (!(Number.isSafeInteger(dim) && dim > 0)) {
      throw new Error(`HazardClassifier: dim must be a positive integer (got ${dim})`);
    }
    if (!(Number.isSafeInteger(hidden) && hidden >= 0)) {
      throw new Error(`HazardClassifier: hidden must be a non-negative integer (got ${hidden})`);
    }
    this.dim = dim;
    this.hidden = hidden;
    const out = hidden > 0 ? hidden : 1;
    const shapes: Record<string, number[]> = { mean: [dim], std: [dim], w0: [dim, out], b0: [out] };
    if (hidden > 0) Object.assign(shapes, { w1: [hidden, 1], b1: [1] });
    this.vars = {};
    for (const [name, shape] of Object.entries(shapes)) {
      const t = name === "std" ? tf.ones(shape) : tf.zeros(shape);
      this.vars[name] = tf.variable(t, name !== "mean" && name !== "std");
      t.dispose();
    }
  }

  /** The named weights (standardisation included), e.g. for `saveWeights`. */
  weights(): Record<string, tf.Variable> {
    return { ...this.vars };
  }

  /** Logits `[N]` of `s [N, d]`. */
  logits(s: tf.Tensor2D): tf.Tensor1D {
    if (s.rank !== 2 || s.shape[1] !== this.dim) {
      throw new Error(`HazardClassifier: expected representations [N, ${this.dim}] (got [${s.shape}])`);
    }
    return tf.tidy(() => {
      const v = this.vars;
      const x = tf.div(tf.sub(s, v.mean as tf.Variable), v.std as tf.Variable) as tf.Tensor2D;
      let z = tf.add(tf.matMul(x, v.w0 as tf.Variable as tf.Tensor2D), v.b0 as tf.Variable) as tf.Tensor2D;
      if (this.hidden > 0) {
        z = tf.add(tf.matMul(tf.relu(z), v.w1 as tf.Variable as tf.Tensor2D), v.b1 as tf.Variable);
      }
      return tf.reshape(z, [-1]) as tf.Tensor1D;
    });
  }

  /** Probabilities `[N]` of a hazard for `s [N, d]`. */
  predict(s: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.sigmoid(this.logits(s)));
  }

  /** Trains from scratch on `reps [N * d]` (row-major) and `labels [N]` (0/1). Seeded by `rng`. */
  fit(reps: Float32Array, labels: Uint8Array, options: HazardFitOptions): HazardFitResult {
    const { epochs = 100, lr = 0.05, batchSize = 128, rng } = options;
    const n = labels.length;
    const d = this.dim;
    if (n === 0 || reps.length !== n * d) {
      throw new Error(
        `HazardClassifier.fit: reps has ${reps.length} values; expected labels.length x dim = ${n} x ${d} ` +
          "(and at least one pair)",
      );
    }
    let positives = 0;
    for (let i = 0; i < n; i++) {
      const y = labels[i] as number;
      if (y !== 0 && y !== 1) throw new Error(`HazardClassifier.fit: labels[${i}] = ${y}; expected 0 or 1`);
      positives += y;
    }
    const negatives = n - positives;
    // Each present class weighs half of the loss; with one class only, every pair weighs 1.
    const wPos = positives > 0 && negatives > 0 ? n / (2 * positives) : 1;
    const wNeg = positives > 0 && negatives > 0 ? n / (2 * negatives) : 1;

    this.standardise(reps, n);
    this.initWeights(rng);
    const trainable = Object.values(this.vars).filter((v) => v.trainable);
    const optimizer = tf.train.adam(lr);
    const order = Array.from({ length: n }, (_, i) => i);
    const size = Math.min(batchSize, n);
    const losses: number[] = [];
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        rng.shuffle(order);
        let sum = 0;
        for (let start = 0; start < n; start += size) {
          const idx = order.slice(start, start + size);
          const x = new Float32Array(idx.length * d);
          const y = new Float32Array(idx.length);
          const w = new Float32Array(idx.length);
          idx.forEach((row, j) => {
            x.set(reps.subarray(row * d, row * d + d), j * d);
            y[j] = labels[row] as number;
            w[j] = y[j] === 1 ? wPos : wNeg;
          });
          const loss = tf.tidy(() => {
            const xs = tf.tensor2d(x, [idx.length, d]);
            const ys = tf.tensor1d(y);
            const ws = tf.tensor1d(w);
            return optimizer.minimize(
              () => {
                // Stable BCE from logits: softplus(z) - y z.
                const z = this.logits(xs);
                return tf.mean(tf.mul(ws, tf.sub(tf.softplus(z), tf.mul(ys, z)))) as tf.Scalar;
              },
              true,
              trainable,
            ) as tf.Scalar;
          });
          sum += (loss.dataSync()[0] as number) * idx.length;
          loss.dispose();
        }
        losses.push(sum / n);
      }
    } finally {
      optimizer.dispose();
    }
    return { losses, accuracy: this.accuracy(reps, labels), positives, negatives };
  }

  /** Fraction of pairs classified right at `threshold` (default 0.5). */
  accuracy(reps: Float32Array, labels: Uint8Array, threshold = 0.5): number {
    const n = labels.length;
    const p = tf.tidy(() => this.predict(tf.tensor2d(reps, [n, this.dim])));
    const probs = p.dataSync();
    p.dispose();
    let right = 0;
    for (let i = 0; i < n; i++) right += ((probs[i] as number) > threshold ? 1 : 0) === labels[i] ? 1 : 0;
    return right / n;
  }

  /** Saves the weights and the architecture (model.json + weights.bin, atomically). */
  save(dir: string): Promise<SavedWeights> {
    return saveWeights(dir, this.vars, {
      userDefinedMetadata: { kind: KIND, dim: this.dim, hidden: this.hidden },
    });
  }

  /** A classifier restored from `save`'s folder (architecture from its metadata, shapes checked). */
  static async load(dir: string): Promise<HazardClassifier> {
    const meta = (await readModelJson(dir)).userDefinedMetadata as
      | { kind?: unknown; dim?: unknown; hidden?: unknown }
      | undefined;
    if (meta?.kind !== KIND || typeof meta.dim !== "number" || typeof meta.hidden !== "number") {
      throw new CheckpointError(
        `${dir}/model.json: userDefinedMetadata must be {kind: "${KIND}", dim, hidden} ` +
          `(got ${JSON.stringify(meta)}); was it written by HazardClassifier.save?`,
      );
    }
    const classifier = new HazardClassifier({ dim: meta.dim, hidden: meta.hidden });
    const expected = Object.fromEntries(
      Object.entries(classifier.vars).map(([name, v]) => [name, { shape: [...v.shape] }]),
    );
    const { weights } = await loadWeights(dir, { expected });
    for (const [name, v] of Object.entries(classifier.vars)) v.assign(weights[name] as tf.Tensor);
    tf.dispose(Object.values(weights));
    return classifier;
  }

  dispose(): void {
    tf.dispose(Object.values(this.vars));
  }

  private standardise(reps: Float32Array, n: number): void {
    const d = this.dim;
    const mean = new Float64Array(d);
    const sq = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (reps[i * d + j] as number) / n;
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++)
        sq[j] = (sq[j] as number) + ((reps[i * d + j] as number) - (mean[j] as number)) ** 2 / n;
    }
    const std = Float32Array.from(sq, (v) => Math.max(Math.sqrt(v), STD_FLOOR));
    tf.tidy(() => {
      this.vars.mean?.assign(tf.tensor1d(Float32Array.from(mean)));
      this.vars.std?.assign(tf.tensor1d(std));
    });
  }

  private initWeights(rng: Rng): void {
    tf.tidy(() => {
      const v = this.vars;
      const out = this.hidden > 0 ? this.hidden : 1;
      // Logistic regression starts at p = 0.5 everywhere; the MLP needs random hidden units.
      v.w0?.assign(this.hidden > 0 ? init.heNormal([this.dim, out], rng) : tf.zeros([this.dim, out]));
      v.b0?.assign(tf.zeros([out]));
      if (this.hidden > 0) {
        v.w1?.assign(init.glorotUniform([this.hidden, 1], rng));
        v.b1?.assign(tf.zeros([1]));
      }
    });
  }
}
