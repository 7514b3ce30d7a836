import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { z } from "zod";
import {
  activationSchema,
  type Encoder,
  type MlpEncoderConfig,
  ProjectorHead,
  projectorSchema,
  registerEncoder,
} from "./encoder.ts";
import { Mlp } from "./layers.ts";
import type { ParamStore } from "./params.ts";

/** An MLP over flat state observations: standardise (unless `standardize: false`), MLP to `dim`, optional MLP projector. */
export class MlpEncoder implements Encoder {
  readonly type = "mlp";
  readonly dim: number;
  readonly projectedDim: number;
  private readonly inputSize: number;
  private readonly mean: tf.Variable;
  private readonly std: tf.Variable;
  private readonly net: Mlp;
  private readonly projector: ProjectorHead;

  constructor(
    readonly config: MlpEncoderConfig,
    readonly inputShape: readonly number[],
    readonly params: ParamStore,
    rng: Rng,
  ) {
    this.inputSize = inputShape.reduce((a, b) => a * b, 1);
    this.dim = config.dim;
    this.mean = params.add("inputMean", tf.zeros([this.inputSize]), { trainable: false });
    this.std = params.add("inputStd", tf.ones([this.inputSize]), { trainable: false });
    this.net = new Mlp(
      params.scope("net"),
      {
        sizes: [this.inputSize, ...config.hidden, config.dim],
        activation: config.activation,
        layerNorm: config.layerNorm,
      },
      rng,
    );
    this.projector = new ProjectorHead(params, config.dim, config.projector, rng, config.activation);
    this.projectedDim = this.projector.dim;
  }

  encode(obs: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const x = tf.reshape(tf.cast(obs, "float32"), [-1, this.inputSize]) as tf.Tensor2D;
      if (this.config.standardize === false) return this.net.apply(x);
      return this.net.apply(tf.div(tf.sub(x, this.mean), this.std) as tf.Tensor2D);
    });
  }

  project(z: tf.Tensor2D): tf.Tensor2D {
    return this.projector.apply(z);
  }

  setNormalization(mean: ArrayLike<number>, std: ArrayLike<number>): void {
    setStats(this.mean, this.std, mean, std, "MlpEncoder");
  }
}

/** Assigns normalisation statistics, guarding against zero std (a constant feature). */
export function setStats(
  meanVar: tf.Variable,
  stdVar: tf.Variable,
  mean: ArrayLike<number>,
  std: ArrayLike<number>,
  who: string,
): void {
  if (mean.length !== meanVar.size || std.length !== stdVar.size) {
    throw new Error(
      `${who}.setNormalization: expected ${meanVar.size} values (got mean ${mean.length}, std ${std.length})`,
    );
  }
  const safeStd = Float32Array.from(std, (s) => (s > 1e-6 ? s : 1));
  tf.tidy(() => {
    meanVar.assign(tf.tensor(Float32Array.from(mean), meanVar.shape));
    stdVar.assign(tf.tensor(safeStd, stdVar.shape));
  });
}

/** The options of `mlp` as a config gives them (`model.encoder`), with their defaults and bounds. */
export const mlpEncoderSchema = z
  .object({
    type: z.literal("mlp"),
    hidden: z.array(z.number().int().positive()).default([64, 64]),
    dim: z.number().int().positive().default(16),
    activation: activationSchema.default("relu"),
    layerNorm: z.boolean().default(false),
    projector: projectorSchema.nullable().default(null),
    /**
     * Standardise each feature by the training data's mean and std (absent: true). `false` feeds the raw
     * features, for one-hot observations (KeyDoor's `onehot`: a cell plus the key bit), where standardising
     * scales a rarely visited cell, such as the key's corner, by 1/sqrt(its frequency) and makes its
     * representation the least reliable of all. Optional, so configs without it resolve (and key their runs) as
     * before.
     */
    standardize: z.boolean().optional(),
  })
  .strict();

registerEncoder("mlp", {
  schema: mlpEncoderSchema,
  create: (config) => (inputShape, params, rng) => new MlpEncoder(config, inputShape, params, rng),
});
