import { existsSync } from "node:fs";
import { InputError } from "@hjepa/errors";
import {
  applyOverrides,
  type ExperimentConfig,
  findRepoRoot,
  loadConfig,
  RunFolder,
  validateConfig,
} from "@hjepa/experiment";
import { userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";
import { checkConfigEnv } from "../envFlags.ts";
import { handleInterrupts } from "../interrupt.ts";
import { backendLine } from "../output.ts";
import { ProgressBar } from "../progress.ts";
import { printDiagnostics } from "./inspect.ts";

/**
 * Trains a world model from an experiment config into a run folder, with a progress bar; Ctrl-C saves a
 * checkpoint and exits cleanly; `--resume RUN_DIR` continues the run to the same result as an uninterrupted one.
 */
export const command = defineCommand({
  spec: {
    name: "train",
    summary: "train a world model from an experiment config (or --resume a run)",
    flags: {
      config: { type: "string", value: "FILE", help: "an experiment config (configs/experiments/*.json)" },
      set: {
        type: "string",
        multiple: true,
        value: "path=value",
        help: "override a config field, e.g. train.steps=2000 or model.encoder.dim=32",
      },
      out: {
        type: "string",
        value: "DIR",
        default: "runs/<date>-<name>-<hash>",
        help: "the run folder to create",
      },
      resume: {
        type: "string",
        value: "RUN_DIR",
        help: "continue an interrupted run (same result as uninterrupted)",
      },
      "add-level": {
        type: "boolean",
        help: "with --from RUN: a new run that trains only the levels added to RUN's config (RUN is not changed)",
      },
      from: { type: "string", value: "RUN_DIR", help: "the finished run that --add-level builds on" },
    },
    notes: [
      "Give --config, --resume, or --add-level --from RUN. Ctrl-C (or SIGTERM) saves a checkpoint; --resume continues it.",
      "--add-level takes RUN's config (or --config FILE, which must equal it but for name, description, agent and the",
      "added world.levels) with --set, links RUN's checkpoints into the new run folder with their checksums, and trains",
      "only the new levels.",
      "A relative env.kwargs.mapFile in the config is resolved against the current folder.",
    ],
    examples: [
      "hjepa train --config configs/experiments/two-rooms.json",
      "hjepa train --config configs/experiments/two-rooms.json --set train.steps=500 --out runs/quick",
      "hjepa train --resume runs/2026-12-01-two-rooms-1a2b3c4",
      `hjepa train --add-level --from runs/two-rooms --set 'world.levels[1]={"stride":4,"train":{"steps":2000}}'`,
    ],
  },
  run: ({ values }) => trainRun(values),
});

async function trainRun(values: {
  config?: string;
  set?: string[];
  out?: string;
  resume?: string;
  "add-level"?: boolean;
  from?: string;
}): Promise<void> {
  const sets = values.set ?? [];
  const addLevel = values["add-level"] === true;
  if (addLevel !== (values.from !== undefined))
    throw new InputError("--add-level and --from RUN_DIR go together (see: hjepa train --help)");
  if (!addLevel && (values.config === undefined) === (values.resume === undefined))
    throw new InputError(
      "give exactly one of --config FILE or --resume RUN_DIR, or --add-level --from RUN_DIR (see: hjepa train --help)",
    );
  if (addLevel && values.resume !== undefined)
    throw new InputError("--add-level makes a new run; it takes no --resume");
  // The schema with the registries' checks (planner names and options): loads the actor, so only here.
  const { fullExperimentSchema } = await import("@hjepa/configurator");
  let config: ExperimentConfig;
  let run: RunFolder | null = null;
  let parent: { run: RunFolder; levels: number } | null = null;
  if (addLevel) {
    const parentRun = RunFolder.open(userPath(values.from as string));
    const parentConfig = parentRun.validConfig(fullExperimentSchema);
    const { checkAddLevel } = await import("../train/addLevel.ts");
    config =
      values.config !== undefined
        ? resolveMapFile(loadConfig(userPath(values.config), fullExperimentSchema, sets))
        : validateConfig(
            fullExperimentSchema,
            applyOverrides(parentConfig, sets),
            `${values.from}/config.json with --set`,
          );
    checkAddLevel(parentRun, parentConfig, config);
    parent = { run: parentRun, levels: parentConfig.world.levels.length };
  } else if (values.resume !== undefined) {
    if (sets.length > 0 || values.out !== undefined)
      throw new InputError("--resume takes no --set or --out (the run keeps its config)");
    run = RunFolder.open(userPath(values.resume));
    config = run.validConfig(fullExperimentSchema);
  } else {
    config = resolveMapFile(loadConfig(userPath(values.config as string), fullExperimentSchema, sets));
  }
  const source =
    values.resume !== undefined
      ? `${values.resume}/config.json`
      : (values.config ?? `${values.from}/config.json`);
  checkConfigEnv(source, config.env.id, { ...config.env.kwargs, ...config.data.collectKwargs });
  if (values.out !== undefined && existsSync(userPath(values.out)))
    throw new InputError(`--out ${values.out} already exists; expected a new run folder`);
  if (run?.manifest.status === "finished") {
    // Nothing to continue: the run folder is left exactly as it is.
    console.log(
      `${values.resume}: already finished; nothing to do (hjepa inspect ${values.resume} shows it)`,
    );
    return;
  }

  const { initTensors } = await import("@hjepa/tensor");
  const { prepareData } = await import("@hjepa/runs");
  const { CollectionInterrupted } = await import("@hjepa/envs/data");
  const root = findRepoRoot(process.env.INIT_CWD ?? process.cwd());
  const tensors = await initTensors({ backend: config.backend });
  console.log(backendLine(tensors));

  const controller = new AbortController();
  let stage: "collect" | "train" = "collect";
  const stopHandling = handleInterrupts({
    stopping: () =>
      stage === "collect"
        ? "stopping the collection (a partial dataset is not kept; the next run collects it again)"
        : "saving a checkpoint and stopping (--resume continues it)",
    onStop: () => controller.abort(),
    onQuit: () => {
      if (run?.manifest.status === "running")
        run.finish(
          "interrupted",
          "quit at once by a second interrupt; --resume continues from the last checkpoint",
        );
    },
  });
  try {
    let collectBar: ProgressBar | null = null;
    let prepared: Awaited<ReturnType<typeof prepareData>>;
    try {
      prepared = await prepareData(config, {
        root,
        signal: controller.signal,
        onCollectProgress: (done, total) => {
          collectBar ??= new ProgressBar({ label: "collect", total, unit: " steps" });
          collectBar.update(done);
        },
      });
    } catch (e) {
      if (!(e instanceof CollectionInterrupted)) throw e;
      process.stderr.write(
        `\nhjepa train: ${e.message}; run the same command again to collect the dataset\n`,
      );
      process.exitCode = 130;
      return;
    }
    const { data, path, collected, replaced } = prepared;
    (collectBar as ProgressBar | null)?.finish();
    if (replaced !== null)
      console.log(`dataset: the cached ${path} was not used (${replaced}); collected it again`);
    console.log(
      `dataset: ${path}${collected ? " (collected now)" : ""} — ${data.dataset.numEpisodes} episodes, ${data.dataset.numFrames} frames`,
    );

    stage = "train";
    if (run === null) {
      run = RunFolder.create({
        name: config.name,
        config,
        root: userPath("runs"),
        out: values.out === undefined ? undefined : userPath(values.out),
        backend: tensors.backend,
        seeds: { train: config.seed, data: config.data.seed },
      });
    } else run.updateManifest({ status: "running", endedAt: null });
    console.log(`run: ${run.dir}`);
    const { adoptParent, checkParent } = await import("../train/addLevel.ts");
    if (parent !== null) {
      const record = adoptParent(parent.run, parent.levels, run);
      console.log(
        `levels 1-${record.levels}: taken from ${parent.run.dir} (${Object.keys(record.files).length} files, checksums in parent.json)`,
      );
    }
    checkParent(run);
    const { trainRun } = await import("../train/trainRun.ts");
    // A child run continues from its parent's checkpoints, so it resumes as an interrupted run would.
    await trainRun(run, config, data, values.resume !== undefined || parent !== null, controller.signal);
    printDiagnostics(run);
  } finally {
    stopHandling();
  }
}

/** A relative `env.kwargs.mapFile` means a file relative to where the user is, like every other user path. */
function resolveMapFile(config: ExperimentConfig): ExperimentConfig {
  const mapFile = config.env.kwargs.mapFile;
  if (typeof mapFile !== "string") return config;
  return { ...config, env: { ...config.env, kwargs: { ...config.env.kwargs, mapFile: userPath(mapFile) } } };
}
