/**
 * The loss terms every level draws from: prediction (open-loop rollout and teacher forcing), VICReg variance
 * and covariance, SIGReg, inverse dynamics and the macro-action latent's KL. Each reads a `LossContext`;
 * which ones a level uses, with which weights, comes from its loss config (see `jepa.ts`, `upperLevel.ts`).
 */
import type { Mlp } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import { isLatentPredictor } from "../latentPredictor.ts";
import { rollout } from "../predictor.ts";
import { latentRolloutLoss, latentTeacherForcingLoss } from "./latent.ts";
import { type PredictionLossKind, predictionLoss } from "./prediction.ts";
import { randomDirections, sigregLoss } from "./sigreg.ts";
import type { LossContext, LossTerm } from "./term.ts";
import { covarianceLoss, varianceLoss } from "./vicreg.ts";

/**
 * Error of the open-loop rollout from the first state over every step's condition against the targets (a
 * latent-variable predictor's with each step's code inferred from its target: `latent.ts`).
 */
export function rolloutPredictionTerm(weight: number, kind: PredictionLossKind): LossTerm {
  return {
    name: "prediction",
    weight,
    compute: (ctx) =>
      isLatentPredictor(ctx.predictor)
        ? latentRolloutLoss(ctx.predictor, ctx, kind)
        : predictionLoss(rollout(ctx.predictor, ctx.start, ctx.conditions), ctx.targets, { kind }),
  };
}

/** Error of one predictor step from every encoded (not predicted) state but the last. */
export function teacherForcingTerm(weight: number, kind: PredictionLossKind): LossTerm {
  return {
    name: "teacherForcing",
    weight,
    compute: (ctx) => {
      if (isLatentPredictor(ctx.predictor)) return latentTeacherForcingLoss(ctx.predictor, ctx, kind);
      const { prev, rows, d } = previousStates(ctx);
      const oneStep = ctx.predictor.predict(prev, ctx.stepConditions);
      return predictionLoss(oneStep, tf.reshape(ctx.targets, [rows, d]), { kind });
    },
  };
}

/** VICReg variance: keeps every dimension's standard deviation above `gamma` (default 1). */
export function varianceTerm(weight: number, gamma?: number): LossTerm {
  return {
    name: "variance",
    weight,
    compute: (ctx) => varianceLoss(ctx.regularized(), gamma === undefined ? {} : { gamma }),
  };
}

/** VICReg covariance: decorrelates dimensions. */
export function covarianceTerm(weight: number): LossTerm {
  return { name: "covariance", weight, compute: (ctx) => covarianceLoss(ctx.regularized()) };
}

/** SIGReg toward N(0, I) along `directions` random unit directions, drawn anew at every step. */
export function sigregTerm(weight: number, directions: number): LossTerm {
  return {
    name: "sigreg",
    weight,
    compute: (ctx) => {
      const x = ctx.regularized();
      return sigregLoss(x, { directions: randomDirections(x.shape[1], directions, ctx.rng) });
    },
  };
}

/**
 * Inverse dynamics: `head` reads each step's condition from the pair (state, next state); cross-entropy for
 * one-hot (discrete) conditions, squared error for continuous ones. Without a head the term is absent
 * (weight 0), whatever the configured weight.
 */
export function inverseDynamicsTerm(weight: number, head: Mlp | null, discrete: boolean): LossTerm {
  return {
    name: "inverseDynamics",
    weight: head ? weight : 0,
    compute: (ctx) => {
      if (!head) throw new Error("inverseDynamicsTerm: no inverse-dynamics head");
      const { prev, rows, d, b, h } = previousStates(ctx);
      const next = tf.reshape(tf.slice(ctx.states, [0, 1, 0], [b, h, d]), [rows, d]);
      const logits = head.apply(tf.concat([prev, next], 1) as tf.Tensor2D);
      const target = ctx.stepConditions;
      return discrete
        ? (tf.losses.softmaxCrossEntropy(target, logits) as tf.Scalar)
        : predictionLoss(logits, target, { kind: "mse" });
    },
  };
}

/** The macro-action latent's KL to N(0, I); reported even at weight 0 (it comes with the latent). */
export function klTerm(weight: number): LossTerm {
  return {
    name: "kl",
    weight,
    reportUnweighted: true,
    compute: (ctx) => {
      if (!ctx.kl)
        throw new Error("klTerm: the loss context has no KL (a level without a macro-action latent)");
      return ctx.kl;
    },
  };
}

/** States 0..T-1 of every window, one row per step `[B * T, d]`. */
function previousStates(ctx: LossContext) {
  const [b, t1, d] = ctx.states.shape;
  const h = t1 - 1;
  const rows = b * h;
  const prev = tf.reshape(tf.slice(ctx.states, [0, 0, 0], [b, h, d]), [rows, d]) as tf.Tensor2D;
  return { prev, rows, d, b, h };
}
