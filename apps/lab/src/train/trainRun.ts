/**
 * Trains every level of a run's world model in order — level 1 from observations, then each level above over
 * the frozen levels below — with a progress bar per level, then makes the agent's learned parts and the
 * per-level report, and records in the manifest how it ended. Loaded lazily: it loads TensorFlow.js.
 */
import { prepareRun } from "@hjepa/configurator";
import { oneLine } from "@hjepa/errors";
import { type ExperimentConfig, levelOne, type RunFolder, upperLevels } from "@hjepa/experiment";
import {
  Diagnostics,
  formatDiagnostics,
  formatLevelReport,
  type JepaWorldModel,
  type LevelBelow,
  levelPredictionErrors,
  levelReport,
  longestValidationWindow,
  trainLevel,
  trainWorldModel,
  type UpperLevelModel,
  type WorldModelData,
} from "@hjepa/world-model";
import { Rng } from "gymnasium-js";
import { ProgressBar } from "../progress.ts";

type Status = "finished" | "alreadyFinished" | "interrupted" | "diverged";
const MANIFEST_STATUS = {
  finished: "finished",
  alreadyFinished: "finished",
  interrupted: "interrupted",
  diverged: "failed",
} as const;

export async function trainRun(
  run: RunFolder,
  config: ExperimentConfig,
  data: WorldModelData,
  resume: boolean,
  signal: AbortSignal,
): Promise<void> {
  const trained: UpperLevelModel[] = [];
  let levelOneModel: JepaWorldModel | null = null;
  try {
    const one = await trainLevelOne(run, config, data, resume, signal);
    levelOneModel = one.model;
    let status: Status = one.status;
    let message = one.message;
    let below: LevelBelow = one.model;
    for (const [i, cfg] of upperLevels(config).entries()) {
      if (status !== "finished" && status !== "alreadyFinished") break;
      const level = i + 2;
      const result = await trainUpper(run, config, data, resume, signal, below, level, cfg.train.steps);
      trained.push(result.model);
      below = result.model;
      status = result.status;
      message = `${message}; ${result.message}`;
    }
    if (status === "finished" || status === "alreadyFinished") {
      if (trained.length > 0) {
        const report = levelReport({
          levelOne: one.model,
          levels: trained,
          data,
          horizons: config.diagnostics.horizons,
          samples: Math.min(config.diagnostics.samples, 512),
          rng: new Rng(config.seed).derive("level-report"),
        });
        run.logMetrics({ kind: "levels", ...report });
        console.log(formatLevelReport(report));
      }
      // Everything the agent learns from the data is made once, here, and saved in the run for eval to load.
      const prepared = await prepareRun(run, config, one.model, data);
      const { hazard, landmarks } = prepared.parts;
      if (hazard)
        console.log(
          `agent: hazard classifier (training accuracy ${(hazard.accuracy * 100).toFixed(1)}%) saved`,
        );
      if (landmarks) console.log(`agent: ${landmarks.size} landmarks saved`);
    }
    run.finish(MANIFEST_STATUS[status], message);
    console.log(message);
    if (status === "diverged") process.exitCode = 1;
  } catch (e) {
    try {
      run.finish("failed", oneLine(e instanceof Error ? e.message : String(e)));
    } catch {
      // The run folder itself failed (a full disk): the first error is the one to report.
    }
    throw e;
  } finally {
    for (const m of trained.reverse()) m.dispose();
    levelOneModel?.dispose();
  }
}

async function trainLevelOne(
  run: RunFolder,
  config: ExperimentConfig,
  data: WorldModelData,
  resume: boolean,
  signal: AbortSignal,
): Promise<{ model: JepaWorldModel; status: Status; message: string }> {
  const diagnostics = new Diagnostics(data, config.diagnostics, config.seed + 1);
  const levels = config.world.levels.length;
  const bar = new ProgressBar({
    label: levels > 1 ? `level 1/${levels}` : "train",
    total: levelOne(config).train.steps,
    unit: " steps",
  });
  let lastDiag = "";
  let firstReport = true;
  const result = await trainWorldModel({
    config,
    data,
    run,
    resume,
    signal,
    diagnose: (model, step) => {
      const report = diagnostics.run(model);
      lastDiag = `@${step}: ${formatDiagnostics(report)}`;
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
  return { model: result.model, status: result.status, message: result.message };
}

async function trainUpper(
  run: RunFolder,
  config: ExperimentConfig,
  data: WorldModelData,
  resume: boolean,
  signal: AbortSignal,
  below: LevelBelow,
  level: number,
  steps: number,
) {
  const bar = new ProgressBar({
    label: `level ${level}/${config.world.levels.length}`,
    total: steps,
    unit: " steps",
  });
  const horizons = config.diagnostics.horizons;
  const rng = new Rng(config.seed).derive(`level-${level}-diagnostics`);
  let lastDiag = "";
  let firstReport = true;
  const result = await trainLevel({
    config,
    data,
    below,
    run,
    resume,
    signal,
    diagnose: (model, step) => {
      // Held-out error per horizon (macro-steps) that the validation episodes can hold, against no motion.
      const longest = longestValidationWindow(data);
      const fits = horizons.filter((h) => h * model.stride + 1 <= longest);
      if (fits.length === 0) return { level, step, prediction: [] };
      const w = data.sampleArrays(
        Math.min(config.diagnostics.samples, 512),
        Math.max(...fits) * model.stride + 1,
        rng.clone(),
        "validation",
      );
      const prediction = levelPredictionErrors(model, data, w, fits);
      lastDiag = `@${step}: ${prediction.map((p) => `err@${p.horizon}/base ${p.ratio.toFixed(3)}`).join(" ")}`;
      return { level, step, prediction };
    },
    onProgress: (p) => {
      if (firstReport) bar.startFrom(p.step - 1);
      firstReport = false;
      bar.update(
        p.step,
        `loss ${fmt(p.loss.total)} pred ${fmt(p.loss.prediction)}${lastDiag ? ` | ${lastDiag}` : ""}`,
      );
    },
  });
  if (result.status === "finished") bar.finish();
  else if (!firstReport) process.stderr.write("\n");
  return result;
}

function fmt(v: number | undefined): string {
  if (v === undefined) return "-";
  return Math.abs(v) >= 100 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(4);
}
