import { InputError } from "@hjepa/errors";
import type { RepresentationConfig } from "@hjepa/experiment";
import { Mlp, type ParamStore } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { covarianceLoss, varianceLoss } from "../losses/vicreg.ts";

/**
 * A level's representation, computed from the representation of the level below: `apply(z [N, dBelow])` ->
 * `[N, dim]`. `regularizer` is the level's own anti-collapse loss on a batch of its states (zero terms when
 * the representation has nothing to learn).
 */
export interface LevelRepresentation {
  readonly type: string;
  readonly inputDim: number;
  readonly dim: number;
  apply(below: tf.Tensor2D): tf.Tensor2D;
  /** Unweighted variance and covariance terms, and their weighted sum. */
  regularizer(states: tf.Tensor2D): { variance: tf.Scalar; covariance: tf.Scalar; total: tf.Scalar };
}

/** The level below's representation itself (HWM): nothing to learn, nothing to regularise. */
export class IdentityRepresentation implements LevelRepresentation {
  readonly type = "identity";
  readonly dim: number;

  constructor(readonly inputDim: number) {
    this.dim = inputDim;
  }

  apply(below: tf.Tensor2D): tf.Tensor2D {
    return tf.clone(below);
  }

  regularizer(): { variance: tf.Scalar; covariance: tf.Scalar; total: tf.Scalar } {
    return tf.tidy(() => ({ variance: tf.scalar(0), covariance: tf.scalar(0), total: tf.scalar(0) }));
  }
}

export type ProjectionConfig = Extract<RepresentationConfig, { type: "projection" }>;

/**
 * A learned projection of the level below's representation (an MLP to `dim`). Trained only through this
 * level's prediction loss it could collapse to a constant (zero error), so it carries VICReg variance and
 * covariance terms of its own.
 */
export class ProjectionRepresentation implements LevelRepresentation {
  readonly type = "projection";
  readonly dim: number;
  private readonly net: Mlp;

  constructor(
    readonly config: ProjectionConfig,
    readonly inputDim: number,
    params: ParamStore,
    rng: Rng,
  ) {
    this.dim = config.dim;
    this.net = new Mlp(
      params.scope("net"),
      { sizes: [inputDim, ...config.hidden, config.dim], activation: config.activation },
      rng,
    );
  }

  apply(below: tf.Tensor2D): tf.Tensor2D {
    return this.net.apply(below);
  }

  regularizer(states: tf.Tensor2D): { variance: tf.Scalar; covariance: tf.Scalar; total: tf.Scalar } {
    return tf.tidy(() => {
      const variance = this.config.variance > 0 ? varianceLoss(states) : tf.scalar(0);
      const covariance = this.config.covariance > 0 ? covarianceLoss(states) : tf.scalar(0);
      const total = tf.add(
        tf.mul(variance, this.config.variance),
        tf.mul(covariance, this.config.covariance),
      ) as tf.Scalar;
      return { variance, covariance, total };
    });
  }
}

/** Builds the representation a level's config names over a level below of `inputDim`. */
export function makeRepresentation(
  config: RepresentationConfig,
  inputDim: number,
  params: ParamStore,
  rng: Rng,
): LevelRepresentation {
  if (config.type === "identity") return new IdentityRepresentation(inputDim);
  if (config.type === "projection") return new ProjectionRepresentation(config, inputDim, params, rng);
  throw new InputError(
    `unknown representation type "${(config as { type: string }).type}" (expected identity or projection)`,
  );
}
