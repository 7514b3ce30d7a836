import {
  ConfigError,
  type ExperimentConfig,
  experimentSchema,
  findRepoRoot,
  loadConfig,
  RunFolder,
  validateConfig,
} from "@hjepa/experiment";
import { initTensors } from "@hjepa/tensor";
import { Diagnostics, formatDiagnostics, prepareData, trainWorldModel } from "@hjepa/world-model";
import { parseFlags, userPath } from "../args.ts";
import { InputError } from "../errors.ts";
import { ProgressBar } from "../progress.ts";
import { printDiagnostics } from "./inspect.ts";

const USAGE = "hjepa train --config FILE [--set path=value ...] [--out DIR] | hjepa train --resume RUN_DIR";

/**
 * Trains a world model from an experiment config into a run folder, with a progress bar; Ctrl-C saves a
 * checkpoint and exits cleanly; `--resume RUN_DIR` continues the run to the same result as an uninterrupted one.
 */
export async function trainCommand(argv: string[]): Promise<void> {
  const { values } = parseFlags(
    "train",
    argv,
    {
      config: { type: "string" },
      set: { type: "string", multiple: true },
      out: { type: "string" },
      resume: { type: "string" },
    },
    USAGE,
  );
  const sets = (values.set as unknown as string[] | undefined) ?? [];
  if ((values.config === undefined) === (values.resume === undefined)) {
    throw new InputError(
      `hjepa train: give exactly one of --config FILE or --resume RUN_DIR (usage: ${USAGE})`,
    );
  }
  let config: ExperimentConfig;
  let run: RunFolder | null = null;
  try {
    if (values.resume !== undefined) {
      if (sets.length > 0 || values.out !== undefined)
        throw new InputError("hjepa train: --resume takes no --set or --out (the run keeps its config)");
      run = RunFolder.open(userPath(values.resume));
      config = validateConfig(experimentSchema, run.config(), `${values.resume}/config.json`);
    } else {
      config = loadConfig(userPath(values.config as string), experimentSchema, sets);
    }
  } catch (e) {
    if (
      e instanceof ConfigError ||
      e instanceof InputError ||
      /not a run folder|--set/.test((e as Error).message)
    ) {
      throw new InputError(e instanceof InputError ? e.message : `hjepa train: ${(e as Error).message}`);
    }
    throw e;
  }

  const root = findRepoRoot(process.env.INIT_CWD ?? process.cwd());
  const tensors = await initTensors({ backend: config.backend });
  console.log(`backend: ${tensors.backend} (${tensors.reason})`);

  const controller = new AbortController();
  let firstInterrupt = 0;
  const onSigint = () => {
    // A terminal's Ctrl-C reaches both tsx and node, and tsx relays it: one keypress can arrive twice.
    const now = Date.now();
    if (firstInterrupt > 0) {
      if (now - firstInterrupt > 1000) process.exit(130);
      return;
    }
    firstInterrupt = now;
    process.stderr.write(
      "\ninterrupted: saving a checkpoint and stopping (Ctrl-C again to quit at once)...\n",
    );
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  try {
    let collectBar: ProgressBar | null = null;
    const { data, path, collected } = await prepareData(config, {
      root,
      signal: controller.signal,
      onCollectProgress: (done, total) => {
        collectBar ??= new ProgressBar({ label: "collect", total, unit: " steps" });
        collectBar.update(done);
      },
    });
    (collectBar as ProgressBar | null)?.finish();
    console.log(
      `dataset: ${path}${collected ? " (collected now)" : ""} — ${data.dataset.numEpisodes} episodes, ${data.dataset.numFrames} frames`,
    );

    run ??= RunFolder.create({
      name: config.name,
      config,
      root: userPath("runs"),
      out: values.out === undefined ? undefined : userPath(values.out),
      backend: tensors.backend,
      seeds: { train: config.seed, data: config.data.seed },
    });
    console.log(`run: ${run.dir}`);
    const diagnostics = new Diagnostics(data, config.diagnostics, config.seed + 1);
    const bar = new ProgressBar({ label: "train", total: config.train.steps, unit: " steps" });
    let lastDiag = "";
    const result = await trainWorldModel({
      config,
      data,
      run,
      resume: values.resume !== undefined,
      signal: controller.signal,
      diagnose: (model, step) => {
        const report = diagnostics.run(model);
        lastDiag = `@${step}: ${formatDiagnostics(report)}`;
        return report as unknown as Record<string, unknown>;
      },
      onProgress: (p) => {
        const l = p.loss;
        bar.update(
          p.step,
          `loss ${fmt(l.total)} pred ${fmt(l.prediction)} var ${fmt(l.variance)} cov ${fmt(l.covariance)}${lastDiag ? ` | ${lastDiag}` : ""}`,
        );
      },
    });
    if (result.status === "finished") bar.finish();
    else process.stderr.write("\n");
    result.model.dispose();
    run.finish(result.status === "diverged" ? "failed" : result.status, result.message);
    console.log(result.message);
    printDiagnostics(run);
    if (result.status === "diverged") process.exitCode = 1;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}

function fmt(v: number | undefined): string {
  if (v === undefined) return "-";
  return Math.abs(v) >= 100 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(4);
}
