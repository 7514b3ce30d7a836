import { InputError } from "@hjepa/errors";
import { type ActivationName, Mlp, type ParamStore } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";

/**
 * An action-conditioned predictor in representation space: `predict(s [B, d], a [B, k]) -> s' [B, d]`
 * where `a` are action features (see ActionFeatures).
 */
export interface Predictor {
  readonly type: string;
  readonly dim: number;
  readonly actionSize: number;
  predict(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D;
}

export interface ResidualMlpPredictorConfig {
  type: "residual-mlp";
  hidden: number[];
  activation?: ActivationName;
  layerNorm?: boolean;
}

/** s' = s + MLP([s, a]): the MLP learns the change of representation an action causes. */
export class ResidualMlpPredictor implements Predictor {
  readonly type = "residual-mlp";
  private readonly net: Mlp;

  constructor(
    readonly config: ResidualMlpPredictorConfig,
    readonly dim: number,
    readonly actionSize: number,
    params: ParamStore,
    rng: Rng,
  ) {
    this.net = new Mlp(
      params,
      {
        sizes: [dim + actionSize, ...config.hidden, dim],
        activation: config.activation,
        layerNorm: config.layerNorm,
      },
      rng,
    );
  }

  predict(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(s, this.net.apply(tf.concat([s, a], 1))) as tf.Tensor2D);
  }
}

export type PredictorConfig = ResidualMlpPredictorConfig;

export function makePredictor(
  config: PredictorConfig,
  dim: number,
  actionSize: number,
  params: ParamStore,
  rng: Rng,
): Predictor {
  if (config.type === "residual-mlp") return new ResidualMlpPredictor(config, dim, actionSize, params, rng);
  throw new InputError(
    `unknown predictor type "${(config as { type: string }).type}" (expected residual-mlp)`,
  );
}

/** Rolls a predictor out from `s0 [B, d]` over action features `[B, H, k]`; returns `[B, H, d]`. */
export function rollout(predictor: Predictor, s0: tf.Tensor2D, actions: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const horizon = actions.shape[1];
    const steps = tf.unstack(actions, 1) as tf.Tensor2D[];
    const out: tf.Tensor2D[] = [];
    let s = s0;
    for (let t = 0; t < horizon; t++) {
      s = predictor.predict(s, steps[t] as tf.Tensor2D);
      out.push(s);
    }
    return tf.stack(out, 1) as tf.Tensor3D;
  });
}
