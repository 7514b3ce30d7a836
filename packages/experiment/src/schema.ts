import { z } from "zod";
import { CONFIG_VERSION } from "./migrate.ts";

/**
 * The experiment config (configs/experiments/*.json). Every hyperparameter has a name, a default and a place
 * here; `loadConfig(file, experimentSchema, overrides)` validates a file and fills in defaults.
 */
const posInt = z.number().int().positive();
const nonNeg = z.number().min(0);
const activation = z.enum(["relu", "elu", "tanh", "silu", "linear"]);

/**
 * A registered component named by `type`, its options beside it: `{ "type": "mlp", "dim": 16 }`. This package
 * does not know the components (encoders in @hjepa/perception, predictors and macro-action encoders in
 * @hjepa/world-model): `fullExperimentSchema` of @hjepa/configurator validates the options against the
 * schema the component registered and writes them back with defaults filled.
 */
export const componentSchema = z.looseObject({ type: z.string().min(1) });
/** A component reference whose `type` has a default (the object may then be empty). */
function componentWithDefault(type: string) {
  return z.looseObject({ type: z.string().min(1).default(type) }).default({ type });
}
export type ComponentConfig = z.output<typeof componentSchema>;

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

/** The planner of one level above level 1 (`agent.levels[]`): it plans macro-actions of the world model's level. */
export const levelPlannerSchema = z
  .object({
    /** The world-model level it plans at (2 or 3). */
    level: z.number().int().min(2).max(3),
    /** A planner registered in @hjepa/actor that plans a box (cem, mppi, gradient): macro-actions are boxes. */
    planner: z.string().min(1).default("mppi"),
    plannerOptions: z.record(z.string(), z.unknown()).default({}),
    /** Macro-steps planned ahead. */
    horizon: posInt,
    /** Compute per plan of this level, in cost units (a level-1 predictor call on one candidate costs 1). */
    budget: z.number().positive(),
    /** Env steps a plan of this level is kept before the level plans again. */
    replanEvery: posInt,
    /** Which predicted state (1-based, from the macro-step in progress) is the subgoal of the level below. */
    subgoalStep: posInt.default(1),
    /** Replan this level at once when its surprise exceeds this (null: never early). */
    surpriseThreshold: z.number().positive().nullable().default(null),
  })
  .strict();

/**
 * How the agent uses its levels (the configurator's rules, as data; see @hjepa/configurator's README).
 */
export const hierarchySchema = z
  .object({
    /**
     * Levels planned with: 1 is flat (level 1 alone), n plans with levels n, ..., 1 (each above 1 needs its
     * `agent.levels` entry); null: level 1 and every level with an `agent.levels` entry.
     */
    use: z.number().int().min(1).max(3).nullable().default(null),
    /**
     * Where level 1's subgoals come from: the level above's plan (`model`), or the environment's exact shortest
     * path (`oracle`: the oracle-subgoal arm, the point `oracleLookahead` oracle-distance units ahead on it,
     * encoded; levels above 1 are not planned).
     */
    subgoals: z.enum(["model", "oracle"]).default("model"),
    oracleLookahead: z.number().positive().default(2),
    /** The near-goal rule: when a level's best plan reaches the goal within its first macro-step, the level below plans toward the goal itself. */
    nearGoal: z
      .object({
        rule: z.enum(["first-step", "never"]).default("first-step"),
        tolerance: nonNeg.default(0.05),
      })
      .strict()
      .default({ rule: "first-step", tolerance: 0.05 }),
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
    /**
     * Task cost terms added to the energy, each `{ type, ...options }` naming a cost term registered in
     * @hjepa/cost (`energy`, `effort`, or one a research package registers); `fullExperimentSchema` of
     * @hjepa/configurator validates the options by the term's own schema. They apply at every level.
     */
    costTerms: z.array(z.looseObject({ type: z.string().min(1) })).default([]),
    /** Planners of the levels above level 1 (the fields above are level 1's), one entry per level. */
    levels: z
      .array(levelPlannerSchema)
      .default([])
      .superRefine((levels, ctx) => {
        const seen = new Set<number>();
        for (const [i, l] of levels.entries()) {
          if (seen.has(l.level))
            ctx.addIssue({ code: "custom", path: [i, "level"], message: `level ${l.level} is listed twice` });
          seen.add(l.level);
        }
      }),
    hierarchy: hierarchySchema.default(hierarchySchema.parse({})),
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
export type LevelPlannerConfig = z.output<typeof levelPlannerSchema>;
export type HierarchyConfig = z.output<typeof hierarchySchema>;

/** Level 1 of a config's world model (encoder, primitive predictor, its loss and training). */
export function levelOne(config: { world: WorldConfig }): LevelOneConfig {
  return config.world.levels[0];
}

/** The levels above 1 (empty for a flat world model). */
export function upperLevels(config: { world: WorldConfig }): UpperLevelConfig[] {
  return config.world.levels.slice(1) as UpperLevelConfig[];
}
