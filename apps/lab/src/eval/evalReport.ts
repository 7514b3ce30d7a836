import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { isPlanningEnv, loadTaskSet } from "@hjepa/envs";
import { InputError, oneLine, onFileSystem } from "@hjepa/errors";
import { issueLines, RunFolder, writeJsonAtomic } from "@hjepa/experiment";
import {
  fileSlug,
  type Point,
  type ReportPlot,
  renderIndexHtml,
  renderSplByBin,
  renderSuccessByBin,
  renderTrajectory,
  type SubgoalSeries,
  writeReportFiles,
} from "@hjepa/report";
import { make } from "gymnasium-js";
import { z } from "zod";
import type { EpisodeRecord } from "./episodes.ts";
import { type MapView, mapViewOf } from "./mapView.ts";
import { type BinSummary, summaryTable } from "./report.ts";

/** The evaluation's results, as `writeResults` writes them. */
export const RESULTS_FILE = "results.json";
/** What the episode pictures draw, in map units (`EpisodePictures`), beside results.json. */
export const PICTURES_FILE = "trajectories.json";

const point = z.tuple([z.number(), z.number()]);

/** The episode pictures of an evaluation, in map units: what `hjepa report` redraws them from. */
const picturesSchema = z.object({
  version: z.literal(1),
  env: z.string(),
  map: z.object({
    rows: z.number().int().positive(),
    cols: z.number().int().positive(),
    cells: z.array(z.number().int().min(0).max(4)),
    unit: z.string().optional(),
  }),
  goalRadius: z.number().nonnegative(),
  goalLabel: z.string().optional(),
  /** How plans and subgoals were decoded to positions, for the caption. */
  decoder: z.string().nullable(),
  episodes: z.array(
    z.object({
      id: z.string(),
      start: point,
      goal: point,
      path: z.array(point),
      plan: z.array(point).nullable(),
      subgoals: z.array(z.object({ level: z.number().int().nonnegative(), points: z.array(point) })),
    }),
  ),
});
export type EpisodePictures = z.infer<typeof picturesSchema>;

/** The parts of results.json the report reads (older files lack the optional ones). */
const resultsSchema = z.looseObject({
  run: z.string().optional(),
  tasks: z.string().optional(),
  backend: z.string().optional(),
  createdAt: z.string().optional(),
  envId: z.string().nullable(),
  agent: z.looseObject({ planner: z.string(), levels: z.array(z.unknown()).optional() }),
  summaries: z.array(
    z.looseObject({
      bin: z.string(),
      episodes: z.number(),
      successes: z.number(),
      ci95: z.tuple([z.number(), z.number()]),
      spl: z.number(),
    }),
  ),
  episodes: z.array(
    z.looseObject({
      id: z.string(),
      bin: z.string(),
      success: z.boolean(),
      steps: z.number(),
      optimal: z.number(),
      pathLength: z.number(),
      trajectory: z.array(z.array(z.number())),
    }),
  ),
});
export interface EvalResults {
  run?: string;
  tasks?: string;
  backend?: string;
  createdAt?: string;
  envId: string | null;
  agent: { planner: string; levels?: unknown[] };
  summaries: BinSummary[];
  episodes: EpisodeRecord[];
}

function readJson<S extends z.ZodType>(file: string, schema: S, what: string): z.output<S> {
  const text = onFileSystem(file, `read the ${what}`, () => readFileSync(file, "utf8"));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${oneLine((e as Error).message)}); expected the ${what}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new InputError(issueLines(r.error, raw, file).join("\n"));
  return r.data;
}

/**
 * An evaluation folder's results.json and, when eval drew pictures, its trajectories.json. A missing folder or
 * file, bad JSON, or JSON that is not an evaluation's is an `InputError` naming the file.
 */
export function readEvalFolder(dir: string): { results: EvalResults; pictures: EpisodePictures | null } {
  if (!existsSync(dir)) throw new InputError(`${dir}: no such folder (expected an evaluation folder)`);
  const file = join(dir, RESULTS_FILE);
  if (!existsSync(file)) {
    throw new InputError(`${file}: no such file (expected an evaluation folder made by hjepa eval)`);
  }
  const results = readJson(file, resultsSchema, "evaluation results") as unknown as EvalResults;
  const picturesFile = join(dir, PICTURES_FILE);
  const pictures = existsSync(picturesFile)
    ? readJson(picturesFile, picturesSchema, "episode pictures")
    : null;
  return { results, pictures };
}

/**
 * The pictures of the first `count` episodes in map units: path, start and goal through `view`, and, with
 * `decode` (representations [n, d] -> true states), the first plan and each level's subgoals.
 */
export function episodePictures(
  env: string,
  records: readonly EpisodeRecord[],
  view: MapView,
  count: number,
  decoder: { name: string; dim: number; decode(rows: readonly number[], n: number): number[][] } | null,
): EpisodePictures {
  const decode = (flat: readonly number[] | null | undefined, dim: number): Point[] | null => {
    if (!decoder || !flat || flat.length === 0 || dim !== decoder.dim) return null;
    return decoder.decode(flat, flat.length / dim).map((s) => view.toMap(s));
  };
  const episodes = records.slice(0, count).flatMap((r) => {
    const start = r.start ?? r.trajectory[0];
    if (!start || !r.goal) return [];
    const byLevel = new Map<number, Point[]>();
    for (const g of r.subgoals ?? []) {
      const [p] = decode(g.representation, g.representation.length) ?? [];
      if (p) byLevel.set(g.from, [...(byLevel.get(g.from) ?? []), p]);
    }
    return [
      {
        id: r.id,
        start: view.toMap(start) as [number, number],
        goal: view.toMap(r.goal) as [number, number],
        path: r.trajectory.map((s) => view.toMap(s) as [number, number]),
        plan: (decode(r.firstPlan, decoder?.dim ?? 0) as [number, number][] | null) ?? null,
        subgoals: [...byLevel.entries()]
          .sort(([a], [b]) => b - a)
          .map(([level, points]) => ({ level, points: points as [number, number][] })),
      },
    ];
  });
  return {
    version: 1,
    env,
    map: { ...view.map, cells: Array.from(view.map.cells) },
    goalRadius: view.goalRadius,
    ...(view.goalLabel ? { goalLabel: view.goalLabel } : {}),
    decoder: decoder?.name ?? null,
    episodes,
  };
}

/** Saves the episode pictures beside results.json (atomically), for `hjepa report` to redraw. */
export function writeEpisodePictures(dir: string, pictures: EpisodePictures): string {
  const file = join(dir, PICTURES_FILE);
  writeJsonAtomic(file, pictures, "write the episode pictures");
  return file;
}

/** "mppi, 2 levels": the planner and the number of levels the agent planned with. */
function agentText(agent: EvalResults["agent"]): string {
  const levels = 1 + (agent.levels?.length ?? 0);
  return `${agent.planner}, ${levels} level${levels > 1 ? "s" : ""}`;
}

/**
 * Renders an evaluation folder's report from its results.json (and `pictures`, or its trajectories.json):
 * success and SPL by distance bin, each pictured episode on the map (SVG), and index.html with the summary
 * table and every plot inline. Returns the files written (index.html last) and notes on what was left out.
 */
export async function writeEvalReport(
  dir: string,
  opts: { pictures?: EpisodePictures | null } = {},
): Promise<{ index: string; files: string[]; notes: string[] }> {
  const { results, pictures: saved } = readEvalFolder(dir);
  const pictures = opts.pictures ?? saved;
  const arm = basename(resolve(dir));
  const env = results.envId ?? "env";
  const notes: string[] = [];
  const bins = results.summaries.filter((s) => s.bin !== "all");
  const plots: (ReportPlot & { name: string })[] = [];
  if (bins.length > 0) {
    plots.push({
      name: "success-by-bin.svg",
      title: "Success by distance bin",
      svg: await renderSuccessByBin({
        title: `Success by distance bin: ${arm} on ${env}`,
        rows: bins.map((s) => ({ ...s, arm })),
      }),
    });
    plots.push({
      name: "spl-by-bin.svg",
      title: "SPL by distance bin",
      svg: await renderSplByBin({
        title: `SPL by distance bin: ${arm} on ${env}`,
        rows: bins.map((s) => ({ arm, bin: s.bin, spl: s.spl, episodes: s.episodes })),
      }),
    });
  }
  const episodes: (ReportPlot & { name: string })[] = [];
  const byId = new Map(results.episodes.map((r) => [r.id, r]));
  const unit = pictures?.map.unit ?? "cells";
  for (const p of pictures?.episodes ?? []) {
    const r = byId.get(p.id);
    if (!r) {
      notes.push(`${PICTURES_FILE}: episode ${p.id} is not in ${RESULTS_FILE}; not drawn`);
      continue;
    }
    episodes.push({
      name: `episode-${fileSlug(r.id)}${r.success ? "" : "-failed"}.svg`,
      title: `${r.id}: ${r.success ? "reached" : "failed"}`,
      svg: await renderTrajectory({
        env,
        taskId: r.id,
        arm,
        success: r.success,
        steps: r.steps,
        map: (pictures as EpisodePictures).map,
        start: p.start,
        goal: p.goal,
        goalRadius: (pictures as EpisodePictures).goalRadius,
        goalLabel: (pictures as EpisodePictures).goalLabel,
        path: p.path,
        plan: p.plan,
        subgoals: p.subgoals as SubgoalSeries[],
        subtitle: `bin ${r.bin}; shortest path ${r.optimal.toFixed(1)} ${unit}, path taken ${r.pathLength.toFixed(1)}; ${agentText(results.agent)}`,
      }),
    });
  }
  if (pictures === null) notes.push(`no ${PICTURES_FILE} in ${dir}: no episode pictures`);
  const meta: [string, string][] = [
    ["env", env],
    ["agent", agentText(results.agent)],
    ...(results.run ? ([["run", results.run]] as [string, string][]) : []),
    ...(results.tasks ? ([["tasks", results.tasks]] as [string, string][]) : []),
    ["episodes", String(results.episodes.length)],
    ...(results.backend ? ([["backend", results.backend]] as [string, string][]) : []),
    ...(results.createdAt ? ([["created", results.createdAt]] as [string, string][]) : []),
  ];
  const html = renderIndexHtml({
    title: `Evaluation ${arm}`,
    meta,
    sections: [
      {
        heading: "Success, SPL and planning time by distance bin",
        table: summaryTable(results.summaries),
        plots: plots.map((p) => ({ ...p, file: p.name })),
      },
      ...(episodes.length > 0
        ? [
            {
              heading: "Episodes",
              text: [
                `The first ${episodes.length} episodes on the map.` +
                  (pictures?.decoder
                    ? ` Plans and subgoals are decoded to positions by ${pictures.decoder}.`
                    : ""),
              ],
              plots: episodes.map((p) => ({ ...p, file: p.name })),
            },
          ]
        : []),
    ],
  });
  const written = writeReportFiles(dir, [...plots, ...episodes], html);
  return { ...written, notes };
}

/** The run folder an evaluation folder belongs to: results.json's `run`, else the folder two levels up. */
export function runFolderOf(dir: string, results: EvalResults): string | null {
  for (const candidate of [results.run, dirname(dirname(resolve(dir)))]) {
    if (candidate && existsSync(join(candidate, "config.json"))) return candidate;
  }
  return null;
}

/**
 * `hjepa report DIR`: re-renders an evaluation folder's report from its JSON. Without trajectories.json (an
 * evaluation from before it was written) the first `count` episodes are drawn on the map of the run's env
 * (from the run's config.json), without decoded plans, with start and goal from results.json or its task set.
 */
export async function renderEvalFolder(
  dir: string,
  count: number,
): Promise<{ index: string; files: string[]; notes: string[] }> {
  const { results, pictures } = readEvalFolder(dir);
  if (pictures !== null || count === 0) return writeEvalReport(dir);
  const runDir = runFolderOf(dir, results);
  if (runDir === null) {
    const out = await writeEvalReport(dir);
    return {
      ...out,
      notes: [...out.notes, `no run folder with config.json found for ${dir}: no map to draw on`],
    };
  }
  const config = RunFolder.open(runDir).config<{ env: { id: string; kwargs?: Record<string, unknown> } }>();
  const env = make(config.env.id, { kwargs: config.env.kwargs ?? {} });
  const core = env.unwrapped;
  if (!isPlanningEnv(core))
    throw new InputError(`${runDir}/config.json: env.id "${config.env.id}" has no map`);
  // Older results.json files have no start and goal per episode: the task set has them.
  const tasks =
    results.tasks && existsSync(results.tasks) && results.episodes.some((r) => !r.goal)
      ? new Map(loadTaskSet(results.tasks).tasks.map((t) => [t.id, t]))
      : null;
  const records = results.episodes.map((r) => ({
    ...r,
    start: r.start ?? tasks?.get(r.id)?.start,
    goal: r.goal ?? tasks?.get(r.id)?.goal,
  }));
  const drawn = episodePictures(results.envId ?? config.env.id, records, mapViewOf(core), count, null);
  env.close();
  const out = await writeEvalReport(dir, { pictures: drawn });
  const missing = Math.min(count, records.length) - drawn.episodes.length;
  const notes = [
    ...out.notes,
    `no ${PICTURES_FILE}: episodes drawn on the run's map, without plans or subgoals`,
  ];
  if (missing > 0)
    notes.push(`${missing} episode(s) not drawn: their goal is neither in results.json nor in a task set`);
  return { ...out, notes };
}
