/**
 * Running a training run or an evaluation again, as `hjepa train` and `hjepa eval` did, from what its folder
 * saved: a run from its resolved config.json; an evaluation on the same run and task set with the agent section
 * results.json recorded, the same number of tasks and of pictures. Loaded lazily: it loads TensorFlow.js.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "@hjepa/errors";
import { findRepoRoot, RunFolder } from "@hjepa/experiment";
import { handleInterrupts } from "../interrupt.ts";
import { backendLine } from "../output.ts";
import { ProgressBar } from "../progress.ts";
import { readEvalResults } from "./evalMetrics.ts";
import { evalRunDir } from "./target.ts";

/** How a re-run ended: its folder and the backend it ran on; `interrupted` when Ctrl-C stopped it. */
export interface Rerun {
  dir: string;
  backend: string;
  interrupted: boolean;
}

/**
 * Trains `originalDir`'s resolved config into a new run folder `out` (the same dataset, collected again only
 * when its cache is missing). A run made with `--add-level` is trained whole, every level from scratch.
 */
export async function retrainRun(originalDir: string, out: string): Promise<Rerun> {
  const { fullExperimentSchema } = await import("@hjepa/configurator");
  const original = RunFolder.open(originalDir);
  const config = original.validConfig(fullExperimentSchema);
  if (existsSync(join(originalDir, "parent.json")))
    console.log("note: made with --add-level; every level is trained here, from scratch");
  const { initTensors } = await import("@hjepa/tensor");
  const { prepareData } = await import("@hjepa/runs");
  const tensors = await initTensors({ backend: config.backend });
  console.log(backendLine(tensors));
  const controller = new AbortController();
  const stop = handleInterrupts({
    stopping: () => "stopping the reproduction (the new run folder keeps its last checkpoint)",
    onStop: () => controller.abort(),
  });
  try {
    const root = findRepoRoot(process.env.INIT_CWD ?? process.cwd());
    const { CollectionInterrupted } = await import("@hjepa/envs/data");
    let prepared: Awaited<ReturnType<typeof prepareData>>;
    try {
      prepared = await prepareData(config, { root, signal: controller.signal });
    } catch (e) {
      if (!(e instanceof CollectionInterrupted)) throw e;
      process.stderr.write(`\nhjepa reproduce: ${e.message}; nothing was trained\n`);
      return { dir: out, backend: tensors.backend, interrupted: true };
    }
    const { data, path, collected } = prepared;
    console.log(`dataset: ${path}${collected ? " (collected now)" : " (cached)"}`);
    const run = RunFolder.create({
      name: config.name,
      config,
      out,
      backend: tensors.backend,
      seeds: { train: config.seed, data: config.data.seed },
    });
    run.updateManifest({ notes: [`hjepa reproduce of ${originalDir}`] });
    console.log(`run: ${run.dir}`);
    const { trainRun } = await import("../train/trainRun.ts");
    await trainRun(run, config, data, false, controller.signal);
  } finally {
    stop();
  }
  return { dir: out, backend: tensors.backend, interrupted: controller.signal.aborted };
}

/** The pictures an evaluation drew: its episodes that kept subgoals, else the episodes of trajectories.json. */
function picturesOf(dir: string, episodes: readonly Record<string, unknown>[]): number {
  const kept = episodes.filter((e) => "subgoals" in e).length;
  if (kept > 0) return kept;
  return readdirSync(dir).filter((f) => /^episode-.*\.svg$/.test(f)).length;
}

/**
 * Evaluates again what `evalDir` evaluated, into `out`: its run, its task set, the agent section results.json
 * recorded (the run's config with `--set agent=...`: overrides outside `agent` are not recorded), its first N
 * tasks and pictures. Episodes are seeded by task index, so the worker count does not change them.
 */
export async function reEvaluate(evalDir: string, out: string, workers?: number): Promise<Rerun> {
  const results = readEvalResults(evalDir);
  const runDir = evalRunDir(evalDir, results.run);
  if (!existsSync(results.tasks))
    throw new InputError(`${evalDir}/results.json: its task set ${results.tasks} is not here`);
  const { checkEval, defaultWorkers, drawEpisodes, evaluate, stopWorkers, writeResults } = await import(
    "../eval/evaluate.ts"
  );
  const pictures = picturesOf(evalDir, results.episodes);
  // `world` (learned or true-dynamics) is in results.json since evaluations could plan with the env's dynamics.
  const req = {
    runDir,
    tasksPath: results.tasks,
    overrides: [`agent=${JSON.stringify(results.agent)}`],
    limit: results.episodes.length,
    pictures,
    ...(results.world === undefined ? {} : { world: results.world }),
  };
  const checked = checkEval(req);
  const total = Math.min(checked.set.tasks.length, results.episodes.length);
  const n = workers ?? defaultWorkers(total);
  const { initTensors } = await import("@hjepa/tensor");
  const tensors = await initTensors({ backend: checked.config.backend });
  console.log(
    `evaluating ${runDir} on ${total} tasks (${backendLine(tensors)}, ${n} worker${n > 1 ? "s" : ""})`,
  );
  const onSignal = () => {
    process.stderr.write("\ninterrupted: stopping the evaluation (nothing is written)\n");
    stopWorkers();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const bar = new ProgressBar({ label: "eval", total, unit: " episodes" });
    let done = 0;
    const outcome = await evaluate(req, { workers: n, onEpisode: () => bar.update(++done) });
    bar.finish();
    mkdirSync(out, { recursive: true });
    writeResults(out, outcome, {
      run: runDir,
      tasks: results.tasks,
      ...(results.world === undefined ? {} : { world: results.world }),
      backend: tensors.backend,
      createdAt: new Date().toISOString(),
    });
    await drawEpisodes(outcome, out, pictures);
    outcome.model.dispose();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return { dir: out, backend: tensors.backend, interrupted: false };
}
