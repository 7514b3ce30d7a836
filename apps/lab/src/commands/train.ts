import { existsSync } from "node:fs";
import { InputError, oneLine } from "@hjepa/errors";
import { type ExperimentConfig, findRepoRoot, levelOne, loadConfig, RunFolder } from "@hjepa/experiment";
import type { Diagnostics, formatDiagnostics, trainWorldModel, WorldModelData } from "@hjepa/world-model";
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
    },
    notes: [
      "Give exactly one of --config or --resume. Ctrl-C (or SIGTERM) saves a checkpoint; --resume continues it.",
      "A relative env.kwargs.mapFile in the config is resolved against the current folder.",
    ],
    examples: [
      "hjepa train --config configs/experiments/two-rooms.json",
      "hjepa train --config configs/experiments/two-rooms.json --set train.steps=500 --out runs/quick",
      "hjepa train --resume runs/2026-12-01-two-rooms-1a2b3c4",
    ],
  },
  run: ({ values }) => trainRun(values),
});

async function trainRun(values: {
  config?: string;
  set?: string[];
  out?: string;
  resume?: string;
}): Promise<void> {
  const sets = values.set ?? [];
  if ((values.config === undefined) === (values.resume === undefined))
    throw new InputError(
      "hjepa train: give exactly one of --config FILE or --resume RUN_DIR (see: hjepa train --help)",
    );
  // The schema with the registries' checks (planner names and options): loads the actor, so only here.
  const { fullExperimentSchema } = await import("@hjepa/configurator");
  let config: ExperimentConfig;
  let run: RunFolder | null = null;
  if (values.resume !== undefined) {
    if (sets.length > 0 || values.out !== undefined)
      throw new InputError("hjepa train: --resume takes no --set or --out (the run keeps its config)");
    run = RunFolder.open(userPath(values.resume));
    config = run.validConfig(fullExperimentSchema);
  } else {
    config = resolveMapFile(loadConfig(userPath(values.config as string), fullExperimentSchema, sets));
  }
  const source = values.resume !== undefined ? `${values.resume}/config.json` : (values.config as string);
  checkConfigEnv(source, config.env.id, { ...config.env.kwargs, ...config.data.collectKwargs });
  if (values.out !== undefined && existsSync(userPath(values.out)))
    throw new InputError(`hjepa train: --out ${values.out} already exists; expected a new run folder`);
  if (run?.manifest.status === "finished") {
    // Nothing to continue: the run folder is left exactly as it is.
    console.log(
      `${values.resume}: already finished; nothing to do (hjepa inspect ${values.resume} shows it)`,
    );
    return;
  }

  const { initTensors } = await import("@hjepa/tensor");
  const { Diagnostics, formatDiagnostics, prepareData, trainWorldModel } = await import("@hjepa/world-model");
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
    await trainInto(run, config, data, values.resume !== undefined, controller.signal, {
      Diagnostics,
      formatDiagnostics,
      trainWorldModel,
    });
    printDiagnostics(run);
  } finally {
    stopHandling();
  }
}

/**
 * Trains into `run` and records how it ended in its manifest: finished, interrupted (Ctrl-C or SIGTERM), or
 * failed, also when an error is thrown (its message goes to the notes, then the error is rethrown).
 */
async function trainInto(
  run: RunFolder,
  config: ExperimentConfig,
  data: WorldModelData,
  resume: boolean,
  signal: AbortSignal,
  // Passed in: the module is loaded lazily (it loads TensorFlow.js).
  wm: {
    Diagnostics: typeof Diagnostics;
    formatDiagnostics: typeof formatDiagnostics;
    trainWorldModel: typeof trainWorldModel;
  },
): Promise<void> {
  try {
    const diagnostics = new wm.Diagnostics(data, config.diagnostics, config.seed + 1);
    const bar = new ProgressBar({ label: "train", total: levelOne(config).train.steps, unit: " steps" });
    let lastDiag = "";
    let firstReport = true;
    const result = await wm.trainWorldModel({
      config,
      data,
      run,
      resume,
      signal,
      diagnose: (model, step) => {
        const report = diagnostics.run(model);
        lastDiag = `@${step}: ${wm.formatDiagnostics(report)}`;
        return report as unknown as Record<string, unknown>;
      },
      onProgress: (p) => {
        // The first report of a resumed run comes one step after its checkpoint.
        if (firstReport) bar.startFrom(p.step - 1);
        firstReport = false;
        const l = p.loss;
        bar.update(
          p.step,
          `loss ${fmt(l.total)} pred ${fmt(l.prediction)} var ${fmt(l.variance)} cov ${fmt(l.covariance)}${lastDiag ? ` | ${lastDiag}` : ""}`,
        );
      },
    });
    if (result.status === "finished") bar.finish();
    else if (!firstReport) process.stderr.write("\n");
    if (result.status === "finished" || result.status === "alreadyFinished") {
      // Everything the agent learns from the data is made once, here, and saved in the run for eval to load.
      const { prepareRun } = await import("@hjepa/configurator");
      const prepared = await prepareRun(run, config, result.model, data);
      const { hazard, landmarks } = prepared.parts;
      if (hazard)
        console.log(
          `agent: hazard classifier (training accuracy ${(hazard.accuracy * 100).toFixed(1)}%) saved`,
        );
      if (landmarks) console.log(`agent: ${landmarks.size} landmarks saved`);
    }
    result.model.dispose();
    const status = {
      finished: "finished",
      alreadyFinished: "finished",
      interrupted: "interrupted",
      diverged: "failed",
    } as const;
    run.finish(status[result.status], result.message);
    console.log(result.message);
    if (result.status === "diverged") process.exitCode = 1;
  } catch (e) {
    try {
      run.finish("failed", oneLine(e instanceof Error ? e.message : String(e)));
    } catch {
      // The run folder itself failed (a full disk): the first error is the one to report.
    }
    throw e;
  }
}

function fmt(v: number | undefined): string {
  if (v === undefined) return "-";
  return Math.abs(v) >= 100 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(4);
}

/** A relative `env.kwargs.mapFile` means a file relative to where the user is, like every other user path. */
function resolveMapFile(config: ExperimentConfig): ExperimentConfig {
  const mapFile = config.env.kwargs.mapFile;
  if (typeof mapFile !== "string") return config;
  return { ...config, env: { ...config.env, kwargs: { ...config.env.kwargs, mapFile: userPath(mapFile) } } };
}
