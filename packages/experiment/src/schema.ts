import { z } from "zod";
import { CONFIG_VERSION } from "./migrate.ts";

/**
 * The experiment config (configs/experiments/*.json). Every hyperparameter has a name, a default and a place
 * here; `loadConfig(file, experimentSchema, overrides)` validates a file and fills in defaults.
 */
const posInt = z.number().int().positive();
const nonNeg = z.number().min(0);
const activation = z.enum(["relu", "elu", "tanh", "silu", "linear"]);
const projector = z.object({ hidden: z.array(posInt).default([]), dim: posInt }).strict();

const mlpEncoder = z
  .object({
    type: z.literal("mlp"),
    hidden: z.array(posInt).default([64, 64]),
    dim: posInt.default(16),
    activation: activation.default("relu"),
    layerNorm: z.boolean().default(false),
    projector: projector.nullable().default(null),
  })
  .strict();

const cnnEncoder = z
  .object({
    type: z.literal("cnn"),
    channels: z.array(posInt).min(1).default([16, 32, 32, 32]),
    kernel: posInt.default(3),
    dim: posInt.default(32),
    activation: activation.default("relu"),
    projector: projector.nullable().default(null),
  })
  .strict();

export const envSchema = z
  .object({
    id: z.string().min(1),
    kwargs: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const dataSchema = z
  .object({
    episodes: posInt,
    steps: posInt,
    policy: z.string().min(1).default("momentum"),
    seed: z.number().int().min(0).default(0),
    /** Env kwargs used only while collecting (e.g. PLDM's `dynamics: "data"`). */
    collectKwargs: z.record(z.string(), z.unknown()).default({}),
    /** Fraction of episodes held out for diagnostics (the last ones). */
    validationFraction: z.number().gt(0).lt(1).default(0.1),
    /** Folder for collected datasets, relative to the repository root. */
    cacheDir: z.string().default(".cache/datasets"),
  })
  .strict();

export const modelSchema = z
  .object({
    encoder: z.discriminatedUnion("type", [mlpEncoder, cnnEncoder]),
    predictor: z
      .object({
        type: z.literal("residual-mlp").default("residual-mlp"),
        hidden: z.array(posInt).default([128, 128]),
        activation: activation.default("relu"),
        layerNorm: z.boolean().default(false),
      })
      .strict()
      .default({ type: "residual-mlp", hidden: [128, 128], activation: "relu", layerNorm: false }),
    /** Inverse-dynamics head (action from consecutive representations); null for none. */
    inverseDynamics: z
      .object({ hidden: z.array(posInt).default([64]) })
      .strict()
      .nullable()
      .default(null),
    /** EMA target encoder with stop-gradient (I-JEPA/V-JEPA); null to use the online encoder (PLDM). */
    ema: z
      .object({ start: z.number().min(0).max(1).default(0.99), end: z.number().min(0).max(1).default(1) })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

export const lossSchema = z
  .object({
    /** Multi-step prediction error of the open-loop rollout. */
    prediction: nonNeg.default(1),
    /** One-step prediction error from the encoded (not predicted) state. */
    teacherForcing: nonNeg.default(0),
    predictionKind: z.enum(["mse", "l1", "smoothL1"]).default("mse"),
    variance: nonNeg.default(1),
    varianceGamma: z.number().positive().default(1),
    covariance: nonNeg.default(1),
    inverseDynamics: nonNeg.default(0),
    sigreg: nonNeg.default(0),
    sigregDirections: posInt.default(64),
  })
  .strict();

export const trainSchema = z
  .object({
    steps: posInt,
    batchSize: posInt.default(128),
    /** Predictor rollout length H (sub-trajectories of H+1 frames). */
    horizon: posInt.default(16),
    lr: z.number().positive().default(1e-3),
    warmupSteps: z.number().int().min(0).default(100),
    schedule: z.enum(["constant", "cosine"]).default("cosine"),
    minLrFactor: z.number().min(0).max(1).default(0.05),
    clipNorm: nonNeg.default(1),
    logEvery: posInt.default(50),
    checkpointEvery: posInt.default(500),
    /** Stop when the loss exceeds this multiple of its first value (or is not finite). */
    explodeFactor: z.number().gt(1).default(1e4),
  })
  .strict();

export const diagnosticsSchema = z
  .object({
    every: posInt.default(500),
    /** Held-out windows used for prediction errors and the probe. */
    samples: posInt.default(1024),
    /** Steps at which prediction error is reported (against the no-motion baseline). */
    horizons: z.array(posInt).default([1, 4, 16]),
    probeRidge: nonNeg.default(1e-3),
  })
  .strict();

export const energySchema = z
  .object({
    distance: z.enum(["l2", "l2sq", "l1", "cosine"]).default("l2"),
    /** Over the imagined trajectory: the last step only, the sum, or a discounted sum. */
    reduce: z.enum(["last", "sum", "discounted"]).default("sum"),
    gamma: z.number().min(0).max(1).default(0.95),
  })
  .strict();

export const agentSchema = z
  .object({
    /**
     * A planner registered in @hjepa/actor (cem, mppi, gradient, categorical-cem, beam, graph). This package
     * does not depend on the registry: `fullExperimentSchema` of @hjepa/configurator checks the name and
     * `plannerOptions` when a config is loaded.
     */
    planner: z.string().min(1).default("mppi"),
    plannerOptions: z.record(z.string(), z.unknown()).default({}),
    horizon: posInt.default(16),
    /** Predictor calls (candidate-steps) per decision. */
    budget: posInt.default(4096),
    /** Execute this many actions of each plan before replanning. */
    replanEvery: posInt.default(1),
    /** Replan at once when surprise exceeds this (null: never early). */
    surpriseThreshold: z.number().positive().nullable().default(null),
    /** Step budget per episode. */
    maxSteps: posInt.default(200),
    energy: energySchema.default(energySchema.parse({})),
    /**
     * Landmarks for graph planners: training frames, encoded and deduplicated, that imagined states snap to;
     * null for none. `radius` (dedup distance) is a fraction of the median encoded move between data frames.
     */
    landmarks: z
      .object({
        samples: posInt.default(20000),
        radius: z.number().gt(0).max(10).default(0.25),
        capacity: posInt.default(4096),
      })
      .strict()
      .nullable()
      .default(null),
    guardrails: z
      .object({
        actionBounds: z.boolean().default(true),
        /** A hazard classifier on representations trained from the dataset's cost labels; null for none. */
        hazard: z
          .object({
            mode: z.enum(["penalty", "constraint"]).default("constraint"),
            threshold: z.number().gt(0).lt(1).default(0.5),
            epochs: posInt.default(200),
            samples: posInt.default(20000),
            /**
             * Safety margin in data steps: a frame within `margin` steps of a frame with a cost label is labelled
             * a hazard too, so the classifier also flags states one move away from entering (default 0).
             */
            margin: z.number().int().min(0).max(16).default(0),
          })
          .strict()
          .nullable()
          .default(null),
      })
      .strict()
      .default({ actionBounds: true, hazard: null }),
  })
  .strict();

export const experimentSchema = z
  .object({
    /** The config schema version (see migrate.ts): `loadConfig` migrates older ones, so this is the current. */
    version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION),
    name: z.string().min(1),
    description: z.string().default(""),
    seed: z.number().int().min(0),
    backend: z.enum(["auto", "wasm", "cpu", "tensorflow"]).default("auto"),
    env: envSchema,
    data: dataSchema,
    model: modelSchema,
    loss: lossSchema.default(lossSchema.parse({})),
    train: trainSchema,
    diagnostics: diagnosticsSchema.default(diagnosticsSchema.parse({})),
    agent: agentSchema.default(agentSchema.parse({})),
  })
  .strict();

export type ExperimentConfig = z.output<typeof experimentSchema>;
export type ModelConfig = ExperimentConfig["model"];
export type LossConfig = ExperimentConfig["loss"];
export type TrainConfig = ExperimentConfig["train"];
export type DataConfig = ExperimentConfig["data"];
export type DiagnosticsConfig = ExperimentConfig["diagnostics"];
export type AgentConfig = ExperimentConfig["agent"];
