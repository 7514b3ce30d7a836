import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { CollectionInterrupted, collect } from "@hjepa/envs/data";
import { describe, expect, it } from "vitest";
import { datasetPath, prepareData } from "./dataset.ts";
import { toyConfig } from "./testing.ts";

const config = toyConfig();
const fresh = () => mkdtempSync(join(tmpdir(), "hjepa-setup-"));

/** An abort signal that turns aborted on its `n`-th read: collection reads it once before and once per episode. */
function abortOnRead(n: number): AbortSignal {
  let reads = 0;
  return {
    get aborted() {
      reads += 1;
      return reads >= n;
    },
  } as AbortSignal;
}

/** The bytes of the toy dataset collected without interruption (in its own cache folder). */
async function reference(): Promise<Buffer> {
  const root = fresh();
  const r = await prepareData(config, { root });
  expect(r).toMatchObject({ collected: true, replaced: null });
  return readFileSync(r.path);
}

describe("prepareData", () => {
  it("saves nothing when interrupted while collecting; the next call collects the full dataset", async () => {
    const want = await reference();
    const root = fresh();
    const path = datasetPath(config, root);
    const run = prepareData(config, { root, signal: abortOnRead(5) });
    await expect(run).rejects.toThrow(CollectionInterrupted);
    await expect(run).rejects.toThrow(/interrupted after 3 of 60 episodes; nothing was written/);
    expect(readdirSync(dirname(path))).toEqual([]);
    const again = await prepareData(config, { root });
    expect(again).toMatchObject({ collected: true, replaced: null });
    expect(again.data.dataset.numEpisodes).toBe(60);
    expect(readFileSync(path).equals(want)).toBe(true);
    const cached = await prepareData(config, { root });
    expect(cached).toMatchObject({ collected: false, replaced: null });
  });

  it("never uses a partial dataset saved under the cache name: it collects the full one again", async () => {
    const want = await reference();
    const root = fresh();
    const path = datasetPath(config, root);
    // What an interrupted `train` used to leave: the first episodes, saved and marked aborted.
    const partial = await collect(config.env.id, {
      kwargs: config.env.kwargs,
      episodes: config.data.episodes,
      steps: config.data.steps,
      policy: config.data.policy,
      seed: config.data.seed,
      out: path,
      signal: abortOnRead(5),
    });
    expect(partial).toMatchObject({ aborted: true, episodes: 3 });
    const r = await prepareData(config, { root });
    expect(r.replaced).toBe("it is partial: 3 of 60 episodes (an interrupted collection)");
    expect(r.collected).toBe(true);
    expect(r.data.dataset.numEpisodes).toBe(60);
    expect(readFileSync(path).equals(want)).toBe(true);
  });

  it("rejects a cached dataset whose metadata differ from the config's collection", async () => {
    const root = fresh();
    const path = datasetPath(config, root);
    // A complete dataset of another seed, under this config's name.
    await collect(config.env.id, {
      kwargs: config.env.kwargs,
      episodes: config.data.episodes,
      steps: config.data.steps,
      policy: config.data.policy,
      seed: config.data.seed + 1,
      out: path,
    });
    const r = await prepareData(config, { root });
    expect(r.replaced).toBe(`its seed is ${config.data.seed + 1}, the config's is ${config.data.seed}`);
    expect(r.data.dataset.metadata.seed).toBe(config.data.seed);
    await collect(config.env.id, {
      kwargs: { ...config.env.kwargs, obsMode: "pixels" },
      episodes: config.data.episodes,
      steps: config.data.steps,
      policy: config.data.policy,
      seed: config.data.seed,
      out: path,
    });
    expect((await prepareData(config, { root })).replaced).toMatch(/^its kwargs is \{.*"obsMode":"pixels"/);
  });

  it("removes the temp file of a collection that was killed, and never reads it", async () => {
    const root = fresh();
    const path = datasetPath(config, root);
    await prepareData(config, { root });
    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    const stale = join(dirname(path), `.${basename(path)}.${dead}-0.tmp`);
    writeFileSync(stale, "ARROW1 and then nothing");
    const r = await prepareData(config, { root });
    expect(r.collected).toBe(false);
    expect(readdirSync(dirname(path))).toEqual([basename(path)]);
  });
});
