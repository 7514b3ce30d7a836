import { ComponentRegistry } from "@hjepa/contracts";
import { type ActivationName, activationSchema, Mlp, type ParamStore } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { z } from "zod";

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

/** A predictor config: `{ type, ...options }`, `type` defaulting to "residual-mlp". */
export type PredictorConfig = ResidualMlpPredictorConfig | ({ type?: string } & Record<string, unknown>);

/** Builds a predictor from its parsed options, over representations of `dim` and action features of `actionSize`. */
export type PredictorBuilder = (dim: number, actionSize: number, params: ParamStore, rng: Rng) => Predictor;

/**
 * The predictors a config can name (`model.predictor.type`, a level's `predictor.type`), each with the zod
 * schema of its `{ type, ...options }` object. `fullExperimentSchema` of @hjepa/configurator validates a
 * config against it; `makePredictor` parses with it too, so a partial config gets the defaults.
 */
export const predictorRegistry = new ComponentRegistry<PredictorConfig, PredictorBuilder>("predictor");

/** The predictor type a config gets when it names none. */
export const DEFAULT_PREDICTOR = "residual-mlp";

/** Registers a predictor type so configs can name it; `schema` parses the whole `{ type, ...options }` object. */
export function registerPredictor<O extends PredictorConfig>(
  type: string,
  component: { schema: z.ZodType<O>; create: (config: O) => PredictorBuilder },
): void {
  predictorRegistry.register(type, component);
}

/** The options of `residual-mlp` (s' = s + MLP([s, action features])), with their defaults and bounds. */
export const residualMlpPredictorSchema = z
  .object({
    type: z.literal("residual-mlp").default("residual-mlp"),
    hidden: z.array(z.number().int().positive()).default([128, 128]),
    activation: activationSchema.default("relu"),
    layerNorm: z.boolean().default(false),
  })
  .strict();

registerPredictor("residual-mlp", {
  schema: residualMlpPredictorSchema,
  create: (config) => (dim, actionSize, params, rng) =>
    new ResidualMlpPredictor(config, dim, actionSize, params, rng),
});

/** Builds the predictor a config names (its options parsed by its schema). */
export function makePredictor(
  config: PredictorConfig,
  dim: number,
  actionSize: number,
  params: ParamStore,
  rng: Rng,
): Predictor {
  const where = { name: ["predictor", "type"], options: ["predictor"] };
  const type = typeof config.type === "string" ? config.type : DEFAULT_PREDICTOR;
  return predictorRegistry.create(type, config, where)(dim, actionSize, params, rng);
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
