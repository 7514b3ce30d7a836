import { InputError } from "@hjepa/errors";
import { init, tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { z } from "zod";
import {
  activationSchema,
  type Encoder,
  ProjectorHead,
  projectorSchema,
  registerEncoder,
} from "./encoder.ts";
import { ACTIVATIONS, type ActivationName, Mlp } from "./layers.ts";
import type { ParamStore } from "./params.ts";

/** The options of `embedding` as a config gives them (`model.encoder`), with their defaults and bounds. */
export const embeddingEncoderSchema = z
  .object({
    type: z.literal("embedding"),
    /** Hidden sizes after the table; the table's width is the first (or `dim` when there are none). */
    hidden: z.array(z.number().int().positive()).default([128]),
    dim: z.number().int().positive().default(16),
    activation: activationSchema.default("relu"),
    projector: projectorSchema.nullable().default(null),
  })
  .strict();
export type EmbeddingEncoderConfig = z.infer<typeof embeddingEncoderSchema>;

/** Observations given to an `embedding` encoder are not one-hot vectors. */
export class NotOneHotError extends InputError {
  override name = "NotOneHotError";
}

/**
 * An encoder for one-hot observations (a grid's cell, any discrete state given as a one-hot vector): a table
 * row per input feature, looked up by the hot index, then an MLP to `dim`. It computes exactly what `mlp`'s
 * first layer computes on an unstandardised one-hot vector, `x W + b` (= row `argmax x` of W, plus b), but by
 * lookup: its cost does not grow with the number of states, where the dense first layer's forward and backward
 * passes multiply by the whole `[states, width]` matrix for every frame (on the 31x31 GridMaze, about 5x the rest
 * of a training step). The table's gradient is the output gradient added into the looked-up rows (a scatter),
 * not a dense product either.
 *
 * One-hot input is required: `setNormalization` (given the training data's per-feature means) refuses data whose
 * means do not sum to 1, so a config that names it for another observation mode fails before training.
 */
export class EmbeddingEncoder implements Encoder {
  readonly type = "embedding";
  readonly dim: number;
  readonly projectedDim: number;
  private readonly inputSize: number;
  private readonly table: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private readonly net: Mlp | null;
  private readonly projector: ProjectorHead;

  constructor(
    readonly config: EmbeddingEncoderConfig,
    readonly inputShape: readonly number[],
    readonly params: ParamStore,
    rng: Rng,
  ) {
    this.inputSize = inputShape.reduce((a, b) => a * b, 1);
    this.dim = config.dim;
    const [width = config.dim, ...rest] = config.hidden;
    // Unit-variance rows, as an embedding table is usually initialised: a one-hot input carries no scale of its own.
    this.table = params.add(
      "table",
      init.uniform([this.inputSize, width], rng, { low: -Math.sqrt(3), high: Math.sqrt(3) }),
    );
    this.bias = params.add("bias", init.zeros([width]));
    this.act = ACTIVATIONS[config.activation as ActivationName];
    this.net =
      config.hidden.length > 0
        ? new Mlp(
            params.scope("net"),
            { sizes: [width, ...rest, config.dim], activation: config.activation },
            rng,
          )
        : null;
    this.projector = new ProjectorHead(params, config.dim, config.projector, rng, config.activation);
    this.projectedDim = this.projector.dim;
  }

  encode(obs: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const x = tf.reshape(tf.cast(obs, "float32"), [-1, this.inputSize]);
      const rows = lookup(this.table as tf.Tensor2D, tf.argMax(x, 1) as tf.Tensor1D);
      const h = tf.add(rows, this.bias) as tf.Tensor2D;
      if (!this.net) return h;
      return this.net.apply(this.act(h) as tf.Tensor2D);
    });
  }

  project(z: tf.Tensor2D): tf.Tensor2D {
    return this.projector.apply(z);
  }

  /** Checks that the data is one-hot (its feature means sum to 1); one-hot input needs no standardising. */
  setNormalization(mean: ArrayLike<number>, _std: ArrayLike<number>): void {
    if (mean.length !== this.inputSize) {
      throw new InputError(
        `EmbeddingEncoder.setNormalization: expected ${this.inputSize} means (got ${mean.length})`,
      );
    }
    let sum = 0;
    let outside = false;
    for (let i = 0; i < mean.length; i++) {
      const m = mean[i] as number;
      sum += m;
      if (m < 0 || m > 1) outside = true;
    }
    if (outside || Math.abs(sum - 1) > 1e-3) {
      throw new NotOneHotError(
        `encoder "embedding" needs one-hot observations (exactly one feature is 1 in every frame: for the grid ` +
          `environments, env.kwargs.obsMode "onehot" without a key); the data's feature means sum to ${sum.toFixed(3)}, ` +
          `expected 1`,
      );
    }
  }
}

/**
 * Rows `index` of `table`, with the gradient added back into those rows by a scatter (the same rows looked up
 * several times get the sum of their gradients). TF.js's own gather gradient needs a kernel the wasm backend lacks.
 */
function lookup(table: tf.Tensor2D, index: tf.Tensor1D): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, i, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const idx = tf.cast(i, "int32");
    save([idx]);
    return {
      value: tf.gather(t, idx),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const at = tf.expandDims(saved[0] as tf.Tensor, 1);
        return [tf.scatterND(at, dy as tf.Tensor, t.shape), tf.zerosLike(i)];
      },
    };
  });
  return f(table, index) as tf.Tensor2D;
}

registerEncoder("embedding", {
  schema: embeddingEncoderSchema,
  create: (config) => (inputShape, params, rng) => new EmbeddingEncoder(config, inputShape, params, rng),
});
