/**
 * What `pnpm new:package` makes for each kind of research package: the registry its component joins, the
 * packages its sources import, and how a config names it (for the next steps it prints). The sources
 * themselves are the files under `scripts/templates/<kind>/`.
 */

export interface KindSpec {
  /** Where the component registers: shown in the README and the summary. */
  registry: string;
  /** The package and the export of the registry, to list the names taken already. */
  registryModule: string;
  registryExport: string;
  /** Workspace packages (and zod) that `src/index.ts` imports. */
  dependencies: readonly string[];
  /** More packages that only the test imports. */
  testDependencies: readonly string[];
  /** A config snippet naming the component (`COMPONENT` replaced by its name). */
  configExample: string;
  /** The package description when `--description` is not given. */
  description: string;
}

export const KINDS = {
  planner: {
    registryModule: "@hjepa/actor",
    registryExport: "plannerRegistry",
    registry: "@hjepa/actor's planner registry (registerPlanner)",
    dependencies: ["@hjepa/actor", "zod"],
    testDependencies: ["@hjepa/contracts", "@hjepa/cost", "@hjepa/tensor", "gymnasium-js"],
    configExample: `"agent": { "planner": "COMPONENT", "plannerOptions": {} }`,
    description: "A planner for hjepa agents: action sequences chosen by optimisation over imagined futures.",
  },
  encoder: {
    registryModule: "@hjepa/perception",
    registryExport: "encoderRegistry",
    registry: "@hjepa/perception's encoder registry (registerEncoder)",
    dependencies: ["@hjepa/perception", "@hjepa/tensor", "gymnasium-js", "zod"],
    testDependencies: [],
    configExample: `"world": { "levels": [{ "model": { "encoder": { "type": "COMPONENT" } } }] }`,
    description: "An encoder for hjepa world models: observations to representations.",
  },
  predictor: {
    registryModule: "@hjepa/world-model",
    registryExport: "predictorRegistry",
    registry: "@hjepa/world-model's predictor registry (registerPredictor)",
    dependencies: ["@hjepa/perception", "@hjepa/tensor", "@hjepa/world-model", "gymnasium-js", "zod"],
    testDependencies: [],
    configExample: `"world": { "levels": [{ "model": { "predictor": { "type": "COMPONENT" } } }] }`,
    description:
      "A predictor for hjepa world models: the next representation from a representation and an action.",
  },
  cost: {
    registryModule: "@hjepa/cost",
    registryExport: "costTermRegistry",
    registry: "@hjepa/cost's cost-term registry (registerCostTerm)",
    dependencies: ["@hjepa/cost", "@hjepa/tensor", "zod"],
    testDependencies: [],
    configExample: `"agent": { "costTerms": [{ "type": "COMPONENT", "weight": 0.1 }] }`,
    description: "A task cost term for hjepa agents: one number per imagined trajectory, lower is better.",
  },
  regularizer: {
    registryModule: "@hjepa/world-model",
    registryExport: "regularizerRegistry",
    registry: "@hjepa/world-model's regularizer registry (registerRegularizer)",
    dependencies: ["@hjepa/tensor", "@hjepa/world-model", "zod"],
    testDependencies: ["@hjepa/experiment", "gymnasium-js"],
    configExample: `"world": { "levels": [{ "loss": { "regularizers": [{ "type": "COMPONENT", "weight": 0.1 }] } }] }`,
    description: "A representation regulariser for hjepa world models, added to level 1's training loss.",
  },
} as const satisfies Record<string, KindSpec>;

export type Kind = keyof typeof KINDS;

export const KIND_NAMES = Object.keys(KINDS) as Kind[];

export function isKind(kind: string): kind is Kind {
  return Object.hasOwn(KINDS, kind);
}

/**
 * What every package gets for its test and typecheck, as the workspace's packages have; the versions are read
 * from the workspace (root and apps/lab package.json) when a package is made, so they stay in step.
 */
export const DEV_DEPENDENCIES = ["@hjepa/tsconfig", "@types/node", "typescript", "vitest"] as const;
