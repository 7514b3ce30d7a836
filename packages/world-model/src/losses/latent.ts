/**
 * The training objective of a latent-variable predictor (`LatentPredictor`): the prediction terms with the code
 * z inferred per step from (s, a, s') (relaxed winner-takes-all over the codes), and the prior's cross-entropy to
 * those codes. `terms.ts` takes these for a latent predictor in place of its deterministic prediction terms, so
 * level 1 and the levels above train one the same way.
 */
import { tf } from "@hjepa/tensor";
import { isLatentPredictor, type LatentPredictor } from "../latentPredictor.ts";
import type { Predictor } from "../predictor.ts";
import type { PredictionLossKind } from "./prediction.ts";
import type { LossContext, LossTerm } from "./term.ts";

/** Per-row error `[N]` of `pred [N, d]` against `target [N, d]`: the mean over d of prediction.ts's elementwise loss. */
function rowError(pred: tf.Tensor2D, target: tf.Tensor2D, kind: PredictionLossKind): tf.Tensor1D {
  const e = tf.sub(pred, target);
  if (kind === "mse") return tf.mean(tf.square(e), 1) as tf.Tensor1D;
  const abs = tf.abs(e);
  if (kind === "l1") return tf.mean(abs, 1) as tf.Tensor1D;
  const q = tf.minimum(abs, 1);
  return tf.mean(tf.add(tf.mul(0.5, tf.square(q)), tf.sub(abs, q)), 1) as tf.Tensor1D;
}

/** Every code's one-hot, tiled for `n` rows: `[n * codes, codes]`, row `i * codes + k` = code k. */
function allCodes(n: number, codes: number): tf.Tensor2D {
  return tf.tile(tf.eye(codes), [n, 1]) as tf.Tensor2D;
}

export interface InferredStep {
  /** The winning code's prediction `[N, d]` (gradients flow through it). */
  next: tf.Tensor2D;
  /** Relaxed winner-takes-all loss of the step (a scalar). */
  loss: tf.Scalar;
  /** The winning code per row `[N]` (int32): the posterior's choice. */
  code: tf.Tensor1D;
}

/**
 * One step with the code inferred from the target: every code is tried on every row (one batched call of N x
 * codes rows), the code whose prediction is closest to `target` in squared error wins, and the loss is
 * `(1 - relax) x the winner's error + relax x the mean error of the others` (the error by `kind`).
 */
export function inferredStep(
  predictor: LatentPredictor,
  s: tf.Tensor2D,
  a: tf.Tensor2D,
  target: tf.Tensor2D,
  kind: PredictionLossKind,
): InferredStep {
  const [n, d] = s.shape;
  const k = predictor.latent.size;
  const rep = (x: tf.Tensor2D) =>
    tf.reshape(tf.tile(tf.expandDims(x, 1), [1, k, 1]), [n * k, x.shape[1]]) as tf.Tensor2D;
  const preds = predictor.predictWith(rep(s), rep(a), allCodes(n, k));
  const err = tf.reshape(rowError(preds, rep(target), kind), [n, k]);
  // The posterior's choice is made on values, not through the gradient.
  const sq = tf.reshape(rowError(preds, rep(target), "mse"), [n, k]);
  const code = tf.argMin(tf.tensor2d(sq.dataSync() as Float32Array, [n, k]), 1) as tf.Tensor1D;
  const mask = tf.cast(tf.oneHot(code, k), "float32");
  const others = k > 1 ? predictor.relax / (k - 1) : 0;
  const weights = tf.add(tf.mul(mask, 1 - predictor.relax - others), others);
  const loss = tf.mean(tf.sum(tf.mul(weights, err), 1)) as tf.Scalar;
  const next = tf.sum(tf.mul(tf.reshape(preds, [n, k, d]), tf.expandDims(mask, 2)), 1) as tf.Tensor2D;
  return { next, loss, code };
}

/** The open-loop rollout's error with each step's code inferred from its target (the rollout's own state). */
export function latentRolloutLoss(
  predictor: LatentPredictor,
  ctx: LossContext,
  kind: PredictionLossKind,
): tf.Scalar {
  const [b, h] = ctx.conditions.shape;
  const d = ctx.start.shape[1];
  const conditions = tf.unstack(ctx.conditions, 1) as tf.Tensor2D[];
  const targets = tf.unstack(ctx.targets, 1) as tf.Tensor2D[];
  let s = ctx.start;
  const losses: tf.Scalar[] = [];
  for (let t = 0; t < h; t++) {
    const step = inferredStep(predictor, s, conditions[t] as tf.Tensor2D, targets[t] as tf.Tensor2D, kind);
    losses.push(step.loss);
    s = step.next;
  }
  if (s.shape[0] !== b || s.shape[1] !== d) throw new Error("latentRolloutLoss: shape drift");
  return tf.div(tf.addN(losses), h) as tf.Scalar;
}

/** One step from every encoded state but the last, with its code inferred from the next one. */
function teacherForced(predictor: LatentPredictor, ctx: LossContext, kind: PredictionLossKind): InferredStep {
  const [b, t1, d] = ctx.states.shape;
  const h = t1 - 1;
  const prev = tf.reshape(tf.slice(ctx.states, [0, 0, 0], [b, h, d]), [b * h, d]) as tf.Tensor2D;
  const target = tf.reshape(ctx.targets, [b * h, d]) as tf.Tensor2D;
  return inferredStep(predictor, prev, ctx.stepConditions, target, kind);
}

export function latentTeacherForcingLoss(
  predictor: LatentPredictor,
  ctx: LossContext,
  kind: PredictionLossKind,
): tf.Scalar {
  return teacherForced(predictor, ctx, kind).loss;
}

/**
 * The prior's cross-entropy to the codes the posterior infers one step from each encoded state (the prior sees
 * only the state and the action, its inputs cut from the gradient).
 */
export function latentPriorTerm(predictor: Predictor, kind: PredictionLossKind): LossTerm[] {
  if (!isLatentPredictor(predictor)) return [];
  return [
    {
      name: "latentPrior",
      weight: predictor.priorWeight,
      compute: (ctx: LossContext) => {
        const [b, t1, d] = ctx.states.shape;
        const prev = tf.reshape(tf.slice(ctx.states, [0, 0, 0], [b, t1 - 1, d]), [b * (t1 - 1), d]);
        const { code } = teacherForced(predictor, ctx, kind);
        const logits = predictor.priorLogits(prev as tf.Tensor2D, ctx.stepConditions);
        const target = tf.cast(tf.oneHot(code, predictor.latent.size), "float32");
        return tf.losses.softmaxCrossEntropy(target, logits) as tf.Scalar;
      },
    },
  ];
}
