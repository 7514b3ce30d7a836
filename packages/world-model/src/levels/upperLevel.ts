import { InputError } from "@hjepa/errors";
import type { UpperLevelConfig } from "@hjepa/experiment";
import { ParamStore } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { ActionFeatures, type ActionSpec } from "../actionFeatures.ts";
import type { JepaWorldModel, SequenceBatch } from "../jepa.ts";
import { latentRollout, latentStep } from "../latentRollout.ts";
import { latentPriorTerm } from "../losses/latent.ts";
import { evaluateLoss, type LossContext, type LossPart } from "../losses/term.ts";
import {
  covarianceTerm,
  klTerm,
  rolloutPredictionTerm,
  teacherForcingTerm,
  varianceTerm,
} from "../losses/terms.ts";
import { makePredictor, type Predictor, rollout } from "../predictor.ts";
import { type MacroActionEncoder, makeMacroActionEncoder } from "./macroAction.ts";
import type { MacroActionStatistics } from "./macroStatistics.ts";
import { type LevelRepresentation, makeRepresentation } from "./representation.ts";

/** The level an upper level sits on: level 1 or another upper level. */
export type LevelBelow = JepaWorldModel | UpperLevelModel;

export type LevelLossTerms = Record<
  "total" | "prediction" | "teacherForcing" | "kl" | "variance" | "covariance",
  tf.Scalar
>;

/**
 * Level k >= 2 of a hierarchical world model: predicts its representation `stride` env steps ahead from its
 * current one and a macro-action latent that encodes the `stride` primitive actions in between.
 *
 * Its representation is computed from the level below's (identity or a learned projection), so `encode(obs)`
 * runs the whole chain from level 1's encoder up. The level's parameters (its own `params`) are the
 * representation, a copy of level 1's action normalisation (non-trainable), the macro-action encoder, the
 * residual predictor, and the macro-action statistics (non-trainable, filled in after training); the levels
 * below are not part of them, so training this level leaves them frozen, unless it is trained jointly with
 * them (`frozenBelow: false`, `jointParams` in joint.ts adds theirs).
 */
export class UpperLevelModel {
  readonly params = new ParamStore();
  /** 2 for the level above level 1, and so on. */
  readonly level: number;
  /** Env steps per prediction (K): the number of primitive actions a macro-action encodes. */
  readonly stride: number;
  readonly dim: number;
  readonly levelOne: JepaWorldModel;
  readonly representation: LevelRepresentation;
  readonly actions: ActionFeatures;
  readonly macroAction: MacroActionEncoder;
  readonly predictor: Predictor;
  private readonly stats: Record<"count" | "low" | "high" | "mean" | "covariance", tf.Variable>;

  constructor(
    readonly config: UpperLevelConfig,
    readonly below: LevelBelow,
    rng: Rng,
  ) {
    const belowIsUpper = below instanceof UpperLevelModel;
    this.level = belowIsUpper ? below.level + 1 : 2;
    this.levelOne = belowIsUpper ? below.levelOne : below;
    const belowStride = belowIsUpper ? below.stride : 1;
    const belowDim = belowIsUpper ? below.dim : below.encoder.dim;
    this.stride = config.stride;
    if (
      !(Number.isInteger(config.stride) && config.stride > belowStride && config.stride % belowStride === 0)
    ) {
      throw new InputError(
        `world.levels[${this.level - 1}].stride must be a multiple of level ${this.level - 1}'s stride ` +
          `${belowStride} and larger than it (got ${config.stride})`,
      );
    }
    this.representation = makeRepresentation(
      config.representation,
      belowDim,
      this.params.scope("representation"),
      rng.derive("representation"),
    );
    this.dim = this.representation.dim;
    this.actions = new ActionFeatures(this.levelOne.actionSpec, this.params.scope("actions"));
    const norm = this.levelOne.actions.normalization();
    if (norm) this.actions.setNormalization(norm.mean, norm.std);
    this.macroAction = makeMacroActionEncoder(
      config.macroAction,
      this.stride * this.actions.size,
      this.params.scope("macroAction"),
      rng.derive("macroAction"),
    );
    this.predictor = makePredictor(
      config.predictor,
      this.dim,
      this.macroAction.dim,
      this.params.scope("predictor"),
      rng.derive("predictor"),
    );
    const m = this.macroAction.dim;
    const store = this.params.scope("macroStatistics");
    const fixed = { trainable: false };
    this.stats = {
      count: store.add("count", tf.zeros([1]), fixed),
      low: store.add("low", tf.zeros([m]), fixed),
      high: store.add("high", tf.zeros([m]), fixed),
      mean: store.add("mean", tf.zeros([m]), fixed),
      covariance: store.add("covariance", tf.zeros([m, m]), fixed),
    };
  }

  get actionSpec(): ActionSpec {
    return this.levelOne.actionSpec;
  }

  /** Size of the macro-action latent. */
  get macroDim(): number {
    return this.macroAction.dim;
  }

  /** This level's representation of observations `[B, ...obs]` -> `[B, dim]` (through the levels below). */
  encode(obs: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => this.representation.apply(this.below.encode(obs)));
  }

  /** The macro-action latent of raw primitive actions `[B, K, k]` -> `[B, m]` (the mean when stochastic). */
  encodeMacro(actions: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => this.macroAction.encode(this.macroFeatures(actions)));
  }

  /** Latents of consecutive macro-steps: raw actions `[B, K * H, k]` -> `[B, H, m]`. */
  encodeMacroSequence(actions: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, steps] = actions.shape;
      const h = this.macroSteps(steps);
      const latent = this.encodeMacro(tf.reshape(actions, [b * h, this.stride, -1]));
      return tf.reshape(latent, [b, h, this.macroDim]) as tf.Tensor3D;
    });
  }

  /**
   * One macro-step: `s [B, d]`, macro-action latent `[B, m]` -> `[B, d]`; `z [B, codes]` is the step's latent
   * variable when the predictor has one (absent: its most likely code).
   */
  predict(s: tf.Tensor2D, latent: tf.Tensor2D, z?: tf.Tensor2D): tf.Tensor2D {
    return latentStep(this.predictor, s, latent, z);
  }

  /** Open-loop rollout from `s0 [B, d]` over macro-action latents `[B, H, m]` (and `z [B, H, codes]`) -> `[B, H, d]`. */
  rollout(s0: tf.Tensor2D, latents: tf.Tensor3D, z?: tf.Tensor3D): tf.Tensor3D {
    return z === undefined
      ? rollout(this.predictor, s0, latents)
      : latentRollout(this.predictor, s0, latents, z);
  }

  /**
   * The training objective on windows of `K * H + 1` frames (`obs [B, K*H+1, ...]`, `actions [B, K*H, k]`):
   * every K-th frame is encoded through the levels below (whose parameters get gradients only under joint
   * training, when the caller trains them), each chunk of K actions becomes a latent (a sample drawn from
   * `rng` when stochastic), and the predictor rolls out H macro-steps. Terms: open-loop prediction error,
   * one-macro-step teacher forcing, the latent's KL to N(0, I) (stochastic) and the projection's VICReg terms,
   * weighted by the level's config.
   */
  loss(batch: SequenceBatch, rng: Rng): LevelLossTerms {
    return tf.tidy(() => evaluateLoss(this.lossTerms(), this.lossContext(batch, rng)) as LevelLossTerms);
  }

  /** The level's terms (level 1's, with its own weights), in the order they are computed and summed. */
  lossTerms(): LossPart[] {
    const { loss, representation } = this.config;
    const projection = representation.type === "projection" ? representation : null;
    return [
      rolloutPredictionTerm(loss.prediction, loss.predictionKind),
      teacherForcingTerm(loss.teacherForcing, loss.predictionKind),
      klTerm(this.macroAction.klWeight ?? 0),
      ...latentPriorTerm(this.predictor, loss.predictionKind),
      // The representation's regulariser enters the total as one summand (zero for the identity).
      {
        group: "representation",
        terms: [varianceTerm(projection?.variance ?? 0), covarianceTerm(projection?.covariance ?? 0)],
      },
    ];
  }

  /**
   * What the loss terms read (call inside `tf.tidy`): the level's states at every K-th frame (only those are
   * encoded: K times fewer encoder calls than every frame), which are also the prediction targets and what
   * the representation's regulariser sees, and the macro-action latents as conditions.
   */
  lossContext(batch: SequenceBatch, rng: Rng): LossContext {
    const [b, frames] = batch.obs.shape as [number, number];
    const h = this.macroSteps(frames - 1);
    const d = this.dim;
    const k = this.stride;
    const indices = tf.tensor1d(
      Array.from({ length: h + 1 }, (_, i) => i * k),
      "int32",
    );
    const picked = tf.gather(batch.obs, indices, 1);
    const sFlat = this.encode(tf.reshape(picked, [b * (h + 1), ...this.levelOne.obsShape]));
    const states = tf.reshape(sFlat, [b, h + 1, d]) as tf.Tensor3D;
    const start = tf.reshape(tf.slice(states, [0, 0, 0], [b, 1, d]), [b, d]) as tf.Tensor2D;
    const targets = tf.slice(states, [0, 1, 0], [b, h, d]) as tf.Tensor3D;

    const features = this.macroFeatures(tf.reshape(batch.actions, [b * h, k, -1]));
    const { latent, kl } = this.macroAction.sample(features, rng);
    const conditions = tf.reshape(latent, [b, h, this.macroDim]) as tf.Tensor3D;
    return {
      states,
      start,
      targets,
      conditions,
      stepConditions: latent,
      predictor: this.predictor,
      regularized: () => sFlat,
      kl,
      rng,
    };
  }

  /** The saved macro-action statistics, or null before they were computed (a level still training). */
  macroStatistics(): MacroActionStatistics | null {
    const count = this.stats.count.dataSync()[0] as number;
    if (count === 0) return null;
    const read = (v: tf.Variable) => Float32Array.from(v.dataSync());
    return {
      dim: this.macroDim,
      count,
      low: read(this.stats.low),
      high: read(this.stats.high),
      mean: read(this.stats.mean),
      covariance: read(this.stats.covariance),
    };
  }

  /** Stores macro-action statistics in the level's (non-trainable) parameters, so checkpoints carry them. */
  setMacroStatistics(stats: MacroActionStatistics): void {
    const m = this.macroDim;
    if (stats.dim !== m || stats.covariance.length !== m * m) {
      throw new Error(`setMacroStatistics: expected statistics of dim ${m} (got ${stats.dim})`);
    }
    tf.tidy(() => {
      this.stats.count.assign(tf.tensor1d([stats.count]));
      this.stats.low.assign(tf.tensor1d(stats.low));
      this.stats.high.assign(tf.tensor1d(stats.high));
      this.stats.mean.assign(tf.tensor1d(stats.mean));
      this.stats.covariance.assign(tf.tensor2d(stats.covariance, [m, m]));
    });
  }

  /** Raw actions `[N, K, k]` -> flattened action features `[N, K * size]`. */
  private macroFeatures(actions: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const n = actions.shape[0] as number;
      if (actions.shape[1] !== this.stride) {
        throw new Error(
          `level ${this.level}: a macro-action needs ${this.stride} primitive actions [B, ${this.stride}, k] ` +
            `(got shape [${actions.shape.join(", ")}])`,
        );
      }
      const feats = this.actions.apply(tf.reshape(actions, [n * this.stride, -1]));
      return tf.reshape(feats, [n, this.stride * this.actions.size]) as tf.Tensor2D;
    });
  }

  /** The number of macro-steps in `steps` primitive steps (which must be a positive multiple of K). */
  private macroSteps(steps: number): number {
    if (!(steps > 0 && steps % this.stride === 0)) {
      throw new Error(
        `level ${this.level}: expected a positive multiple of the stride ${this.stride} primitive steps (got ${steps})`,
      );
    }
    return steps / this.stride;
  }

  dispose(): void {
    this.params.dispose();
  }
}
