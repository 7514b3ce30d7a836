import { plannerRegistry } from "@hjepa/actor";
import type { ComponentRegistry } from "@hjepa/contracts";
import { costTermRegistry } from "@hjepa/cost";
import { type AgentConfig, type ExperimentConfig, experimentSchema } from "@hjepa/experiment";
import { encoderRegistry } from "@hjepa/perception";
import {
  DEFAULT_PREDICTOR,
  macroActionRegistry,
  predictorRegistry,
  regularizerRegistry,
} from "@hjepa/world-model";
import { z } from "zod";

/** A problem with a config field that only the registries can see: a path into the config and what is wrong. */
export interface RegistryIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * What the experiment schema cannot check on its own, because the names live in registries of packages that
 * `@hjepa/experiment` does not depend on: `agent.planner` must name a registered planner and
 * `agent.plannerOptions` must be valid options of it (parsed by that planner's zod schema, one issue per
 * field); the same for each level's planner in `agent.levels[]`. Empty when the agent config is fine.
 */
export function agentRegistryIssues(agent: AgentConfig): RegistryIssue[] {
  const planners = [
    { name: agent.planner, options: agent.plannerOptions, at: ["agent"] as PropertyKey[] },
    ...agent.levels.map((l, i) => ({
      name: l.planner,
      options: l.plannerOptions,
      at: ["agent", "levels", i] as PropertyKey[],
    })),
  ];
  return planners.flatMap(({ name, options, at }) => {
    const r = plannerRegistry.safeParse(name, options, {
      name: [...at, "planner"],
      options: [...at, "plannerOptions"],
    });
    return r.success ? [] : r.issues.map(({ path, message }) => ({ path, message }));
  });
}

type ComponentObject = { type?: string } & Record<string, unknown>;

/**
 * Parses the `{ type, ...options }` object at `path` with the schema its registered component gave:
 * the parsed object (defaults filled), or the issues (an unknown type at `path.type`).
 */
function parseComponent(
  registry: ComponentRegistry<ComponentObject, unknown>,
  value: ComponentObject,
  path: PropertyKey[],
  defaultType?: string,
): { value: ComponentObject; issues: RegistryIssue[] } {
  const type = typeof value.type === "string" ? value.type : (defaultType ?? "");
  const r = registry.safeParse(type, value, { name: [...path, "type"], options: path });
  if (r.success) return { value: r.data, issues: [] };
  return { value, issues: r.issues.map(({ path, message }) => ({ path, message })) };
}

/**
 * The config's components (level 1's encoder, predictor and regularisers, each upper level's macro-action
 * encoder and predictor) parsed by their registered schemas: a copy of `config` with their options written
 * back, defaults filled, and the problems found.
 */
export function resolveComponents(config: ExperimentConfig): {
  config: ExperimentConfig;
  issues: RegistryIssue[];
} {
  const issues: RegistryIssue[] = [];
  const encoders = encoderRegistry as unknown as ComponentRegistry<ComponentObject, unknown>;
  const predictors = predictorRegistry as unknown as ComponentRegistry<ComponentObject, unknown>;
  const macroActions = macroActionRegistry as unknown as ComponentRegistry<ComponentObject, unknown>;
  const regularizerKinds = regularizerRegistry as unknown as ComponentRegistry<ComponentObject, unknown>;
  const levels = config.world.levels.map((level, k) => {
    const at: PropertyKey[] = ["world", "levels", k];
    if (k === 0) {
      const one = level as ExperimentConfig["world"]["levels"][0];
      const encoder = parseComponent(encoders, one.model.encoder, [...at, "model", "encoder"]);
      const predictor = parseComponent(
        predictors,
        one.model.predictor,
        [...at, "model", "predictor"],
        DEFAULT_PREDICTOR,
      );
      issues.push(...encoder.issues, ...predictor.issues);
      const model = { ...one.model, encoder: encoder.value, predictor: predictor.value };
      if (one.loss.regularizers === undefined) return { ...one, model };
      const regularizers = one.loss.regularizers.map((r, i) => {
        const parsed = parseComponent(regularizerKinds, r, [...at, "loss", "regularizers", i]);
        issues.push(...parsed.issues);
        return parsed.value as typeof r;
      });
      return { ...one, model, loss: { ...one.loss, regularizers } };
    }
    const upper = level as { macroAction: ComponentObject; predictor: ComponentObject };
    const macroAction = parseComponent(macroActions, upper.macroAction, [...at, "macroAction"]);
    const predictor = parseComponent(predictors, upper.predictor, [...at, "predictor"], DEFAULT_PREDICTOR);
    issues.push(...macroAction.issues, ...predictor.issues);
    return { ...level, macroAction: macroAction.value, predictor: predictor.value };
  });
  const world = { ...config.world, levels } as ExperimentConfig["world"];
  return { config: { ...config, world }, issues };
}

/**
 * The experiment schema plus the registry checks, so that a config naming an unknown component ("mpi", an
 * encoder "transformer") or an invalid option of one is refused when it is loaded, one line per problem like
 * every other field: `loadConfig(file, fullExperimentSchema, overrides)`. Components' options are written
 * back with their defaults filled, so a run folder's config.json holds every value the run used.
 */
export const fullExperimentSchema = experimentSchema.transform((parsed, ctx) => {
  const { config, issues } = resolveComponents(parsed);
  issues.push(...agentRegistryIssues(config.agent));
  const terms = costTermRegistry as unknown as ComponentRegistry<ComponentObject, unknown>;
  const costTerms = config.agent.costTerms.map((term, i) => {
    const r = parseComponent(terms, term, ["agent", "costTerms", i]);
    issues.push(...r.issues);
    return r.value as ExperimentConfig["agent"]["costTerms"][number];
  });
  for (const issue of issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  return issues.length > 0 ? z.NEVER : { ...config, agent: { ...config.agent, costTerms } };
});
