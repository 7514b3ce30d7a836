import { type LandmarkSet, makePlanner } from "@hjepa/actor";
import type { AgentParts, PlanSettings } from "@hjepa/agent";
import type { WorldModel } from "@hjepa/contracts";
import {
  actionBoundGuardrail,
  Cost,
  classifierGuardrail,
  energyTerm,
  type Guardrail,
  type StateClassifier,
} from "@hjepa/cost";
import { EnvironmentError } from "@hjepa/errors";
import type { AgentConfig } from "@hjepa/experiment";
import {
  actionsText,
  asWorldModel,
  describePrimitiveActions,
  type JepaWorldModel,
  primitiveActionsFit,
} from "@hjepa/world-model";
import { Box, type Discrete } from "gymnasium-js";

export interface BuildAgentOptions {
  /** The world model (a trained level 1 alone is taken as the one-level world model over it). */
  model: WorldModel | JepaWorldModel;
  agent: AgentConfig;
  actionSpace: Box | Discrete;
  /** A trained hazard classifier on representations, required when `agent.guardrails.hazard` is set. */
  hazard?: StateClassifier | null;
  /** Landmarks for graph planners, required when `agent.landmarks` is set. */
  landmarks?: LandmarkSet | null;
}

/**
 * The configurator's first version: builds an agent's parts from the experiment config by names — the planner
 * (`agent.planner` + `plannerOptions`), the task energy, the guardrails — and returns fixed plan settings per
 * step (a flat agent). Experiments differ by config alone.
 */
export function buildAgent({
  model,
  agent,
  actionSpace,
  hazard = null,
  landmarks = null,
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
  const planner = makePlanner(agent.planner, agent.plannerOptions);
  const guardrails: Guardrail[] = [];
  if (agent.guardrails.actionBounds && actionSpace instanceof Box) {
    guardrails.push(actionBoundGuardrail(actionSpace.low, actionSpace.high));
  }
  const hazardConfig = agent.guardrails.hazard;
  if (hazardConfig) {
    if (!hazard) throw new Error("agent.guardrails.hazard is set but no hazard classifier was given");
    guardrails.push(
      classifierGuardrail("hazard", hazard, { mode: hazardConfig.mode, threshold: hazardConfig.threshold }),
    );
  }
  const { distance, reduce, gamma } = agent.energy;
  const cost = new Cost({ terms: [energyTerm({ distance, reduce, gamma })], guardrails });
  const settings: PlanSettings = {
    horizon: agent.horizon,
    budget: agent.budget,
    replanEvery: agent.replanEvery,
    surpriseThreshold: agent.surpriseThreshold,
  };
  if (agent.landmarks && !landmarks) throw new Error("agent.landmarks is set but no landmarks were given");
  return { model: world, planner, cost, landmarks, configure: () => settings };
}
