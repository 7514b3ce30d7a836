/**
 * Composable loss terms: a level builds one `LossContext` per batch (its encodings, targets and predictor
 * conditions), and its objective is a list of terms, each a name, a weight and a function of that context.
 * Level 1 and the levels above share the terms (`terms.ts`); only the context differs.
 */
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { Predictor } from "../predictor.ts";

/** What a level's loss terms read on one batch of windows with T prediction steps (B windows). */
export interface LossContext {
  /** The online representations of the window's states, `[B, T+1, d]` (gradients flow through them). */
  readonly states: tf.Tensor3D;
  /** The first state of every window, `[B, d]`. */
  readonly start: tf.Tensor2D;
  /** The states 1..T that predictions are compared with, `[B, T, d]` (an EMA target's when there is one). */
  readonly targets: tf.Tensor3D;
  /** What the predictor is conditioned on at each step, `[B, T, c]` (action features, macro-action latents). */
  readonly conditions: tf.Tensor3D;
  /** The same, one row per step, `[B * T, c]`. */
  readonly stepConditions: tf.Tensor2D;
  readonly predictor: Predictor;
  /** The representations the anti-collapse terms regularise, `[N, e]` (computed on first use). */
  regularized(): tf.Tensor2D;
  /** The macro-action latent's KL divergence to N(0, I), where the level has one (0 when deterministic). */
  readonly kl?: tf.Scalar;
  /** This step's randomness (SIGReg's directions). */
  readonly rng: Rng;
}

/** One term of an objective: `weight * compute(context)` is its share of the total. */
export interface LossTerm {
  /** The key its (unweighted) value is reported under. */
  readonly name: string;
  readonly weight: number;
  /** The unweighted value. Not called when the weight is 0 (the term is then reported as 0 and draws nothing). */
  compute(ctx: LossContext): tf.Scalar;
  /** Compute and report it even at weight 0: its value is a by-product of the context (the latent's KL). */
  readonly reportUnweighted?: boolean;
}

/** Terms that enter the total as one summand (their weighted sum), as a level's representation regulariser. */
export interface LossTermGroup {
  readonly group: string;
  readonly terms: readonly LossTerm[];
}

export type LossPart = LossTerm | LossTermGroup;

/** Every term's unweighted value by name, and `total`, the weighted sum. */
export type LossValues = { total: tf.Scalar } & Record<string, tf.Scalar>;

/**
 * Computes the parts in order and sums them: `total = sum_i weight_i * value_i`, a group's members added
 * first. The order is the level's: it fixes the order of the gradient's accumulation, hence exact numbers.
 */
export function evaluateLoss(parts: readonly LossPart[], ctx: LossContext): LossValues {
  const values: Record<string, tf.Scalar> = {};
  const value = (term: LossTerm): tf.Scalar => {
    if (term.name in values || term.name === "total") {
      throw new Error(
        `evaluateLoss: the loss term name "${term.name}" is taken (by another term or the total); expected unique names`,
      );
    }
    const v = term.weight > 0 || term.reportUnweighted ? term.compute(ctx) : tf.scalar(0);
    values[term.name] = v;
    return tf.mul(v, term.weight);
  };
  const summands = parts.map((part) => {
    if (!("group" in part)) return value(part);
    if (part.terms.length === 0) throw new Error(`evaluateLoss: loss group "${part.group}" has no terms`);
    const weighted = part.terms.map(value);
    return weighted.reduce((sum, w) => tf.add(sum, w)) as tf.Scalar;
  });
  const total = tf.addN(summands) as tf.Scalar;
  return { total, ...values };
}
