import { CheckpointError } from "@hjepa/errors";
import { init, loadWeights, readModelJson, type SavedWeights, saveWeights, tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";

/**
 * The trainable critic of the cost module: the temporal distance between two representations, in env steps —
 * how few steps the offline data says it takes to get from one to the other. Training (`fitCritic` in
 * `criticFit.ts`) sees encoded transitions only, never true states or an oracle.
 *
 * The critic is a metric on a learned embedding, d(s, g) = ||phi(s) - phi(g)||_2 (a "Hilbert representation",
 * as in HILP: Park, Kreiman and Levine, "Foundation policies with Hilbert representations", ICML 2024), trained
 * as quasimetric RL trains its distance (QRL: Wang, Torralba, Isola and Zhang, "Optimal goal-reaching
 * reinforcement learning via quasimetric learning", ICML 2023): random pairs are pushed apart while every
 * observed transition is held within one step. The largest metric under which each observed step is at most 1
 * is the shortest-path distance in steps through the data's transitions, so the spread-out metric is it,
 * stitched across trajectories. The symmetric form fits the maps here, whose moves can be undone.
 */
export interface CriticOptions {
  /** Representation size d. */
  dim: number;
  /** Size of the embedding phi the distance is measured in (default 32). */
  embedding?: number;
  /** Hidden ReLU layers of phi (default [128, 128]). */
  hidden?: readonly number[];
  /**
   * The norm of phi(s) - phi(g) (default "l2"). "l1" can hold a maze's tree of corridors exactly, which no
   * Euclidean embedding of moderate size can.
   */
  norm?: CriticNorm;
}

export type CriticNorm = "l2" | "l1";
export const CRITIC_NORMS: readonly CriticNorm[] = ["l2", "l1"];

const KIND = "TemporalDistanceCritic";
const STD_FLOOR = 1e-6;
/** Inside the square root, so that the gradient stays finite where two embeddings meet. */
const NORM_EPS = 1e-8;

function checkPositiveInt(x: number, what: string): void {
  if (!(Number.isSafeInteger(x) && x > 0))
    throw new Error(`TemporalDistanceCritic: ${what} must be a positive integer (got ${x})`);
}

export class TemporalDistanceCritic {
  readonly dim: number;
  readonly embedding: number;
  readonly hidden: readonly number[];
  readonly norm: CriticNorm;
  /** Standardisation of the inputs (from the training data) and phi's layers, by name. */
  private readonly vars: Record<string, tf.Variable>;

  constructor({ dim, embedding = 32, hidden = [128, 128], norm = "l2" }: CriticOptions) {
    if (!CRITIC_NORMS.includes(norm))
      throw new Error(`TemporalDistanceCritic: norm must be one of ${CRITIC_NORMS.join(", ")} (got ${norm})`);
    checkPositiveInt(dim, "dim");
    checkPositiveInt(embedding, "embedding");
    for (const h of hidden) checkPositiveInt(h, "every hidden size");
    this.dim = dim;
    this.embedding = embedding;
    this.hidden = [...hidden];
    this.norm = norm;
    const shapes: Record<string, number[]> = { mean: [dim], std: [dim] };
    const sizes = [dim, ...hidden, embedding];
    for (let i = 0; i + 1 < sizes.length; i++) {
      shapes[`w${i}`] = [sizes[i] as number, sizes[i + 1] as number];
      shapes[`b${i}`] = [sizes[i + 1] as number];
    }
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

  /** phi's weights: what training changes. */
  trainable(): tf.Variable[] {
    return Object.values(this.vars).filter((v) => v.trainable);
  }

  /** The embedding phi(s) `[N, embedding]` of representations `s [N, d]`. */
  embed(s: tf.Tensor2D): tf.Tensor2D {
    if (s.rank !== 2 || s.shape[1] !== this.dim) {
      throw new Error(`TemporalDistanceCritic: expected representations [N, ${this.dim}] (got [${s.shape}])`);
    }
    return tf.tidy(() => {
      const v = this.vars;
      let x = tf.div(tf.sub(s, v.mean as tf.Variable), v.std as tf.Variable) as tf.Tensor2D;
      const layers = this.hidden.length + 1;
      for (let i = 0; i < layers; i++) {
        x = tf.add(tf.matMul(x, v[`w${i}`] as tf.Variable as tf.Tensor2D), v[`b${i}`] as tf.Variable);
        if (i + 1 < layers) x = tf.relu(x);
      }
      return x;
    });
  }

  /**
   * Temporal distance in env steps `[N]` from each row of `s [N, d]` to `goal` (`[1, d]`, shared, or `[N, d]`,
   * row by row). Differentiable in both, so gradient planners can use it.
   */
  distance(s: tf.Tensor2D, goal: tf.Tensor2D): tf.Tensor1D {
    if (
      goal.rank !== 2 ||
      goal.shape[1] !== this.dim ||
      (goal.shape[0] !== 1 && goal.shape[0] !== s.shape[0])
    ) {
      throw new Error(
        `TemporalDistanceCritic: goal must be [1, ${this.dim}] or [${s.shape[0]}, ${this.dim}] (got [${goal.shape}])`,
      );
    }
    return tf.tidy(() => embeddingDistance(this.embed(s), this.embed(goal), this.norm));
  }

  /** Sets the input standardisation from training representations `reps [n * d]` (row-major). */
  standardise(reps: Float32Array): void {
    const d = this.dim;
    const n = reps.length / d;
    const mean = new Float64Array(d);
    const sq = new Float64Array(d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (reps[i * d + j] as number) / n;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++)
        sq[j] = (sq[j] as number) + ((reps[i * d + j] as number) - (mean[j] as number)) ** 2 / n;
    const std = Float32Array.from(sq, (v) => Math.max(Math.sqrt(v), STD_FLOOR));
    tf.tidy(() => {
      this.vars.mean?.assign(tf.tensor1d(Float32Array.from(mean)));
      this.vars.std?.assign(tf.tensor1d(std));
    });
  }

  /** Fresh weights for phi from `rng` (He-normal hidden layers, Glorot-uniform output, zero biases). */
  initWeights(rng: Rng): void {
    tf.tidy(() => {
      const layers = this.hidden.length + 1;
      for (let i = 0; i < layers; i++) {
        const w = this.vars[`w${i}`] as tf.Variable;
        w.assign(i + 1 < layers ? init.heNormal(w.shape, rng) : init.glorotUniform(w.shape, rng));
        (this.vars[`b${i}`] as tf.Variable).assign(tf.zeros(this.vars[`b${i}`]?.shape ?? []));
      }
    });
  }

  /** Saves the weights and the architecture (model.json + weights.bin, atomically). */
  save(dir: string): Promise<SavedWeights> {
    return saveWeights(dir, this.vars, {
      userDefinedMetadata: {
        kind: KIND,
        dim: this.dim,
        embedding: this.embedding,
        hidden: [...this.hidden],
        norm: this.norm,
      },
    });
  }

  /** A critic restored from `save`'s folder (architecture from its metadata, shapes checked). */
  static async load(dir: string): Promise<TemporalDistanceCritic> {
    const meta = (await readModelJson(dir)).userDefinedMetadata as
      | { kind?: unknown; dim?: unknown; embedding?: unknown; hidden?: unknown; norm?: unknown }
      | undefined;
    const hidden = meta?.hidden;
    if (
      meta?.kind !== KIND ||
      typeof meta.dim !== "number" ||
      typeof meta.embedding !== "number" ||
      !Array.isArray(hidden) ||
      !hidden.every((h) => typeof h === "number") ||
      !CRITIC_NORMS.includes(meta.norm as CriticNorm)
    ) {
      throw new CheckpointError(
        `${dir}/model.json: userDefinedMetadata must be {kind: "${KIND}", dim, embedding, hidden, norm} ` +
          `(got ${JSON.stringify(meta)}); was it written by TemporalDistanceCritic.save?`,
      );
    }
    const critic = new TemporalDistanceCritic({
      dim: meta.dim,
      embedding: meta.embedding,
      hidden,
      norm: meta.norm as CriticNorm,
    });
    const expected = Object.fromEntries(
      Object.entries(critic.vars).map(([name, v]) => [name, { shape: [...v.shape] }]),
    );
    try {
      const { weights } = await loadWeights(dir, { expected });
      for (const [name, v] of Object.entries(critic.vars)) v.assign(weights[name] as tf.Tensor);
      tf.dispose(Object.values(weights));
    } catch (e) {
      critic.dispose();
      throw e;
    }
    return critic;
  }

  dispose(): void {
    tf.dispose(Object.values(this.vars));
  }
}

/** Distance between embeddings under `norm`: `a [N, e]` and `b [N or 1, e]` -> `[N]`. */
export function embeddingDistance(a: tf.Tensor2D, b: tf.Tensor2D, norm: CriticNorm = "l2"): tf.Tensor1D {
  return tf.tidy(() => {
    const diff = tf.sub(a, b);
    if (norm === "l1") return tf.sum(tf.abs(diff), 1) as tf.Tensor1D;
    return tf.sqrt(tf.add(tf.sum(tf.square(diff), 1), NORM_EPS)) as tf.Tensor1D;
  });
}
