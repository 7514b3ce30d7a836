import { z } from "zod";
import { agentSchema } from "./agentSchema.ts";
import { CONFIG_VERSION } from "./migrate.ts";
import { activation, componentSchema, componentWithDefault, nonNeg, posInt } from "./schemaParts.ts";

/**
 * The experiment config (configs/experiments/*.json). Every hyperparameter has a name, a default and a place
 * here (the agent section in agentSchema.ts); `loadConfig(file, experimentSchema, overrides)` validates a file
 * and fills in defaults.
 */
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
    /**
     * Where episodes start: absent or `env`, where the env's reset puts them; `free`, at a uniformly random free
     * state (the env's `sampleFreeState`), for data that covers what walks from the start rarely reach.
     * `{ "free": f }` (0 < f < 1): a fraction f of the episodes start free (spread evenly), the rest where the
     * env puts them: the far states covered, and the walks from the start kept.
     * Optional, so configs without it resolve (and key their datasets and runs) as before.
     */
    starts: z
      .union([z.enum(["env", "free"]), z.object({ free: z.number().gt(0).lt(1) }).strict()])
      .optional(),
    /** Fraction of episodes held out for diagnostics (the last ones). */
    validationFraction: z.number().gt(0).lt(1).default(0.1),
    /** Folder for collected datasets, relative to the repository root. */
    cacheDir: z.string().default(".cache/datasets"),
  })
  .strict();

/** A predictor in representation space (registered in @hjepa/world-model; default "residual-mlp"). */
export const predictorSchema = componentWithDefault("residual-mlp");

export const modelSchema = z
  .object({
    /** An encoder registered in @hjepa/perception (mlp, cnn) with its options. */
    encoder: componentSchema,
    predictor: predictorSchema,
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
    /**
     * Regularisers registered in @hjepa/world-model by research packages, each `{ type, weight, ...options }`,
     * added to the objective. Optional (not defaulted) so that configs without it resolve as before.
     */
    regularizers: z.array(componentSchema).optional(),
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

/** Level 1: the encoder and the primitive-action predictor, trained from observations. */
export const levelOneSchema = z
  .object({
    /** Env steps per prediction: 1 at level 1 (primitive actions). */
    stride: z.literal(1).default(1),
    model: modelSchema,
    loss: lossSchema.default(lossSchema.parse({})),
    train: trainSchema,
  })
  .strict();

/**
 * The macro-action of a level above 1: what summarises the `stride` primitive actions between two of its
 * states, a macro-action encoder registered in @hjepa/world-model (`learned`, `concat`; default "learned").
 */
export const macroActionSchema = componentWithDefault("learned");

/**
 * A level's representation: the level below's (`identity`, as HWM) or a learned `projection` of it, kept from
 * collapsing by its own VICReg terms.
 */
export const representationSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("identity") }).strict(),
  z
    .object({
      type: z.literal("projection"),
      dim: posInt,
      hidden: z.array(posInt).default([]),
      activation: activation.default("relu"),
      variance: nonNeg.default(1),
      covariance: nonNeg.default(0.04),
    })
    .strict(),
]);

/** The loss of a level above 1, on the level-below's (frozen) representations of the window's frames. */
export const levelLossSchema = z
  .object({
    /** Open-loop rollout error over `train.horizon` macro-steps. */
    prediction: nonNeg.default(1),
    /** One-macro-step error from the encoded (not predicted) state. */
    teacherForcing: nonNeg.default(0),
    predictionKind: z.enum(["mse", "l1", "smoothL1"]).default("mse"),
  })
  .strict();

/** A level above 1: predicts its representation `stride` env steps ahead from it and a macro-action. */
export const upperLevelSchema = z
  .object({
    stride: z.number().int().min(2),
    representation: representationSchema.default({ type: "identity" }),
    macroAction: macroActionSchema,
    predictor: predictorSchema,
    loss: levelLossSchema.default(levelLossSchema.parse({})),
    /** `horizon` counts macro-steps: windows of `stride * horizon + 1` frames. */
    train: trainSchema,
    /** Levels below stay frozen while this one trains (the default); false trains them jointly with it. */
    frozenBelow: z.boolean().default(true),
    /**
     * Joint training only (`frozenBelow: false`, where it defaults to 1): the objective is this level's loss plus
     * `jointWeight` x each level below's own loss on its own batch, which keeps their representations from
     * drifting away from what their predictors expect. Filled in only for joint levels, so that the resolved
     * config of a frozen level (every run so far) stays as it was.
     */
    jointWeight: nonNeg.optional(),
  })
  .strict()
  .superRefine((level, ctx) => {
    if (level.frozenBelow && level.jointWeight !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["jointWeight"],
        message: "weighs the levels below under joint training only; set frozenBelow: false or remove it",
      });
  })
  .transform((level) =>
    level.frozenBelow || level.jointWeight !== undefined ? level : { ...level, jointWeight: 1 },
  );

/** The world model: level 1, then up to two levels above it with strides that each divide the next. */
export const worldSchema = z
  .object({
    levels: z.tuple([levelOneSchema]).rest(upperLevelSchema),
  })
  .strict()
  .superRefine((world, ctx) => {
    if (world.levels.length > 3)
      ctx.addIssue({
        code: "custom",
        path: ["levels"],
        message: `must have 1 to 3 levels (got ${world.levels.length})`,
      });
    for (let k = 1; k < world.levels.length; k++) {
      const below = (world.levels[k - 1] as { stride: number }).stride;
      const stride = (world.levels[k] as { stride: number }).stride;
      if (stride <= below || stride % below !== 0)
        ctx.addIssue({
          code: "custom",
          path: ["levels", k, "stride"],
          message: `must be a multiple of level ${k}'s stride ${below} and larger than it`,
        });
    }
  });

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
    world: worldSchema,
    diagnostics: diagnosticsSchema.default(diagnosticsSchema.parse({})),
    agent: agentSchema.default(agentSchema.parse({})),
  })
  .strict()
  .superRefine((config, ctx) => {
    const worldLevels = config.world.levels.length;
    for (const [i, l] of config.agent.levels.entries()) {
      if (l.level > worldLevels)
        ctx.addIssue({
          code: "custom",
          path: ["agent", "levels", i, "level"],
          message: `must name a level of world.levels (it has ${worldLevels})`,
        });
    }
    const use = config.agent.hierarchy.use;
    if (use !== null) {
      for (let k = 2; k <= use; k++) {
        if (!config.agent.levels.some((l) => l.level === k))
          ctx.addIssue({
            code: "custom",
            path: ["agent", "hierarchy", "use"],
            message: `plans with ${use} levels, but agent.levels has no planner for level ${k}`,
          });
      }
    }
  });

export type ExperimentConfig = z.output<typeof experimentSchema>;
export type WorldConfig = ExperimentConfig["world"];
export type LevelOneConfig = z.output<typeof levelOneSchema>;
export type UpperLevelConfig = z.output<typeof upperLevelSchema>;
export type MacroActionConfig = z.output<typeof macroActionSchema>;
export type RepresentationConfig = z.output<typeof representationSchema>;
export type LevelLossConfig = z.output<typeof levelLossSchema>;
export type PredictorConfig = z.output<typeof predictorSchema>;
export type ModelConfig = LevelOneConfig["model"];
export type LossConfig = LevelOneConfig["loss"];
export type TrainConfig = LevelOneConfig["train"];
export type DataConfig = ExperimentConfig["data"];
export type DiagnosticsConfig = ExperimentConfig["diagnostics"];
export type AgentConfig = ExperimentConfig["agent"];

/** Level 1 of a config's world model (encoder, primitive predictor, its loss and training). */
export function levelOne(config: { world: WorldConfig }): LevelOneConfig {
  return config.world.levels[0];
}

/** The levels above 1 (empty for a flat world model). */
export function upperLevels(config: { world: WorldConfig }): UpperLevelConfig[] {
  return config.world.levels.slice(1) as UpperLevelConfig[];
}
