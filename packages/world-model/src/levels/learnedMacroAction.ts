import { LayerNorm, Mlp, type ParamStore } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { z } from "zod";
import type { learnedMacroActionSchema, MacroActionEncoder } from "./macroAction.ts";

export type LearnedMacroActionConfig = z.output<typeof learnedMacroActionSchema>;

/** Bounds of a stochastic encoder's log-variance: keeps exp() finite early in training. */
const LOG_VAR_MIN = -8;
const LOG_VAR_MAX = 4;

/**
 * A learned macro-action latent: an MLP over the flattened features of the K primitive actions.
 * Deterministic (as HWM): MLP -> LayerNorm -> `dim`, so the latent's scale stays fixed however the MLP drifts,
 * which keeps planners' bounds meaningful. Stochastic: the MLP gives a mean and a log-variance; training uses a
 * reparameterised sample (noise from a seeded Rng) with a KL term to N(0, I), prediction uses the mean. The
 * stochastic mean has no LayerNorm: the KL term already sets its scale, and a LayerNorm would fight it.
 */
export class LearnedMacroAction implements MacroActionEncoder {
  readonly type = "learned";
  readonly dim: number;
  readonly stochastic: boolean;
  readonly klWeight: number;
  private readonly net: Mlp;
  private readonly norm: LayerNorm | null;

  constructor(
    readonly config: LearnedMacroActionConfig,
    readonly inputSize: number,
    params: ParamStore,
    rng: Rng,
  ) {
    this.dim = config.dim;
    this.stochastic = config.stochastic;
    this.klWeight = config.kl;
    this.net = new Mlp(
      params.scope("net"),
      {
        sizes: [inputSize, ...config.hidden, this.stochastic ? 2 * config.dim : config.dim],
        activation: config.activation,
      },
      rng,
    );
    this.norm = this.stochastic ? null : new LayerNorm(params.scope("norm"), config.dim);
  }

  encode(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      if (this.norm) return this.norm.apply(this.net.apply(features));
      const { mean, logVar } = this.gaussian(features);
      logVar.dispose();
      return mean;
    });
  }

  /** A stochastic encoder's Gaussian: mean and (clipped) log-variance, `[B, dim]` each. */
  gaussian(features: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    if (!this.stochastic) throw new Error("LearnedMacroAction.gaussian: this encoder is deterministic");
    return tf.tidy(() => {
      const out = this.net.apply(features);
      const b = out.shape[0];
      return {
        mean: tf.slice(out, [0, 0], [b, this.dim]),
        logVar: tf.clipByValue(tf.slice(out, [0, this.dim], [b, this.dim]), LOG_VAR_MIN, LOG_VAR_MAX),
      };
    });
  }

  sample(features: tf.Tensor2D, rng: Rng): { latent: tf.Tensor2D; kl: tf.Scalar } {
    if (!this.stochastic) return tf.tidy(() => ({ latent: this.encode(features), kl: tf.scalar(0) }));
    const b = features.shape[0];
    const noise = new Float32Array(b * this.dim);
    for (let i = 0; i < noise.length; i++) noise[i] = rng.normal();
    return tf.tidy(() => {
      const { mean, logVar } = this.gaussian(features);
      const eps = tf.tensor2d(noise, [b, this.dim]);
      const latent = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) as tf.Tensor2D;
      // KL(N(mean, exp(logVar)) || N(0, I)) = 0.5 * sum_j (mean^2 + exp(logVar) - 1 - logVar).
      const perSample = tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(logVar, 1)), 1);
      const kl = tf.mul(tf.mean(perSample), 0.5) as tf.Scalar;
      return { latent, kl };
    });
  }
}
