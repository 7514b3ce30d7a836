export * from "./buildAgent.ts";
