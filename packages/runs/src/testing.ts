import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExperimentConfig } from "@hjepa/experiment";
import { prepareData } from "./dataset.ts";

export { toyConfig } from "@hjepa/world-model/testing";

/** Collects (once per folder) and opens the toy dataset of a config in a temp cache folder, as a run does. */
export async function toyData(config: ExperimentConfig, root = mkdtempSync(join(tmpdir(), "hjepa-runs-"))) {
  return prepareData(config, { root });
}
