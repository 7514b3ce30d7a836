/**
 * The `train` job kind: trains one run folder as `hjepa train` does (dataset, every level, the agent's learned
 * parts) and returns its identity. Run again on a folder it left unfinished (a killed worker, Ctrl-C), it
 * continues from the last checkpoint to the same result; on a finished folder whose agent parts were made with
 * other settings, it makes them again (as `hjepa prepare --set agent...` would) and leaves the model as it is.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { checkAgentExtras, fullExperimentSchema, prepareRun } from "@hjepa/configurator";
import { CheckpointError, isHjepaError } from "@hjepa/errors";
import { type ExperimentConfig, RunFolder, validateConfig, writeJsonAtomic } from "@hjepa/experiment";
import { datasetPath, loadTrainedModel, prepareData } from "@hjepa/runs";
import { initTensors } from "@hjepa/tensor";
import { contentHash, type JobContext } from "../jobs/job.ts";
import { trainRun } from "../train/trainRun.ts";
import { type ModelIdentity, modelIdentity, runKey } from "./runIdentity.ts";
import { trainWork } from "./work.ts";

export interface TrainJobSpec {
  /** The resolved config to train; its agent section says which learned parts to make. */
  config: ExperimentConfig;
  /** The run folder (made if missing, continued if unfinished). */
  runDir: string;
  /** The folder `data.cacheDir` is relative to (the repository root). */
  dataRoot: string;
}

export interface TrainJobResult {
  runDir: string;
  key: string;
  model: ModelIdentity;
}

export async function run(spec: TrainJobSpec, ctx: JobContext): Promise<TrainJobResult> {
  const config = validateConfig(fullExperimentSchema, spec.config, `${spec.runDir} (train job)`);
  // The manifest records the backend that runs (config.backend may be "auto"), as hjepa train's does.
  const tensors = await initTensors({ backend: config.backend });
  const work = trainWork(config, !existsSync(datasetPath(config, spec.dataRoot)));
  const total = work.collect + work.levels.reduce((a, b) => a + b, 0);
  const { data } = await prepareData(config, {
    root: spec.dataRoot,
    onCollectProgress: (done, all) => ctx.progress((work.collect * done) / all, total),
  });
  ctx.progress(work.collect, total);

  let run: RunFolder | null = null;
  let resume = false;
  if (existsSync(join(spec.runDir, "manifest.json")) && existsSync(join(spec.runDir, "config.json"))) {
    run = RunFolder.open(spec.runDir);
    const had = run.validConfig(fullExperimentSchema);
    if (runKey(had) !== runKey(config))
      throw new CheckpointError(
        `${spec.runDir}: holds a run of another config (its training settings differ); move it away`,
      );
    if (run.manifest.status === "finished") {
      await reprepareIfNeeded(run, had, config, data);
      return { runDir: spec.runDir, key: runKey(config), model: modelIdentity(spec.runDir) };
    }
    resume = true;
    if (contentHash(had.agent) !== contentHash(config.agent))
      writeJsonAtomic(
        join(run.dir, "config.json"),
        { ...had, agent: config.agent },
        "update the run's agent settings",
      );
    run.updateManifest({ status: "running", endedAt: null });
  } else {
    // A folder without its manifest is a create that was killed half-way: nothing in it is worth keeping.
    if (existsSync(spec.runDir)) rmSync(spec.runDir, { recursive: true, force: true });
    run = RunFolder.create({
      name: config.name,
      config,
      out: spec.runDir,
      backend: tensors.backend,
      seeds: { train: config.seed, data: config.data.seed },
    });
    run.updateManifest({ notes: ["trained by hjepa compare (a train job)"] });
  }
  const done = work.collect;
  const before = (level: number) => work.levels.slice(0, level - 1).reduce((a, b) => a + b, 0);
  await trainRun(run, config, data, resume, new AbortController().signal, (p) => {
    const share = work.levels[p.level - 1] ?? 0;
    ctx.progress(done + before(p.level) + (share * p.step) / p.steps, total);
  });
  const finished = RunFolder.open(spec.runDir).manifest;
  if (finished.status !== "finished")
    throw new CheckpointError(
      `${spec.runDir}: training ended ${finished.status}: ${finished.notes.at(-1) ?? "no note"}; hjepa inspect ${spec.runDir} shows it`,
    );
  return { runDir: spec.runDir, key: runKey(config), model: modelIdentity(spec.runDir) };
}

/** A finished run whose agent parts do not fit `config` gets them made again, and its agent section updated. */
async function reprepareIfNeeded(
  run: RunFolder,
  had: ExperimentConfig,
  config: ExperimentConfig,
  data: Awaited<ReturnType<typeof prepareData>>["data"],
): Promise<void> {
  try {
    checkAgentExtras(run, config);
    return;
  } catch (e) {
    if (!isHjepaError(e)) throw e;
  }
  const { model } = await loadTrainedModel(run.dir);
  try {
    await prepareRun(run, config, model, data);
  } finally {
    model.dispose();
  }
  writeJsonAtomic(
    join(run.dir, "config.json"),
    { ...had, agent: config.agent },
    "update the run's agent settings",
  );
  run.updateManifest({
    notes: [
      ...run.manifest.notes,
      "hjepa compare made the agent's learned parts again with its agent settings",
    ],
  });
}
