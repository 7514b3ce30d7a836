export * from "./buildAgent.ts";
export * from "./extras.ts";
