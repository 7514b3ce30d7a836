import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError } from "@hjepa/errors";
import { intFlag, required, userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";
import { backendLine } from "../output.ts";
import { ProgressBar } from "../progress.ts";

/** An evaluation's name becomes a folder under RUN_DIR/eval: one plain path segment, nothing that climbs out. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Evaluates a trained run on a saved task set with the config's agent (step budget, planning budget, planner),
 * writes `RUN_DIR/eval/<name>/results.json` and pictures, and prints success (95% CI), SPL, violations and
 * planning time per distance bin.
 */
export const command = defineCommand({
  spec: {
    name: "eval",
    summary: "evaluate a trained run's agent on a task set (success, SPL, violations, ms/decision)",
    flags: {
      run: { type: "string", value: "RUN_DIR", required: true, help: "a run folder made by hjepa train" },
      tasks: { type: "string", value: "TASKS.json", required: true, help: "a task set made by hjepa tasks" },
      planner: {
        type: "string",
        value: "NAME",
        default: "the run's agent.planner",
        help: "planner: cem, mppi, gradient, categorical-cem, beam, graph, landmark-graph",
      },
      set: {
        type: "string",
        multiple: true,
        value: "path=value",
        help: "override the run's config for this evaluation, e.g. agent.horizon=32",
      },
      name: {
        type: "string",
        value: "NAME",
        default: "<planner>-<task set>",
        help: "the results folder RUN_DIR/eval/NAME (letters, digits, . _ -)",
      },
      workers: { type: "string", value: "N", default: "one per core, up to 4", help: "worker processes" },
      limit: { type: "string", value: "N", help: "evaluate only the first N tasks" },
      world: {
        type: "string",
        value: "KIND",
        default: "learned",
        help: "learned (the run's world model) or true-dynamics (the env's exact simulator: an upper bound)",
      },
      pictures: {
        type: "string",
        value: "N",
        default: "3",
        help: "episodes to draw on the map (SVG, in index.html with the summary and plots)",
      },
    },
    notes: [
      "Ctrl-C stops the evaluation and its workers within seconds; nothing is written for a stopped one.",
    ],
    examples: [
      "hjepa eval --run runs/two-rooms --tasks configs/tasks/two-rooms.json",
      "hjepa eval --run runs/two-rooms --tasks configs/tasks/two-rooms.json --planner cem --set agent.budget=4096",
    ],
  },
  run: ({ values }) => evalRun(values),
});

async function evalRun(values: {
  run?: string;
  tasks?: string;
  planner?: string;
  set?: string[];
  name?: string;
  workers?: string;
  limit?: string;
  pictures?: string;
  world?: string;
}): Promise<void> {
  const runDir = userPath(required("run", values.run, "a trained run folder"));
  const tasksPath = userPath(required("tasks", values.tasks, "a task set from `hjepa tasks`"));
  const limit = values.limit === undefined ? undefined : intFlag("limit", values.limit);
  const pictures = intFlag("pictures", values.pictures, 3, { min: 0 });
  const workersFlag =
    values.workers === undefined ? undefined : intFlag("workers", values.workers, 1, { max: 64 });
  if (values.name !== undefined && !NAME.test(values.name))
    throw new InputError(
      `--name must be a plain folder name of letters, digits, . _ - (got "${values.name}")`,
    );
  const world = values.world ?? "learned";
  if (world !== "learned" && world !== "true-dynamics")
    throw new InputError(`--world must be learned or true-dynamics (got "${world}")`);
  const kind: "learned" | "true-dynamics" = world;
  const req = {
    runDir,
    tasksPath,
    planner: values.planner,
    overrides: values.set ?? [],
    limit,
    pictures,
    world: kind,
  };

  // Everything the user gave is checked before anything is announced, loaded or written.
  const { checkEval, defaultWorkers, drawEpisodes, evaluate, stopWorkers, writeResults } = await import(
    "../eval/evaluate.ts"
  );
  const checked = checkEval(req);
  const total = Math.min(checked.set.tasks.length, limit ?? checked.set.tasks.length);
  const workers = workersFlag ?? defaultWorkers(total);
  const name = values.name ?? `${checked.config.agent.planner}-${basename(tasksPath).replace(/\.json$/, "")}`;

  const { initTensors } = await import("@hjepa/tensor");
  const tensors = await initTensors({ backend: checked.config.backend });
  console.log(
    `evaluating ${basename(runDir)} on ${total} tasks with ${checked.config.agent.planner} (${backendLine(tensors)}, ${workers} worker${workers > 1 ? "s" : ""})`,
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
    let successes = 0;
    const outcome = await evaluate(req, {
      workers,
      onEpisode: (r) => {
        done += 1;
        if (r.success) successes += 1;
        bar.update(done, `success ${successes}/${done}`);
      },
    });
    bar.finish();
    const dir = join(runDir, "eval", name);
    mkdirSync(dir, { recursive: true });
    const file = writeResults(dir, outcome, {
      run: runDir,
      tasks: tasksPath,
      world,
      backend: tensors.backend,
      createdAt: new Date().toISOString(),
    });
    const pics = await drawEpisodes(outcome, dir, pictures);
    outcome.model.dispose();
    const { formatTable } = await import("../eval/report.ts");
    console.log(formatTable(outcome.summaries));
    console.log(`results: ${file}; report: ${pics.at(-1)}`);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
