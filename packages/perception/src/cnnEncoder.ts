import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { z } from "zod";
import {
  activationSchema,
  type CnnEncoderConfig,
  type Encoder,
  ProjectorHead,
  projectorSchema,
  registerEncoder,
} from "./encoder.ts";
import { activation, Conv2D, Dense } from "./layers.ts";
import { setStats } from "./mlpEncoder.ts";
import type { ParamStore } from "./params.ts";

/**
 * A small CNN for channels-last pixel observations (e.g. 64x64x2): per-channel standardisation (after
 * scaling uint8 to [0, 1]), conv layers of stride 2 with the config's channels, flatten, a dense layer to
 * `dim`, optional MLP projector.
 */
export class CnnEncoder implements Encoder {
  readonly type = "cnn";
  readonly dim: number;
  readonly projectedDim: number;
  private readonly convs: Conv2D[] = [];
  private readonly head: Dense;
  private readonly projector: ProjectorHead;
  private readonly mean: tf.Variable;
  private readonly std: tf.Variable;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private readonly flatSize: number;

  constructor(
    readonly config: CnnEncoderConfig,
    readonly inputShape: readonly number[],
    readonly params: ParamStore,
    rng: Rng,
  ) {
    if (inputShape.length !== 3) {
      // A config that pairs the cnn encoder with an environment whose observations are not images.
      throw new InputError(
        `CnnEncoder: observations must be [height, width, channels] (got [${inputShape.join(", ")}]); ` +
          'use encoder type "mlp" for vector observations or a pixel obsMode',
      );
    }
    const [h, w, c] = inputShape as [number, number, number];
    this.dim = config.dim;
    this.mean = params.add("inputMean", tf.zeros([c]), { trainable: false });
    this.std = params.add("inputStd", tf.ones([c]), { trainable: false });
    const kernel = config.kernel ?? 3;
    let hh = h;
    let ww = w;
    let inC = c;
    config.channels.forEach((outC, i) => {
      const conv = new Conv2D(params.scope(`conv${i}`), inC, outC, kernel, 2, rng);
      this.convs.push(conv);
      hh = conv.outSize(hh);
      ww = conv.outSize(ww);
      inC = outC;
    });
    this.flatSize = hh * ww * inC;
    this.head = new Dense(params.scope("head"), this.flatSize, config.dim, rng);
    this.act = activation(config.activation ?? "relu");
    this.projector = new ProjectorHead(params, config.dim, config.projector, rng);
    this.projectedDim = this.projector.dim;
  }

  encode(obs: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const [h, w, c] = this.inputShape as [number, number, number];
      let x = tf.reshape(tf.div(tf.cast(obs, "float32"), 255), [-1, h, w, c]) as tf.Tensor4D;
      x = tf.div(tf.sub(x, this.mean), this.std) as tf.Tensor4D;
      for (const conv of this.convs) x = this.act(conv.apply(x)) as tf.Tensor4D;
      return this.head.apply(tf.reshape(x, [-1, this.flatSize]) as tf.Tensor2D);
    });
  }

  project(z: tf.Tensor2D): tf.Tensor2D {
    return this.projector.apply(z);
  }

  /** Per-channel statistics of observations scaled to [0, 1]. */
  setNormalization(mean: ArrayLike<number>, std: ArrayLike<number>): void {
    setStats(this.mean, this.std, mean, std, "CnnEncoder");
  }
}

/** The options of `cnn` as a config gives them (`model.encoder`), with their defaults and bounds. */
export const cnnEncoderSchema = z
  .object({
    type: z.literal("cnn"),
    channels: z.array(z.number().int().positive()).min(1).default([16, 32, 32, 32]),
    kernel: z.number().int().positive().default(3),
    dim: z.number().int().positive().default(32),
    activation: activationSchema.default("relu"),
    projector: projectorSchema.nullable().default(null),
  })
  .strict();

registerEncoder("cnn", {
  schema: cnnEncoderSchema,
  create: (config) => (inputShape, params, rng) => new CnnEncoder(config, inputShape, params, rng),
});
