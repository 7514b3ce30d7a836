import { z } from "zod";
import { nonNeg, posInt } from "./schemaParts.ts";

/*
 * The agent section of the experiment config (`agent`): level 1's planner and plan settings, the planners of the
 * levels above, the energy and cost terms, the guardrails and the hierarchy rules.
 */

/** The task energy: distance to the goal representation over the imagined trajectory. */
export const energySchema = z
  .object({
    distance: z.enum(["l2", "l2sq", "l1", "cosine"]).default("l2"),
    /** Over the imagined trajectory: the last step only, the sum, or a discounted sum. */
    reduce: z.enum(["last", "sum", "discounted"]).default("sum"),
    gamma: z.number().min(0).max(1).default(0.95),
    /** Weight of this distance term; 0 leaves it out (the critic alone). */
    weight: nonNeg.default(1),
    /**
     * The trained critic's temporal distance (env steps) from the imagined trajectory to the goal, a cost term
     * beside the distance (a weighted sum; needs `agent.critic`); null for none. `reduce` "last" makes it a
     * terminal cost.
     */
    critic: z
      .object({
        weight: z.number().positive().default(1),
        reduce: z.enum(["last", "sum", "discounted"]).default("last"),
        /** Weight of each imagined move's excess over one step, as the critic measures it (a jump through a wall). */
        jumpPenalty: nonNeg.default(0),
      })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

/**
 * The critic: a temporal distance between representations, trained from the run's encoded data (see
 * @hjepa/cost's README, "Critic"), saved in the run by `hjepa prepare`/`hjepa train`.
 */
export const criticSchema = z
  .object({
    /** Training frames encoded, drawn as windows of `window` consecutive frames. */
    samples: posInt.default(20000),
    window: z.number().int().min(2).max(1000).default(16),
    /** Size of the embedding the distance is measured in, and the hidden layers that compute it. */
    embedding: posInt.default(32),
    hidden: z.array(posInt).default([128, 128]),
    /** The norm of the embeddings' difference: "l1" holds a maze's tree of corridors, "l2" open rooms. */
    norm: z.enum(["l2", "l1"]).default("l1"),
    /**
     * What an observed step counts: "step", one (the critic counts steps); "action-norm" (continuous actions),
     * the Euclidean norm of its action, so that a step the data took at a fraction of full speed counts that
     * fraction and the critic counts full-speed steps.
     */
    stepCost: z.enum(["step", "action-norm"]).default("step"),
    steps: posInt.default(3000),
    batchSize: posInt.default(512),
    lr: z.number().positive().default(0.001),
    /** Random pairs are pushed apart up to about this many steps (above the map's longest distance). */
    spread: z.number().positive().default(500),
    /** Allowed root-mean-square excess of an observed span over its length in steps. */
    slack: z.number().positive().default(0.05),
    multiplierLr: z.number().positive().default(0.03),
    /** Fraction of the pushed pairs joined to the nearest in representation of `nearCandidates` random frames. */
    nearPairs: z.number().min(0).max(1).default(0),
    nearCandidates: posInt.default(32),
  })
  .strict();

/**
 * How a level's planner treats the world model's latent variable z (a latent-variable predictor): `mean` plans on
 * the most likely z; `sample` (average case) rolls each candidate out in `samples` futures with z drawn from the
 * level's prior and averages their cost; `worst` (worst case) takes the worst of them, and a hard guardrail must
 * hold in every one; `adversarial` (worst case, searched) predicts every code at each step and keeps the costliest
 * plausible one (prior probability at least `plausible`), one future per candidate. Compute is charged per future:
 * `samples` futures cost `samples` times the predictor calls, `adversarial` the number of codes times, within the
 * same `budget`. Optional (absent: `mean`), so configs without it resolve as before.
 */
export const latentPlanningSchema = z
  .object({
    mode: z.enum(["mean", "sample", "worst", "adversarial"]).default("mean"),
    samples: posInt.default(8),
    /** `adversarial`: the smallest prior probability of a code the adversary may pick. */
    plausible: z.number().min(0).max(1).default(0.05),
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
    /** This level's latent variable: most likely, average case or worst case (`latentPlanningSchema`). */
    latent: latentPlanningSchema.optional(),
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
    /**
     * The near-goal rule: when it fires, the level below plans toward the goal itself. `first-step`: a level's
     * best plan reaches the goal within its first macro-step (judged by distances to the goal); `reached`: the
     * same, judged by where the plan's path ends when its planner reports it (landmark-graph), never when the
     * path goes on past the horizon; `critic`: the critic puts the goal within
     * `within` env steps of the current state (null: the level's stride times its subgoalStep).
     */
    nearGoal: z
      .object({
        rule: z.enum(["first-step", "reached", "never", "critic"]).default("first-step"),
        tolerance: nonNeg.default(0.05),
        within: z.number().positive().nullable().default(null),
      })
      .strict()
      .default({ rule: "first-step", tolerance: 0.05, within: null }),
  })
  .strict();

/**
 * Adaptation from memory (the configurator's rule, as data; see @hjepa/configurator's README): when the plan is
 * failing, the agent moves to the next of `stages` for the rest of the episode. Failing, judged once the current
 * stage has run `window` env steps: `progress` — the distance to the goal (the critic's estimate in env steps
 * when the agent has a critic, else the L2 distance between level-1 representations) fell by less than
 * `minProgress` over the last `window` steps; `surprise` — level 1's surprise exceeded `surprise` on at least half
 * of them; `either`. Each stage changes what it names and keeps the rest of the stage before it: `use` (levels
 * planned with), level 1's `horizon`, level 1's `latent` planning, the budget per decision of each level
 * (`budgets`, keyed by level: how the compute is split across the levels), and the weights of the task cost
 * terms at every level (`weights`, keyed by term name: `energy`, `critic`, or a `costTerms` entry's name;
 * guardrails cannot be reweighted).
 */
export const adaptStageSchema = z
  .object({
    /** A name for reports (default: the changes it makes). */
    name: z.string().min(1).optional(),
    use: z.number().int().min(1).max(3).optional(),
    horizon: posInt.optional(),
    latent: latentPlanningSchema.optional(),
    /** Cost units per decision by level ("1", "2", "3"); a level it does not name keeps its budget. */
    budgets: z
      .record(z.string().regex(/^[1-3]$/, 'must be a level: "1", "2" or "3"'), posInt)
      .refine((b) => Object.keys(b).length > 0, { message: "names no level" })
      .optional(),
    /** Task cost term weights by term name, at every level; a term it does not name keeps its weight. */
    weights: z
      .record(z.string().min(1), nonNeg)
      .refine((w) => Object.keys(w).length > 0, { message: "names no term" })
      .optional(),
  })
  .strict()
  .refine(
    (s) =>
      s.use !== undefined ||
      s.horizon !== undefined ||
      s.latent !== undefined ||
      s.budgets !== undefined ||
      s.weights !== undefined,
    { message: "changes nothing: give at least one of use, horizon, latent, budgets, weights" },
  );

export const adaptSchema = z
  .object({
    when: z.enum(["progress", "surprise", "either"]).default("progress"),
    window: z.number().int().min(2).default(8),
    minProgress: z.number().positive().default(1),
    surprise: z.number().positive().nullable().default(null),
    stages: z.array(adaptStageSchema).min(1),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.when !== "progress" && a.surprise === null)
      ctx.addIssue({
        code: "custom",
        path: ["surprise"],
        message: `is null, but when "${a.when}" needs a surprise threshold (a squared distance, e.g. 0.5)`,
      });
  });

export const agentSchema = z
  .object({
    /**
     * A planner registered in @hjepa/actor (cem, mppi, gradient, categorical-cem, beam, graph, landmark-graph). This package
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
    /** Level 1's latent variable: most likely, average case or worst case (`latentPlanningSchema`). */
    latent: latentPlanningSchema.optional(),
    energy: energySchema.default(energySchema.parse({})),
    /**
     * Landmarks for graph planners: training frames, encoded and deduplicated, that imagined states snap to;
     * null for none. `radius` (dedup distance) is a fraction of the median encoded move between data frames.
     * With `transitions`, the frames are drawn as windows of `window` consecutive frames and every move between
     * two landmarks in them is recorded with its action: the experience graph `landmark-graph` plans on.
     */
    landmarks: z
      .object({
        samples: posInt.default(20000),
        radius: z.number().gt(0).max(10).default(0.25),
        capacity: posInt.default(4096),
        transitions: z.boolean().default(false),
        window: z.number().int().min(2).max(1000).default(32),
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
    /** The trainable critic (`energy.critic` and the `critic` near-goal rule use it); null for none. */
    critic: criticSchema.nullable().default(null),
    /** Adaptation from memory: strategies to move to when the plan fails (`adaptSchema`); null for none. */
    adapt: adaptSchema.nullable().default(null),
  })
  .strict()
  .superRefine((agent, ctx) => {
    const users = [
      agent.energy.critic !== null && "agent.energy.critic",
      agent.hierarchy.nearGoal.rule === "critic" && 'agent.hierarchy.nearGoal.rule "critic"',
    ].filter((x) => typeof x === "string");
    if (agent.critic === null && users.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["critic"],
        message: `is null, but ${users.join(" and ")} needs the critic: set agent.critic (e.g. {})`,
      });
    if (agent.energy.weight === 0 && agent.energy.critic === null && agent.costTerms.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["energy", "weight"],
        message: "is 0 with no critic and no costTerms: the agent would have no task cost",
      });
  });

export type LevelPlannerConfig = z.output<typeof levelPlannerSchema>;
export type LatentPlanningConfig = z.output<typeof latentPlanningSchema>;
export type HierarchyConfig = z.output<typeof hierarchySchema>;
export type CriticConfig = z.output<typeof criticSchema>;
export type AdaptConfig = z.output<typeof adaptSchema>;
export type AdaptStageConfig = z.output<typeof adaptStageSchema>;
