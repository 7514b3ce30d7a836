import type { LossConfig, ModelConfig } from "@hjepa/experiment";
import { type Encoder, type EncoderConfig, Mlp, makeEncoder, ParamStore } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { ActionFeatures, type ActionSpec } from "./actionFeatures.ts";
import { predictionLoss } from "./losses/prediction.ts";
import { randomDirections, sigregLoss } from "./losses/sigreg.ts";
import { covarianceLoss, varianceLoss } from "./losses/vicreg.ts";
import { makePredictor, type Predictor, rollout } from "./predictor.ts";
import { emaUpdate } from "./train/ema.ts";

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
 * + optional SIGReg, with an optional EMA target encoder (stop-gradient). No decoder, no negatives.
 */
export class JepaWorldModel {
  readonly params = new ParamStore();
  readonly encoder: Encoder;
  readonly predictor: Predictor;
  readonly actions: ActionFeatures;
  private readonly inverseDynamics: Mlp | null;
  /** EMA copy of the encoder (non-trainable), when configured. */
  private readonly target: Encoder | null;

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
    if (config.ema) {
      const targetParams = this.params.scope("target");
      this.target = makeEncoder(config.encoder as EncoderConfig, obsShape, targetParams, rng);
      // The target starts as a copy of the online encoder and is only ever moved by EMA updates.
      const online = this.encoder.params.entries();
      targetParams.entries().forEach(([, v], i) => {
        v.assign((online[i] as [string, tf.Variable])[1]);
      });
      for (const [name] of targetParams.entries()) this.params.freeze(name);
    } else {
      this.target = null;
    }
  }

  /** Representations of observations `[B, ...obs]` -> `[B, d]`. */
  encode(obs: tf.Tensor): tf.Tensor2D {
    return this.encoder.encode(obs);
  }

  /** One step: `s [B, d]`, raw actions `[B, k]` -> `[B, d]`. */
  predict(s: tf.Tensor2D, actions: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => this.predictor.predict(s, this.actions.apply(actions)));
  }

  /** Open-loop rollout from `s0 [B, d]` over raw actions `[B, H, k]` -> `[B, H, d]`. */
  rollout(s0: tf.Tensor2D, actions: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, h] = actions.shape;
      const feats = tf.reshape(this.actions.apply(tf.reshape(actions, [b * h, -1])), [
        b,
        h,
        this.actions.size,
      ]);
      return rollout(this.predictor, s0, feats as tf.Tensor3D);
    });
  }

  /** The training objective on a batch. `rng` draws SIGReg's directions for this step. */
  loss(batch: SequenceBatch, loss: LossConfig, rng: Rng): LossTerms {
    return tf.tidy(() => {
      const [b, t1] = batch.obs.shape as [number, number];
      const horizon = t1 - 1;
      const frames = tf.reshape(batch.obs, [b * t1, ...this.obsShape]);
      const zFlat = this.encoder.encode(frames);
      const d = zFlat.shape[1];
      const z = tf.reshape(zFlat, [b, t1, d]) as tf.Tensor3D;
      // The EMA target's parameters are not trained, so no gradient reaches the online encoder through it.
      const targets = this.target ? tf.reshape(this.target.encode(frames), [b, t1, d]) : z;
      const future = tf.slice(targets, [0, 1, 0], [b, horizon, d]);
      const z0 = tf.reshape(tf.slice(z, [0, 0, 0], [b, 1, d]), [b, d]) as tf.Tensor2D;
      const feats = tf.reshape(this.actions.apply(tf.reshape(batch.actions, [b * horizon, -1])), [
        b,
        horizon,
        this.actions.size,
      ]);
      const zero = tf.scalar(0);

      const predicted = rollout(this.predictor, z0, feats as tf.Tensor3D);
      const prediction =
        loss.prediction > 0 ? predictionLoss(predicted, future, { kind: loss.predictionKind }) : zero;

      let teacherForcing: tf.Scalar = zero;
      if (loss.teacherForcing > 0) {
        const prev = tf.reshape(tf.slice(z, [0, 0, 0], [b, horizon, d]), [b * horizon, d]) as tf.Tensor2D;
        const oneStep = this.predictor.predict(prev, tf.reshape(feats, [b * horizon, -1]) as tf.Tensor2D);
        teacherForcing = predictionLoss(oneStep, tf.reshape(future, [b * horizon, d]), {
          kind: loss.predictionKind,
        });
      }

      // Anti-collapse terms on every frame's representation (through the projector when there is one).
      const projected = this.encoder.project(zFlat);
      const variance = loss.variance > 0 ? varianceLoss(projected, { gamma: loss.varianceGamma }) : zero;
      const covariance = loss.covariance > 0 ? covarianceLoss(projected) : zero;
      const sigreg =
        loss.sigreg > 0
          ? sigregLoss(projected, {
              directions: randomDirections(projected.shape[1], loss.sigregDirections, rng),
            })
          : zero;

      let inverseDynamics: tf.Scalar = zero;
      if (this.inverseDynamics && loss.inverseDynamics > 0) {
        const prev = tf.reshape(tf.slice(z, [0, 0, 0], [b, horizon, d]), [b * horizon, d]);
        const next = tf.reshape(tf.slice(z, [0, 1, 0], [b, horizon, d]), [b * horizon, d]);
        const logits = this.inverseDynamics.apply(tf.concat([prev, next], 1) as tf.Tensor2D);
        const target = tf.reshape(feats, [b * horizon, -1]);
        inverseDynamics =
          this.actionSpec.kind === "discrete"
            ? (tf.losses.softmaxCrossEntropy(target, logits) as tf.Scalar)
            : predictionLoss(logits, target, { kind: "mse" });
      }

      const total = tf.addN([
        tf.mul(prediction, loss.prediction),
        tf.mul(teacherForcing, loss.teacherForcing),
        tf.mul(variance, loss.variance),
        tf.mul(covariance, loss.covariance),
        tf.mul(inverseDynamics, loss.inverseDynamics),
        tf.mul(sigreg, loss.sigreg),
      ]) as tf.Scalar;
      return { total, prediction, teacherForcing, variance, covariance, inverseDynamics, sigreg };
    });
  }

  /** Moves the EMA target toward the online encoder (no-op without a target). */
  updateTarget(tau: number): void {
    if (!this.target) return;
    emaUpdate(
      this.target.params.entries().map(([, v]) => v),
      this.encoder.params.entries().map(([, v]) => v),
      tau,
    );
  }

  get hasTarget(): boolean {
    return this.target !== null;
  }

  dispose(): void {
    this.params.dispose();
  }
}
