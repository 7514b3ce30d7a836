import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  collect,
  type Dataset,
  DatasetError,
  type DatasetMetadata,
  openDataset,
  startsRecord,
} from "@hjepa/envs/data";
import { onFileSystem } from "@hjepa/errors";
import type { ExperimentConfig } from "@hjepa/experiment";
import { removeStaleTemps } from "@hjepa/experiment/crashSafety";
import { WorldModelData } from "@hjepa/world-model";
import { type Box, spec } from "gymnasium-js";
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
    ...startsRecord(config.data.starts),
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
 *
 * Only a complete dataset of exactly the config's collection is used: a cached file whose metadata differ
 * (env, kwargs, policy, seed, episodes, steps) or that an interrupted collection saved is collected again
 * (`replaced` says why). An abort of `signal` while collecting saves nothing and throws `CollectionInterrupted`
 * (from `@hjepa/envs/data`), so the next call collects the full dataset, the same bytes as an uninterrupted one.
 */
export async function prepareData(
  config: ExperimentConfig,
  opts: { root: string; onCollectProgress?: (done: number, total: number) => void; signal?: AbortSignal },
): Promise<{ data: WorldModelData; path: string; collected: boolean; replaced: string | null }> {
  const path = datasetPath(config, opts.root);
  // A temp file of a collection that was killed outright is never read; remove it.
  removeStaleTemps(dirname(path), path);
  const cached = existsSync(path) ? openCached(path) : null;
  const replaced = cached === null ? null : cacheMismatch(cached.metadata, config);
  let dataset: Dataset;
  if (cached !== null && replaced === null) dataset = cached;
  else {
    onFileSystem(dirname(path), "create the dataset cache folder", () =>
      mkdirSync(dirname(path), { recursive: true }),
    );
    const total = config.data.episodes * config.data.steps;
    await collect(config.env.id, {
      kwargs: collectKwargs(config),
      episodes: config.data.episodes,
      steps: config.data.steps,
      policy: config.data.policy,
      seed: config.data.seed,
      ...startsRecord(config.data.starts),
      out: path,
      signal: opts.signal,
      onAbort: "discard",
      onProgress: (p: { transitions: number }) => opts.onCollectProgress?.(p.transitions, total),
    });
    dataset = openDataset(path);
  }
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
  return { data, path, collected: dataset !== cached, replaced };
}

/** The kwargs a collection for `config` passes to the env (its own, then the collection-only ones). */
function collectKwargs(config: ExperimentConfig): Record<string, unknown> {
  return { ...config.env.kwargs, ...config.data.collectKwargs };
}

function openCached(path: string): Dataset {
  try {
    return openDataset(path);
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e;
    throw new DatasetError(
      `${e.message}; it is a cached dataset: delete it and run again to collect it anew`,
    );
  }
}

/**
 * Why a cached dataset is not the one `config` asks for (null when it is): an interrupted collection, or
 * metadata that differ from the config's collection (a hash collision or a file copied by hand).
 */
export function cacheMismatch(meta: DatasetMetadata, config: ExperimentConfig): string | null {
  const d = config.data;
  if (meta.aborted !== false || meta.numEpisodes !== d.episodes) {
    return `it is partial: ${meta.numEpisodes} of ${d.episodes} episodes (an interrupted collection)`;
  }
  const registered = spec(config.env.id);
  const want: Record<string, unknown> = {
    envId: registered.id,
    kwargs: { ...registered.kwargs, ...collectKwargs(config) },
    policy: d.policy,
    policyOptions: {},
    seed: d.seed,
    episodes: d.episodes,
    steps: d.steps,
    starts: startsRecord(d.starts).starts,
  };
  for (const [key, value] of Object.entries(want)) {
    if (canonical(meta[key]) !== canonical(value)) {
      return `its ${key} is ${canonical(meta[key])}, the config's is ${canonical(value)}`;
    }
  }
  return null;
}

/** JSON with object keys sorted, so that two equal values give the same text. */
function canonical(v: unknown): string {
  return (
    JSON.stringify(v, (_, x) =>
      x !== null && typeof x === "object" && !Array.isArray(x)
        ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : x,
    ) ?? "undefined"
  );
}
