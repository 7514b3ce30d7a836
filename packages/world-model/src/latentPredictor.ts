import { activationSchema, Mlp, type ParamStore } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { z } from "zod";
import { type Predictor, registerPredictor } from "./predictor.ts";

/**
 * A predictor with a latent variable per step: what the state and the action leave open about the next state
 * (a gust of wind, a slip). Here `z` is one of `codes` discrete codes, given as a one-hot row `[N, codes]`.
 *
 * Why a small discrete code (and not a Gaussian with a KL to a prior): the code carries at most log2(codes) bits
 * per step, so it can name which of a few futures happened but cannot smuggle the next state into the
 * prediction; it needs no KL weight to tune against posterior collapse; and a planner can enumerate or sample
 * it exactly. Training infers the code (the posterior) from (s, a, s'): the code whose prediction is closest to
 * the observed next representation wins (a MAP choice under a uniform prior, as in multiple-choice learning). The
 * winner's error is the prediction loss; every other code gets a small share `relax` of it ("relaxed
 * winner-takes-all", Rupprecht et al. 2017), so where the data had one future every code learns that future,
 * and where it had several each code settles on one of them. A prior network p(z | s, a), trained to predict the
 * winning code from (s, a) alone (its inputs cut from the gradient), says how often each future happens: the
 * planner samples z from it, and `predict` without z uses its most likely code.
 */
export interface LatentPredictor extends Predictor {
  readonly latent: { kind: "categorical"; size: number };
  /** Weight of the prior's cross-entropy in the level's objective. */
  readonly priorWeight: number;
  /** Share of the prediction error given to the codes that did not win (relaxed winner-takes-all). */
  readonly relax: number;
  /** One step for every row's code: `s [N, d]`, action features `[N, c]`, one-hot `z [N, codes]` -> `[N, d]`. */
  predictWith(s: tf.Tensor2D, a: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor2D;
  /** The prior's logits over the codes, `[N, codes]` (no gradient reaches `s` or `a` through it). */
  priorLogits(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D;
}

/** True for a predictor that takes a latent variable. */
export function isLatentPredictor(p: Predictor): p is LatentPredictor {
  return (p as Partial<LatentPredictor>).latent !== undefined;
}

/** The options of `latent-residual-mlp` (s' = s + MLP([s, a, z]) with a prior p(z | s, a)). */
export const latentResidualMlpPredictorSchema = z
  .object({
    type: z.literal("latent-residual-mlp").default("latent-residual-mlp"),
    hidden: z.array(z.number().int().positive()).default([128, 128]),
    activation: activationSchema.default("relu"),
    layerNorm: z.boolean().default(false),
    /** Number of discrete codes z can take (futures one state and action can have). */
    codes: z.number().int().min(2).max(64).default(4),
    /** Hidden sizes of the prior network p(z | s, a). */
    priorHidden: z.array(z.number().int().positive()).default([64]),
    /** Weight of the prior's cross-entropy to the inferred codes. */
    priorWeight: z.number().min(0).default(0.1),
    /** Share of the error the losing codes learn from (0: hard winner-takes-all). */
    relax: z.number().min(0).lt(1).default(0.05),
  })
  .strict();

export type LatentResidualMlpPredictorConfig = z.output<typeof latentResidualMlpPredictorSchema>;

/** The identity forward, no gradient backward: the prior learns from (s, a) without moving the encoder. */
const stopGradient = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;

/** s' = s + MLP([s, a, z]), with a prior MLP([s, a]) -> logits over the codes. */
export class LatentResidualMlpPredictor implements LatentPredictor {
  readonly type = "latent-residual-mlp";
  readonly latent: { kind: "categorical"; size: number };
  readonly priorWeight: number;
  readonly relax: number;
  private readonly net: Mlp;
  private readonly prior: Mlp;

  constructor(
    readonly config: LatentResidualMlpPredictorConfig,
    readonly dim: number,
    readonly actionSize: number,
    params: ParamStore,
    rng: Rng,
  ) {
    this.latent = { kind: "categorical", size: config.codes };
    this.priorWeight = config.priorWeight;
    this.relax = config.relax;
    this.net = new Mlp(
      params.scope("net"),
      {
        sizes: [dim + actionSize + config.codes, ...config.hidden, dim],
        activation: config.activation,
        layerNorm: config.layerNorm,
      },
      rng,
    );
    this.prior = new Mlp(
      params.scope("prior"),
      { sizes: [dim + actionSize, ...config.priorHidden, config.codes], activation: config.activation },
      rng,
    );
  }

  predictWith(s: tf.Tensor2D, a: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(s, this.net.apply(tf.concat([s, a, z], 1))) as tf.Tensor2D);
  }

  priorLogits(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.prior.apply(stopGradient(tf.concat([s, a], 1)) as tf.Tensor2D));
  }

  /** Without a latent: the prior's most likely code (the most likely future, never an average of futures). */
  predict(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const code = tf.argMax(this.priorLogits(s, a), 1);
      return this.predictWith(s, a, tf.cast(tf.oneHot(code, this.latent.size), "float32") as tf.Tensor2D);
    });
  }
}

registerPredictor("latent-residual-mlp", {
  schema: latentResidualMlpPredictorSchema,
  create: (config) => (dim, actionSize, params, rng) =>
    new LatentResidualMlpPredictor(config, dim, actionSize, params, rng),
});
