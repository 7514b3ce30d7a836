import { registerHjepaEnvs } from "./register.ts";

export * from "./data/collect.ts";
export * from "./data/dataset.ts";
export * from "./data/datasetWriter.ts";
export * from "./data/openDataset.ts";
export * from "./data/policies.ts";
export * from "./geometry/visibility.ts";
export * from "./grid/index.ts";
export * from "./map.ts";
export * from "./picture.ts";
export * from "./pldm/index.ts";
export * from "./pointMaze/pointMaze.ts";
export * from "./register.ts";
export * from "./render.ts";
export * from "./tasks.ts";
export * from "./types.ts";

// Importing the package registers its environments in gymnasium-js's registry (as `import gymnasium` does).
registerHjepaEnvs();
