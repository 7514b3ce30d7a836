export * from "./adapt.ts";
export * from "./buildAgent.ts";
export * from "./configSchema.ts";
export * from "./extras.ts";
export * from "./preparedRun.ts";
export * from "./subgoalOracle.ts";
