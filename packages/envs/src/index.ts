import { registerHjepaEnvs } from "./register.ts";

// Datasets (collect, openDataset, Dataset) are in `@hjepa/envs/data`: they load apache-arrow.
export * from "./data/policies.ts";
export * from "./data/traverse.ts";
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
