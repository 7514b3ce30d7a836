import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { loadTaskSet } from "@hjepa/envs";
import { RunFolder } from "@hjepa/experiment";
import { initTensors } from "@hjepa/tensor";
import { intFlag, parseFlags, required, userPath } from "../args.ts";
import { InputError } from "../errors.ts";
import { defaultWorkers, drawEpisodes, evaluate, evalWorker, writeResults } from "../eval/evaluate.ts";
import { formatTable } from "../eval/report.ts";
import { ProgressBar } from "../progress.ts";

const USAGE =
  "hjepa eval --run RUN_DIR --tasks TASKS.json [--planner NAME] [--set path=value ...] [--name NAME] [--workers N] [--limit N] [--pictures N]";

/**
 * Evaluates a trained run on a saved task set with the config's agent (step budget, planning budget, planner),
 * writes `RUN_DIR/eval/<name>/results.json` and pictures, and prints success (95% CI), SPL, violations and
 * planning time per distance bin.
 */
export async function evalCommand(argv: string[]): Promise<void> {
  const { values } = parseFlags(
    "eval",
    argv,
    {
      run: { type: "string" },
      tasks: { type: "string" },
      planner: { type: "string" },
      set: { type: "string", multiple: true },
      name: { type: "string" },
      workers: { type: "string" },
      limit: { type: "string" },
      pictures: { type: "string" },
    },
    USAGE,
  );
  const runDir = userPath(required("eval", "run", values.run, "a trained run folder"));
  const tasksPath = userPath(required("eval", "tasks", values.tasks, "a task set from `hjepa tasks`"));
  const overrides = (values.set as unknown as string[] | undefined) ?? [];
  const limit = values.limit === undefined ? undefined : intFlag("eval", "limit", values.limit);
  const pictures = intFlag("eval", "pictures", values.pictures, 3, { min: 0 });
  let run: RunFolder;
  try {
    run = RunFolder.open(runDir);
  } catch (e) {
    throw new InputError(`hjepa eval: --run: ${(e as Error).message}`);
  }
  const req = { runDir, tasksPath, planner: values.planner, overrides, limit };
  const tensors = await initTensors({ backend: run.config<{ backend?: "auto" }>().backend ?? "auto" });
  let outcome: Awaited<ReturnType<typeof evaluate>>;
  let bar: ProgressBar | null = null;
  let done = 0;
  try {
    const tasks = loadTaskSet(tasksPath).tasks.length;
    const total = Math.min(tasks, limit ?? tasks);
    const workers =
      values.workers === undefined ? defaultWorkers(total) : intFlag("eval", "workers", values.workers);
    const planner = values.planner ?? run.config<{ agent?: { planner?: string } }>().agent?.planner ?? "mppi";
    console.log(
      `evaluating ${basename(runDir)} on ${total} tasks with ${planner} (backend ${tensors.backend}, ${workers} worker${workers > 1 ? "s" : ""})`,
    );
    bar = new ProgressBar({ label: "eval", total, unit: " episodes" });
    let successes = 0;
    outcome = await evaluate(req, {
      workers,
      onEpisode: (r) => {
        done += 1;
        if (r.success) successes += 1;
        bar?.update(done, `success ${successes}/${done}`);
      },
    });
  } catch (e) {
    const msg = (e as Error).message;
    if (/tasks are for|task set|--set|config\.json|no checkpoint|ENOENT|unknown planner/i.test(msg))
      throw new InputError(`hjepa eval: ${msg}`);
    throw e;
  }
  bar?.finish();
  const name = values.name ?? `${outcome.config.agent.planner}-${basename(tasksPath).replace(/\.json$/, "")}`;
  const dir = join(runDir, "eval", name);
  mkdirSync(dir, { recursive: true });
  const file = writeResults(dir, outcome, {
    run: runDir,
    tasks: tasksPath,
    backend: tensors.backend,
    createdAt: new Date().toISOString(),
  });
  const pics = await drawEpisodes(outcome, dir, pictures);
  outcome.model.dispose();
  console.log(formatTable(outcome.summaries));
  console.log(`results: ${file}${pics.length ? `; pictures: ${pics.length} in ${dir}` : ""}`);
}

/** Hidden command: a worker process of `hjepa eval`. */
export async function evalWorkerCommand(): Promise<void> {
  await evalWorker();
}
