import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { collect, openDataset } from "@hjepa/envs";
import type { ExperimentConfig } from "@hjepa/experiment";
import type { Box } from "gymnasium-js";
import { WorldModelData } from "./data.ts";
import { envShapes, makeRunEnv } from "./load.ts";

/** The cache file of the dataset a config names: same env, collection settings and seed -> same file. */
export function datasetPath(config: ExperimentConfig, root: string): string {
  const key = {
    env: config.env,
    collectKwargs: config.data.collectKwargs,
    episodes: config.data.episodes,
    steps: config.data.steps,
    policy: config.data.policy,
    seed: config.data.seed,
  };
  const hash = createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 10);
  const name = config.env.id.replace(/[^A-Za-z0-9-]+/g, "_");
  return join(
    resolve(root, config.data.cacheDir),
    `${name}-${config.data.episodes}x${config.data.steps}-${config.data.policy}-s${config.data.seed}-${hash}.arrow`,
  );
}

/**
 * Opens the config's dataset, collecting it first (into the cache folder) when missing, and wraps it for the
 * trainer with the env's observation shape and renderer.
 */
export async function prepareData(
  config: ExperimentConfig,
  opts: { root: string; onCollectProgress?: (done: number, total: number) => void; signal?: AbortSignal },
): Promise<{ data: WorldModelData; path: string; collected: boolean }> {
  const path = datasetPath(config, opts.root);
  let collected = false;
  if (!existsSync(path)) {
    mkdirSync(resolve(opts.root, config.data.cacheDir), { recursive: true });
    const total = config.data.episodes * config.data.steps;
    const res = await collect(config.env.id, {
      kwargs: { ...config.env.kwargs, ...config.data.collectKwargs },
      episodes: config.data.episodes,
      steps: config.data.steps,
      policy: config.data.policy,
      seed: config.data.seed,
      out: path,
      signal: opts.signal,
      onProgress: (p: { transitions: number }) => opts.onCollectProgress?.(p.transitions, total),
    });
    if (res.aborted)
      throw new Error(`collecting ${path} was interrupted; the partial dataset was saved but is not used`);
    collected = true;
  }
  const dataset = openDataset(path);
  const { env, core } = makeRunEnv(config);
  const { actionSpec } = envShapes(env);
  const space = env.observationSpace as Box<"float32" | "uint8">;
  // Observations are rendered from true states whenever the file did not store them (pixels).
  const storedMatches = dataset.obs !== null && dataset.obsSize === space.size;
  const observe = storedMatches ? null : (s: readonly number[]) => core.observe(s) as ArrayLike<number>;
  const data = new WorldModelData(
    dataset,
    space.shape,
    space.dtype === "uint8" ? "uint8" : "float32",
    observe,
    config.data.validationFraction,
    actionSpec,
  );
  return { data, path, collected };
}
