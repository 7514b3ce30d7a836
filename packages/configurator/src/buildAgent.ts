import { type LandmarkSet, makePlanner } from "@hjepa/actor";
import type { AgentParts, LevelSettings, PlanSettings, SubgoalOracle } from "@hjepa/agent";
import type { WorldModel } from "@hjepa/contracts";
import {
  actionBoundGuardrail,
  Cost,
  classifierGuardrail,
  criticTerm,
  type Guardrail,
  makeCostTerm,
  type StateClassifier,
  type TemporalDistance,
} from "@hjepa/cost";
import { EnvironmentError, InputError } from "@hjepa/errors";
import type { AgentConfig } from "@hjepa/experiment";
import { tf } from "@hjepa/tensor";
import {
  actionsText,
  asWorldModel,
  describePrimitiveActions,
  type JepaWorldModel,
  primitiveActionsFit,
} from "@hjepa/world-model";
import { Box, type Discrete } from "gymnasium-js";
import { AdaptiveConfigurator, adaptStages, type GoalDistance, l2Distance } from "./adapt.ts";

export interface BuildAgentOptions {
  /** The world model (a trained level 1 alone is taken as the one-level world model over it). */
  model: WorldModel | JepaWorldModel;
  agent: AgentConfig;
  actionSpace: Box | Discrete;
  /** A trained hazard classifier on representations, required when `agent.guardrails.hazard` is set. */
  hazard?: StateClassifier | null;
  /** Landmarks for graph planners, required when `agent.landmarks` is set. */
  landmarks?: LandmarkSet | null;
  /** Level 1's subgoals from the env's shortest path: required when `agent.hierarchy.subgoals` is "oracle". */
  subgoalOracle?: SubgoalOracle | null;
  /**
   * The trained critic on level-1 representations, required when `agent.critic` is set: a cost term when
   * `agent.energy.critic` is set, and the `critic` near-goal rule's signal.
   */
  critic?: TemporalDistance | null;
}

/** The levels an agent config plans with, top first: level 1 alone (flat) or levels n, ..., 1. */
export function plannedLevels(agent: AgentConfig): number[] {
  const above = agent.levels.map((l) => l.level).sort((a, b) => a - b);
  let top = agent.hierarchy.use ?? Math.max(1, ...above);
  if (agent.hierarchy.subgoals === "oracle") top = 1;
  // Without a planner for every level in between, the hierarchy stops below the first gap.
  let reach = 1;
  while (reach < top && above.includes(reach + 1)) reach += 1;
  return Array.from({ length: reach }, (_, i) => reach - i);
}

/**
 * Compute per env step the settings schedule, in cost units: each planned level's budget per plan divided by
 * the env steps between its plans (surprise and goal changes can add plans; the eval reports what was spent).
 */
export function scheduledComputePerStep(settings: PlanSettings): number {
  return settings.levels.reduce((sum, l) => sum + l.budget / l.replanEvery, 0);
}

/**
 * The configurator: builds an agent's parts from the experiment config by names — one planner per level
 * (`agent.planner` + `plannerOptions` at level 1, `agent.levels[]` above), the task energy and the guardrails
 * at every level — and its rules, which are data in the config (`agent.hierarchy`): which levels to plan with,
 * each level's horizon, budget and replanning interval, the near-goal rule, and where level 1's subgoals come
 * from. Experiments differ by config alone.
 */
export function buildAgent({
  model,
  agent,
  actionSpace,
  hazard = null,
  landmarks = null,
  subgoalOracle = null,
  critic = null,
}: BuildAgentOptions): AgentParts {
  const primitive = describePrimitiveActions(actionSpace);
  const world = asWorldModel(model, primitive);
  const levelOne = world.levels[0].actions;
  if (levelOne.kind === "macro" || !primitiveActionsFit(levelOne, primitive)) {
    throw new EnvironmentError(
      `the environment's actions (${actionsText(primitive)}) do not fit the world model's level 1 ` +
        `(${actionsText(levelOne)})`,
    );
  }
  const hazardConfig = agent.guardrails.hazard;
  if (hazardConfig && !hazard) {
    throw new InputError("agent.guardrails.hazard is set but no hazard classifier was given");
  }
  // Guardrails apply at every level. Level 1 checks every step; a level above checks the state each
  // macro-step ends in (it shares level 1's representation; see the README on macro-steps and hazards).
  const costAt = (level: number): Cost => {
    const guardrails: Guardrail[] = [];
    if (level === 1 && agent.guardrails.actionBounds && actionSpace instanceof Box) {
      guardrails.push(actionBoundGuardrail(actionSpace.low, actionSpace.high));
    }
    if (hazardConfig && hazard) {
      guardrails.push(
        classifierGuardrail("hazard", hazard, { mode: hazardConfig.mode, threshold: hazardConfig.threshold }),
      );
    }
    const { critic: criticEnergy, ...distance } = agent.energy;
    const terms = [...(distance.weight > 0 ? [{ type: "energy", ...distance }] : []), ...agent.costTerms].map(
      (t) => makeCostTerm(t),
    );
    if (criticEnergy && critic) {
      // The critic reads level-1 representations; hierarchical planning hands subgoals down in them anyway.
      if (!world.levels.slice(1, level).every((l) => l.sharesRepresentationBelow))
        throw new InputError(
          `agent.energy.critic: level ${level} has its own representation; the critic reads level 1's ` +
            '(use representation "identity" for the levels above)',
        );
      terms.push(criticTerm(critic, criticEnergy));
    }
    return new Cost({ terms, guardrails });
  };
  const planned = plannedLevels(agent);
  if ((planned[0] as number) > world.levels.length) {
    throw new InputError(
      `agent.hierarchy plans with ${planned[0]} levels; the world model has ${world.levels.length}`,
    );
  }
  const levelsFor = (use: number) =>
    plannedLevels({ ...agent, hierarchy: { ...agent.hierarchy, use } }).map((k) => levelSettings(agent, k));
  for (const [i, stage] of (agent.adapt?.stages ?? []).entries()) {
    const reach = stage.use === undefined ? 0 : levelsFor(stage.use).length;
    if (stage.use !== undefined && (reach !== stage.use || stage.use > world.levels.length))
      throw new InputError(
        `agent.adapt.stages[${i}].use is ${stage.use}, but the agent can plan with ${Math.min(reach, world.levels.length)} ` +
          `level(s): every level up to ${stage.use} needs an agent.levels entry and a world-model level ` +
          `(the world model has ${world.levels.length})`,
      );
  }
  // Planners for every level a stage of adaptation may plan with.
  const top = Math.max(planned[0] as number, ...(agent.adapt?.stages ?? []).map((s) => s.use ?? 1));
  const levels = [
    { level: 1, planner: makePlanner(agent.planner, agent.plannerOptions), cost: costAt(1) },
    ...agent.levels
      .filter((l) => l.level <= top)
      .sort((a, b) => a.level - b.level)
      .map((l) => ({
        level: l.level,
        planner: makePlanner(l.planner, l.plannerOptions),
        cost: costAt(l.level),
      })),
  ];
  for (const [i, stage] of (agent.adapt?.stages ?? []).entries()) {
    const { cost } = levels[0] as (typeof levels)[number];
    for (const term of Object.keys(stage.weights ?? {})) {
      if (!cost.termNames.includes(term)) {
        const what = cost.guardrailNames.includes(term)
          ? "is a guardrail, whose penalty cannot be changed"
          : "is not a task cost term of this agent";
        throw new InputError(
          `agent.adapt.stages[${i}].weights.${term} ${what} (its terms: ${cost.termNames.join(", ")})`,
        );
      }
    }
  }
  if (agent.critic && !critic) throw new InputError("agent.critic is set but no critic was given");
  if (agent.landmarks && !landmarks)
    throw new InputError("agent.landmarks is set but no landmarks were given");
  if (agent.hierarchy.subgoals === "oracle" && !subgoalOracle) {
    throw new InputError('agent.hierarchy.subgoals is "oracle" but no subgoal oracle was given');
  }
  const settings: PlanSettings = {
    levels: planned.map((k) => levelSettings(agent, k)),
    nearGoal: { ...agent.hierarchy.nearGoal },
  };
  let configure: AgentParts["configure"] = () => settings;
  if (agent.adapt) {
    const distance: GoalDistance = critic
      ? (s, g) =>
          tf.tidy(
            () =>
              critic(tf.tensor2d(s, [1, s.length]), tf.tensor2d(g, [1, g.length])).dataSync()[0] as number,
          )
      : l2Distance;
    const adaptive = new AdaptiveConfigurator(
      agent.adapt,
      adaptStages(settings, agent.adapt, levelsFor),
      distance,
    );
    configure = (ctx) => adaptive.configure(ctx);
  }
  return {
    model: world,
    levels,
    landmarks,
    configure,
    subgoalOracle: agent.hierarchy.subgoals === "oracle" ? subgoalOracle : null,
    critic,
  };
}

function levelSettings(agent: AgentConfig, level: number): LevelSettings {
  if (level === 1) {
    return {
      level: 1,
      horizon: agent.horizon,
      budget: agent.budget,
      replanEvery: agent.replanEvery,
      surpriseThreshold: agent.surpriseThreshold,
      subgoalStep: 1,
      ...(agent.latent ? { latent: { ...agent.latent } } : {}),
    };
  }
  const l = agent.levels.find((x) => x.level === level) as AgentConfig["levels"][number];
  return {
    level,
    horizon: l.horizon,
    budget: l.budget,
    replanEvery: l.replanEvery,
    surpriseThreshold: l.surpriseThreshold,
    subgoalStep: l.subgoalStep,
    ...(l.latent ? { latent: { ...l.latent } } : {}),
  };
}
