import type { LossConfig, ModelConfig } from "@hjepa/experiment";
import { type Encoder, type EncoderConfig, Mlp, makeEncoder, ParamStore } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { ActionFeatures, type ActionSpec } from "./actionFeatures.ts";
import { latentRollout, latentStep } from "./latentRollout.ts";
import { EmaTarget } from "./losses/emaTarget.ts";
import { latentPriorTerm } from "./losses/latent.ts";
import { type RegularizerConfig, regularizerTerms } from "./losses/regularizer.ts";
import { evaluateLoss, type LossContext, type LossPart } from "./losses/term.ts";
import {
  covarianceTerm,
  inverseDynamicsTerm,
  rolloutPredictionTerm,
  sigregTerm,
  teacherForcingTerm,
  varianceTerm,
} from "./losses/terms.ts";
import { makePredictor, type Predictor, rollout } from "./predictor.ts";

/** The batched, time-major-free view of a training batch: `obs [B, T+1, ...obs]`, `actions [B, T, k]`. */
export interface SequenceBatch {
  obs: tf.Tensor;
  actions: tf.Tensor3D;
}

export type LossTerms = Record<
  "total" | "prediction" | "teacherForcing" | "variance" | "covariance" | "inverseDynamics" | "sigreg",
  tf.Scalar
>;

/**
 * A level-1 JEPA world model: an encoder, an action-conditioned predictor in representation space, and the
 * training objective — multi-step prediction error + VICReg variance/covariance + optional inverse dynamics
 * + optional SIGReg, with an optional EMA target encoder (stop-gradient). No decoder, no negatives. The
 * objective is a list of the shared loss terms (`losses/terms.ts`) over this level's `lossContext`.
 */
export class JepaWorldModel {
  readonly params = new ParamStore();
  readonly encoder: Encoder;
  readonly predictor: Predictor;
  readonly actions: ActionFeatures;
  private readonly inverseDynamics: Mlp | null;
  /** EMA copy of the encoder (non-trainable) that computes the prediction targets, when configured. */
  readonly target: EmaTarget<Encoder> | null;

  constructor(
    readonly config: ModelConfig,
    readonly obsShape: readonly number[],
    readonly actionSpec: ActionSpec,
    rng: Rng,
  ) {
    this.encoder = makeEncoder(config.encoder as EncoderConfig, obsShape, this.params.scope("encoder"), rng);
    this.actions = new ActionFeatures(actionSpec, this.params.scope("actions"));
    this.predictor = makePredictor(
      config.predictor,
      this.encoder.dim,
      this.actions.size,
      this.params.scope("predictor"),
      rng,
    );
    const idm = config.inverseDynamics;
    this.inverseDynamics = idm
      ? new Mlp(
          this.params.scope("inverseDynamics"),
          { sizes: [2 * this.encoder.dim, ...idm.hidden, this.actions.size] },
          rng,
        )
      : null;
    this.target = config.ema
      ? new EmaTarget(
          this.encoder,
          makeEncoder(config.encoder as EncoderConfig, obsShape, this.params.scope("target"), rng),
          { start: config.ema.start, end: config.ema.end },
        )
      : null;
  }

  /** Representations of observations `[B, ...obs]` -> `[B, d]`. */
  encode(obs: tf.Tensor): tf.Tensor2D {
    return this.encoder.encode(obs);
  }

  /**
   * One step: `s [B, d]`, raw actions `[B, k]` -> `[B, d]`; `z [B, codes]` is the latent of a latent-variable
   * predictor (absent: its most likely code).
   */
  predict(s: tf.Tensor2D, actions: tf.Tensor, z?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => latentStep(this.predictor, s, this.actions.apply(actions), z));
  }

  /** Open-loop rollout from `s0 [B, d]` over raw actions `[B, H, k]` (and latents `z [B, H, codes]`) -> `[B, H, d]`. */
  rollout(s0: tf.Tensor2D, actions: tf.Tensor3D, z?: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, h] = actions.shape;
      const feats = tf.reshape(this.actions.apply(tf.reshape(actions, [b * h, -1])), [
        b,
        h,
        this.actions.size,
      ]);
      return z === undefined
        ? rollout(this.predictor, s0, feats as tf.Tensor3D)
        : latentRollout(this.predictor, s0, feats as tf.Tensor3D, z);
    });
  }

  /** The training objective on a batch, its terms weighted by `loss`. `rng` draws SIGReg's directions. */
  loss(batch: SequenceBatch, loss: LossConfig, rng: Rng): LossTerms {
    return tf.tidy(() => evaluateLoss(this.lossTerms(loss), this.lossContext(batch, rng)) as LossTerms);
  }

  /** Level 1's terms, in the order they are computed and summed. */
  lossTerms(loss: LossConfig): LossPart[] {
    const kind = loss.predictionKind;
    return [
      rolloutPredictionTerm(loss.prediction, kind),
      teacherForcingTerm(loss.teacherForcing, kind),
      varianceTerm(loss.variance, loss.varianceGamma),
      covarianceTerm(loss.covariance),
      inverseDynamicsTerm(loss.inverseDynamics, this.inverseDynamics, this.actionSpec.kind === "discrete"),
      sigregTerm(loss.sigreg, loss.sigregDirections),
      ...regularizerTerms(loss.regularizers as RegularizerConfig[] | undefined),
      ...latentPriorTerm(this.predictor, kind),
    ];
  }

  /**
   * What the loss terms read (call inside `tf.tidy`): every frame of the windows encoded once, targets from
   * the EMA copy when there is one, the primitive actions' features as conditions, and every frame's
   * representation (through the projector if any) for the anti-collapse terms.
   */
  lossContext(batch: SequenceBatch, rng: Rng): LossContext {
    const [b, t1] = batch.obs.shape as [number, number];
    const horizon = t1 - 1;
    const frames = tf.reshape(batch.obs, [b * t1, ...this.obsShape]);
    const zFlat = this.encoder.encode(frames);
    const d = zFlat.shape[1];
    const states = tf.reshape(zFlat, [b, t1, d]) as tf.Tensor3D;
    // The EMA target's parameters are not trained, so no gradient reaches the online encoder through it.
    const encoded = this.target ? tf.reshape(this.target.copy.encode(frames), [b, t1, d]) : states;
    const targets = tf.slice(encoded, [0, 1, 0], [b, horizon, d]) as tf.Tensor3D;
    const start = tf.reshape(tf.slice(states, [0, 0, 0], [b, 1, d]), [b, d]) as tf.Tensor2D;
    const conditions = tf.reshape(this.actions.apply(tf.reshape(batch.actions, [b * horizon, -1])), [
      b,
      horizon,
      this.actions.size,
    ]) as tf.Tensor3D;
    let projected: tf.Tensor2D | null = null;
    return {
      states,
      start,
      targets,
      conditions,
      stepConditions: tf.reshape(conditions, [b * horizon, -1]) as tf.Tensor2D,
      predictor: this.predictor,
      regularized: () => {
        projected ??= this.encoder.project(zFlat);
        return projected;
      },
      rng,
    };
  }

  /** Moves the EMA target toward the online encoder by momentum `tau` (no-op without a target). */
  updateTarget(tau: number): void {
    this.target?.moveToward(tau);
  }

  get hasTarget(): boolean {
    return this.target !== null;
  }

  dispose(): void {
    this.params.dispose();
  }
}
