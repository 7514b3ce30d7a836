export * from "./agent.ts";
export * from "./hierarchy.ts";
export * from "./settings.ts";
