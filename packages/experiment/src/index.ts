export * from "./atomicWrite.ts";
export * from "./config.ts";
export * from "./manifest.ts";
export * from "./migrate.ts";
export * from "./overrides.ts";
export * from "./runFolder.ts";
export * from "./schema.ts";
export * from "./stats.ts";
