import { makePlanner, PlannerOptionError, plannerNames } from "@hjepa/actor";
import { type AgentConfig, experimentSchema } from "@hjepa/experiment";

/** A problem with a config field that only the registries can see: a path into the config and what is wrong. */
export interface RegistryIssue {
  path: (string | number)[];
  message: string;
}

/**
 * What the experiment schema cannot check on its own, because the names live in registries of packages that
 * `@hjepa/experiment` does not depend on: `agent.planner` must name a registered planner and
 * `agent.plannerOptions` must be valid options of it. Empty when the agent config is fine.
 */
export function agentRegistryIssues(agent: AgentConfig): RegistryIssue[] {
  const names = plannerNames();
  if (!names.includes(agent.planner)) {
    return [{ path: ["agent", "planner"], message: `must be one of ${names.join(", ")}` }];
  }
  try {
    // Building a planner only checks its options (no tensors, no model).
    makePlanner(agent.planner, agent.plannerOptions);
  } catch (e) {
    if (!(e instanceof PlannerOptionError)) throw e;
    return [{ path: ["agent", "plannerOptions", e.option], message: e.rule }];
  }
  return [];
}

/**
 * The experiment schema plus the registry checks (`agentRegistryIssues`), so that a config naming an unknown
 * planner ("mpi") or an invalid planner option is refused when it is loaded, one line per problem like every
 * other field: `loadConfig(file, fullExperimentSchema, overrides)`.
 */
export const fullExperimentSchema = experimentSchema.superRefine((config, ctx) => {
  for (const issue of agentRegistryIssues(config.agent)) {
    ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }
});
