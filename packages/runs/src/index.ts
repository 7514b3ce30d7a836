export * from "./checkpointWeights.ts";
export * from "./dataset.ts";
export * from "./joint.ts";
export * from "./load.ts";
export * from "./loadLevel.ts";
export * from "./loadWorldModel.ts";
export * from "./trueDynamics.ts";
