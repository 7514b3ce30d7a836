/**
 * The `eval` job kind: plans a shard of a task set's tasks with one arm's agent on one trained run, as `hjepa
 * eval` does (the run's model and learned parts, loaded, never trained; each episode seeded by its task index,
 * so how tasks are split into jobs does not change any result). Returns each episode's numbers and, for the
 * tasks it was asked to draw, the episode in map units with its first plan and subgoals decoded to positions.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fullExperimentSchema, loadAgentExtras } from "@hjepa/configurator";
import { loadTaskSet } from "@hjepa/envs";
import { DataError } from "@hjepa/errors";
import { type AgentConfig, RunFolder, validateConfig } from "@hjepa/experiment";
import { loadWorldModel, makeRunEnv } from "@hjepa/runs";
import { initTensors } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import type { EpisodeRecord } from "../eval/episodes.ts";
import { runTasks } from "../eval/episodes.ts";
import { type EpisodePictures, episodePictures } from "../eval/evalReport.ts";
import { probeDecoder } from "../eval/evaluate.ts";
import { mapViewOf } from "../eval/mapView.ts";
import type { JobContext } from "../jobs/job.ts";

export interface EvalJobSpec {
  runDir: string;
  /** The arm's agent section (the run's config with it is what plans). */
  agent: AgentConfig;
  tasksPath: string;
  /** The task set's sha256 when the comparison was planned: a changed file is an error, not new results. */
  tasksSha256: string;
  /** The tasks of this job, by id. */
  taskIds: string[];
  /** Of these, the ones to draw (decoded plan and subgoals). */
  pictureIds: string[];
  /** The folder `data.cacheDir` is relative to (the picture decoder is fitted on the run's dataset). */
  dataRoot: string;
}

/** An episode's numbers, without its trajectory (the pictures keep theirs). */
export type EpisodeNumbers = Omit<EpisodeRecord, "trajectory" | "firstPlan" | "subgoals" | "start" | "goal">;

export interface EvalJobResult {
  episodes: EpisodeNumbers[];
  pictures: EpisodePictures | null;
}

export async function run(spec: EvalJobSpec, ctx: JobContext): Promise<EvalJobResult> {
  const folder = RunFolder.open(spec.runDir);
  const config = validateConfig(
    fullExperimentSchema,
    { ...folder.validConfig(fullExperimentSchema), agent: spec.agent },
    `${spec.runDir}/config.json with the arm's agent`,
  );
  const sha = createHash("sha256").update(readFileSync(spec.tasksPath)).digest("hex");
  if (sha !== spec.tasksSha256)
    throw new DataError(
      `${spec.tasksPath}: changed since the comparison was planned; run hjepa compare again`,
    );
  const set = loadTaskSet(spec.tasksPath, { envId: config.env.id });
  const index = new Map(set.tasks.map((t, i) => [t.id, i]));
  const indices = spec.taskIds.map((id) => {
    const i = index.get(id);
    if (i === undefined) throw new DataError(`${spec.tasksPath}: has no task "${id}"`);
    return i;
  });
  await initTensors({ backend: config.backend });
  const { model } = await loadWorldModel(spec.runDir);
  const extras = await loadAgentExtras(folder, config);
  try {
    const drawn = new Set(spec.pictureIds);
    const keep = Math.max(0, ...indices.filter((i) => drawn.has(set.tasks[i]?.id ?? "")).map((i) => i + 1));
    let done = 0;
    let successes = 0;
    const records = runTasks(
      config,
      model,
      set,
      indices,
      extras,
      (r) => {
        done += 1;
        if (r.success) successes += 1;
        ctx.progress(done, indices.length, { successes });
      },
      keep,
    );
    const toDraw = records.filter((r) => drawn.has(r.id));
    let pictures: EpisodePictures | null = null;
    if (toDraw.length > 0) {
      // Plans and subgoals are representations: a linear probe fitted on the run's data decodes them.
      const rng = new Rng(config.seed).derive("picture-probe");
      const decoder = await probeDecoder(config, model, spec.dataRoot, rng);
      const { env, core } = makeRunEnv(config);
      pictures = episodePictures(config.env.id, toDraw, mapViewOf(core), toDraw.length, decoder);
      env.close();
    }
    const episodes = records.map(
      ({ trajectory: _t, firstPlan: _p, subgoals: _s, start: _a, goal: _g, ...numbers }) => numbers,
    );
    return { episodes, pictures };
  } finally {
    extras.hazard?.dispose();
    extras.critic?.dispose();
    model.dispose();
  }
}
