/**
 * Trains every level of a run's world model in order — level 1 from observations, then each level above over
 * the levels below, frozen or (`frozenBelow: false`) trained jointly with it — with a progress bar per level,
 * then makes the agent's learned parts and the per-level report, and records in the manifest how it ended.
 * Joint training updates the level models below in place (and a resumed one loads them from its checkpoint),
 * so the report and the agent's parts are made from the jointly trained levels. Loaded lazily: it loads
 * TensorFlow.js.
 */
import { prepareRun } from "@hjepa/configurator";
import { EnvironmentError, InputError, oneLine } from "@hjepa/errors";
import { type ExperimentConfig, levelOne, type RunFolder, upperLevels } from "@hjepa/experiment";
import { makeRunEnv } from "@hjepa/runs";
import type { tf } from "@hjepa/tensor";
import {
  Diagnostics,
  type FrameEncoder,
  formatDiagnostics,
  formatLevelReport,
  formatWallCrossing,
  type JepaWorldModel,
  type LevelBelow,
  levelPredictionErrors,
  levelReport,
  longestValidationWindow,
  trainLevel,
  trainWorldModel,
  type UpperLevelModel,
  type WallCrossingReport,
  type WorldModelData,
  wallCrossing,
} from "@hjepa/world-model";
import { Rng } from "gymnasium-js";
import { criticLine } from "../criticDiagnostic.ts";
import { ProgressBar } from "../progress.ts";

type Status = "finished" | "alreadyFinished" | "interrupted" | "diverged";
const MANIFEST_STATUS = {
  finished: "finished",
  alreadyFinished: "finished",
  interrupted: "interrupted",
  diverged: "failed",
} as const;

/** Steps done of one level's training (a job runner's progress, beside the bar). */
export type LevelProgress = (p: { level: number; step: number; steps: number }) => void;

export async function trainRun(
  run: RunFolder,
  config: ExperimentConfig,
  data: WorldModelData,
  resume: boolean,
  signal: AbortSignal,
  onLevelProgress?: LevelProgress,
): Promise<void> {
  const trained: UpperLevelModel[] = [];
  let levelOneModel: JepaWorldModel | null = null;
  try {
    const one = await trainLevelOne(run, config, data, resume, signal, onLevelProgress);
    levelOneModel = one.model;
    let status: Status = one.status;
    let message = one.message;
    let below: LevelBelow = one.model;
    for (const [i, cfg] of upperLevels(config).entries()) {
      if (status !== "finished" && status !== "alreadyFinished") break;
      const level = i + 2;
      const result = await trainUpper(
        run,
        config,
        data,
        resume,
        signal,
        below,
        level,
        cfg.train.steps,
        onLevelProgress,
      );
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
        const walls = imaginationAgainstWalls(config, data, one.model, trained);
        for (const w of walls) run.logMetrics({ kind: "wallCrossing", ...w });
      }
      // Everything the agent learns from the data is made once, here, and saved in the run for eval to load.
      const prepared = await prepareRun(run, config, one.model, data);
      const { hazard, landmarks } = prepared.parts;
      if (hazard)
        console.log(
          `agent: hazard classifier (training accuracy ${(hazard.accuracy * 100).toFixed(1)}%) saved`,
        );
      if (landmarks) console.log(`agent: ${landmarks.size} landmarks saved`);
      if (prepared.parts.critic) console.log(`agent: critic saved (${criticLine(prepared.parts.critic)})`);
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

/**
 * Imagination against walls, per level: over one span of env steps (the longest diagnostics horizon of level 1
 * that the validation episodes hold, and the same span at each level above), how often the decoded imagined
 * end lies in another room or cell than the true end, beside the probe's own rate on the true end.
 */
function imaginationAgainstWalls(
  config: ExperimentConfig,
  data: WorldModelData,
  levelOneModel: JepaWorldModel,
  levels: readonly UpperLevelModel[],
): (WallCrossingReport & { level: number; stride: number })[] {
  const longest = longestValidationWindow(data) - 1;
  const top = levels.at(-1)?.stride ?? 1;
  // A span every level can take in whole macro-steps: a multiple of the top stride, within the episodes.
  const wanted = Math.max(...config.diagnostics.horizons) * top;
  const span = Math.min(wanted, Math.floor(longest / top) * top);
  if (span < top) return [];
  const { env, core } = makeRunEnv(config);
  const rng = new Rng(config.seed).derive("wall-crossing");
  const reports: (WallCrossingReport & { level: number; stride: number })[] = [];
  try {
    const views = [
      {
        level: 1,
        stride: 1,
        encoder: levelOneModel as FrameEncoder,
        rollout: levelOneModel.rollout.bind(levelOneModel),
      },
      ...levels.map((m) => ({
        level: m.level,
        stride: m.stride,
        encoder: { encoder: { dim: m.dim }, encode: (o: tf.Tensor) => m.encode(o) } as FrameEncoder,
        rollout: (s0: tf.Tensor2D, a: tf.Tensor3D) => m.rollout(s0, m.encodeMacroSequence(a)),
      })),
    ];
    for (const v of views) {
      const r = wallCrossing({
        data,
        env: core,
        encoder: v.encoder,
        rollout: v.rollout,
        horizon: span,
        samples: 256,
        rng: rng.derive(`level-${v.level}`),
      });
      console.log(`walls, level ${v.level} (${span / v.stride} predictions): ${formatWallCrossing(r)}`);
      reports.push({ ...r, level: v.level, stride: v.stride });
    }
  } catch (e) {
    // Envs without rooms or cells to compare (PLDM) have no such diagnostic; anything else is a bug.
    if (!(e instanceof InputError || e instanceof EnvironmentError)) throw e;
    console.log(`walls: not measured (${e.message})`);
  } finally {
    env.close();
  }
  return reports;
}

async function trainLevelOne(
  run: RunFolder,
  config: ExperimentConfig,
  data: WorldModelData,
  resume: boolean,
  signal: AbortSignal,
  onLevelProgress?: LevelProgress,
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
      onLevelProgress?.({ level: 1, step: p.step, steps: levelOne(config).train.steps });
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
  onLevelProgress?: LevelProgress,
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
      // Under joint training `total` is the joint objective; level 1's own loss is shown beside it.
      const below = p.loss["level-1/total"];
      onLevelProgress?.({ level, step: p.step, steps });
      bar.update(
        p.step,
        `loss ${fmt(p.loss.total)} pred ${fmt(p.loss.prediction)}${below === undefined ? "" : ` L1 ${fmt(below)}`}` +
          `${lastDiag ? ` | ${lastDiag}` : ""}`,
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
