import { registerHjepaEnvs } from "../register.ts";

// Offline datasets (Apache Arrow), kept out of the `@hjepa/envs` barrel so that commands which load no dataset
// do not pay for apache-arrow at start-up.
export * from "./collect.ts";
export * from "./dataset.ts";
export * from "./datasetWriter.ts";
export * from "./openDataset.ts";

// `collect("hjepa/...")` makes the env by id, so this entry point registers the environments too.
registerHjepaEnvs();
