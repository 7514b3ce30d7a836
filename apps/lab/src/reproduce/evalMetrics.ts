import { existsSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "@hjepa/errors";
import { contentHash } from "../jobs/job.ts";
import { MetricSet } from "./metricSet.ts";
import { readJsonFile } from "./runMetrics.ts";

/** What `hjepa eval` writes to results.json (the fields reproduce reads). */
export interface EvalResultsFile {
  run?: string;
  tasks: string;
  /** What the agent planned with: "learned" (the run's model, the default) or "true-dynamics". */
  world?: "learned" | "true-dynamics";
  backend?: string;
  createdAt?: string;
  agent: unknown;
  envId?: string;
  taskSeed?: number;
  summaries: ({ bin: string } & Record<string, unknown>)[];
  episodes: ({ id: string } & Record<string, unknown>)[];
}

export function readEvalResults(dir: string): EvalResultsFile {
  const file = join(dir, "results.json");
  const raw = readJsonFile(file, "hjepa eval's results") as Partial<EvalResultsFile>;
  if (
    typeof raw !== "object" ||
    raw === null ||
    typeof raw.tasks !== "string" ||
    !Array.isArray(raw.summaries) ||
    !Array.isArray(raw.episodes)
  )
    throw new DataError(`${file}: not hjepa eval's results (expected tasks, summaries and episodes)`);
  return raw as EvalResultsFile;
}

/**
 * An evaluation's results: the agent settings it ran with (as one sha256 of the section), every bin's summary
 * (success, its interval, SPL, violations, calls per decision, steps), and every episode's numbers, trajectory,
 * first plan and subgoals (one line per quantity over the episodes), and the episode pictures' data
 * (trajectories.json). ms per decision and planning ms go beside.
 */
export function evalMetrics(dir: string): MetricSet {
  const results = readEvalResults(dir);
  const set = new MetricSet();
  set.add("agent settings (sha256 of the agent section)", contentHash(results.agent));
  set.add("env", results.envId ?? null);
  set.add("world", results.world ?? "learned");
  set.add("task set seed", results.taskSeed ?? null);
  set.add("createdAt", results.createdAt ?? null, "timing");
  for (const { bin, ...summary } of results.summaries) set.addJson(`summary ${bin}`, summary);
  for (const { id, ...episode } of results.episodes) set.addJson(`episode ${id}`, episode, "episodes");
  const pictures = join(dir, "trajectories.json");
  if (existsSync(pictures))
    set.addJson(
      "trajectories.json",
      readJsonFile(pictures, "the episode pictures' data"),
      "trajectories.json",
    );
  return set;
}
