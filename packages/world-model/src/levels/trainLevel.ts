import { join } from "node:path";
import { CheckpointError, DataError, InputError } from "@hjepa/errors";
import { type ExperimentConfig, type RunFolder, type UpperLevelConfig, upperLevels } from "@hjepa/experiment";
import { pauseForTest, removeStaleTemps } from "@hjepa/experiment/crashSafety";
import { tf } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import type { WorldModelData } from "../data.ts";
import { Adam } from "../train/adam.ts";
import {
  hasStepFolders,
  latestCheckpoint,
  loadCheckpoint,
  pruneCheckpoints,
  saveCheckpoint,
  type TrainerState,
} from "../train/checkpoint.ts";
import { clipByGlobalNorm } from "../train/clip.ts";
import { learningRate } from "../train/schedule.ts";
import type { StepMetrics } from "../train/trainer.ts";
import {
  collectMacroStatistics,
  MACRO_STATISTICS_SAMPLES,
  type MacroActionStatistics,
} from "./macroStatistics.ts";
import { type LevelBelow, UpperLevelModel } from "./upperLevel.ts";

export interface TrainLevelProgress extends StepMetrics {
  level: number;
  totalSteps: number;
  elapsed: number;
}

export interface TrainLevelOptions {
  config: ExperimentConfig;
  data: WorldModelData;
  /**
   * The trained level directly below, kept frozen: level 1 (`JepaWorldModel`) to train level 2, the trained
   * level 2 (over level 1) to train level 3. The level trained is the one above it, `world.levels[k - 1]`.
   */
  below: LevelBelow;
  /** Where checkpoints (`checkpoints/level-<k>/`) and metrics go; without one nothing is written (tests). */
  run?: RunFolder;
  /** Continue from the level's latest checkpoint. */
  resume?: boolean;
  /** Stop after this step (for tests of resume), saving a checkpoint there. */
  stopAfter?: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainLevelProgress) => void;
  /** Called every `diagnostics.every` steps and at the end; its record is logged with the metrics. */
  diagnose?: (model: UpperLevelModel, step: number) => Record<string, unknown>;
  /** Training macro-steps the macro-action statistics are computed from (default 4096). */
  statisticsSamples?: number;
}

export interface TrainLevelResult {
  model: UpperLevelModel;
  level: number;
  step: number;
  /** `alreadyFinished`: resumed a level whose last checkpoint is the final step; nothing was written. */
  status: "finished" | "alreadyFinished" | "interrupted" | "diverged";
  message: string;
  /** The total loss at every step run in this call. */
  losses: number[];
  lastDiagnostics: Record<string, unknown> | null;
  /** The macro-action statistics saved with the final checkpoint; null when training did not finish. */
  statistics: MacroActionStatistics | null;
}

/** Where level k's checkpoints live in a run folder. */
export function levelCheckpointsDir(run: RunFolder, level: number): string {
  return join(run.checkpointsDir, `level-${level}`);
}

/** The level a model over `below` is (2 over level 1), and its config; an InputError when the config has none. */
export function levelAbove(
  config: ExperimentConfig,
  below: LevelBelow,
): { level: number; cfg: UpperLevelConfig } {
  const level = below instanceof UpperLevelModel ? below.level + 1 : 2;
  const cfg = upperLevels(config)[level - 2];
  if (!cfg) {
    throw new InputError(
      `world.levels has ${config.world.levels.length} level(s); there is no level ${level} to train over level ${level - 1}`,
    );
  }
  return { level, cfg };
}

/**
 * Trains level k >= 2 of a hierarchical world model over the trained, frozen level below (which it does not
 * construct or retrain): windows of `stride * horizon + 1` frames, Adam, warmup + cosine learning rate,
 * global-norm clipping, seeded sampling, periodic checkpoints in `checkpoints/level-<k>/` and diagnostics,
 * metrics tagged `level: k`. When training finishes, the macro-action statistics over the training data are
 * computed and saved with the final checkpoint. A non-finite or exploding loss stops training with a message and
 * keeps the last good checkpoint; an abort saves a checkpoint. Resuming restores weights, optimizer moments and
 * random streams, so the continued run equals the uninterrupted one bit for bit. Random streams are derived
 * from the config's seed by name (`level-<k>` / init, sample, loss, macroStatistics).
 */
export async function trainLevel(opts: TrainLevelOptions): Promise<TrainLevelResult> {
  const { config, data, run, below } = opts;
  const { level, cfg } = levelAbove(config, below);
  const field = `world.levels[${level - 1}]`;
  if (!cfg.frozenBelow) {
    throw new InputError(
      `${field}.frozenBelow: false (training level ${level} jointly with the levels below) is not supported yet; ` +
        "set it to true (the default): the levels below are trained first and kept frozen",
    );
  }
  if (below instanceof UpperLevelModel && below.stride !== upperLevels(config)[level - 3]?.stride) {
    throw new Error(
      `trainLevel: the level below has stride ${below.stride}, not the config's level ${level - 1}`,
    );
  }
  const train = cfg.train;
  const frames = cfg.stride * train.horizon + 1;
  const [e0, e1] = data.trainEpisodes;
  const longest = data.dataset.episodeLengths.subarray(e0, e1).reduce((a, b) => Math.max(a, b), 0);
  if (longest < frames) {
    throw new DataError(
      `data.steps is ${config.data.steps}, but level ${level} (${field}: stride ${cfg.stride} x train.horizon ` +
        `${train.horizon}) trains on windows of ${frames} frames and the longest training episode has ${longest}; ` +
        `collect longer episodes (data.steps >= ${frames - 1}) or lower ${field}.train.horizon`,
    );
  }
  const root = new Rng(config.seed).derive(`level-${level}`);
  const sampleRng = root.derive("sample");
  const lossRng = root.derive("loss");

  const model = new UpperLevelModel(cfg, below, root.derive("init"));
  const trainable = model.params.trainable();
  const adam = new Adam(trainable);
  const byTfName = new Map([...trainable].map(([name, v]) => [v.name, name]));
  const checkpointVars = (): Record<string, tf.Variable> => ({
    ...Object.fromEntries(model.params.entries()),
    ...adam.stateTensors(),
  });
  const checkpointsDir = run ? levelCheckpointsDir(run, level) : "";
  const ofThisLevel = (r: Record<string, unknown>) => r.level === level;

  let step = 0;
  let firstLoss: number | null = null;
  let elapsedBefore = 0;
  if (opts.resume) {
    if (!run) throw new Error("resume needs a run folder");
    removeStaleTemps(checkpointsDir);
    const dir = latestCheckpoint(checkpointsDir);
    if (dir) {
      const state = await loadCheckpoint(dir, checkpointVars());
      step = state.step;
      adam.step = state.adamStep;
      firstLoss = state.firstLoss;
      elapsedBefore = state.elapsed;
      sampleRng.setState(state.rngs.sample as never);
      lossRng.setState(state.rngs.loss as never);
    } else if (hasStepFolders(checkpointsDir)) {
      throw new CheckpointError(
        `${checkpointsDir}: latest.json is missing but checkpoint folders exist; expected latest.json naming one`,
      );
    }
    // The final checkpoint is saved after the final diagnostics and statistics: nothing is left to do.
    if (step >= train.steps) {
      adam.dispose();
      const last = run
        .metrics()
        .filter((r) => ofThisLevel(r) && r.kind === "diagnostics")
        .at(-1);
      return {
        model,
        level,
        step,
        status: "alreadyFinished",
        message: `${run.dir} level ${level} already finished (trained ${step} steps); nothing to do`,
        losses: [],
        lastDiagnostics: last
          ? Object.fromEntries(Object.entries(last).filter(([k]) => k !== "kind" && k !== "level"))
          : null,
        statistics: model.macroStatistics(),
      };
    }
    // This level's records after the checkpoint are replayed by the resumed run; other levels' are kept.
    run.truncateMetrics((r) => !ofThisLevel(r) || (typeof r.step === "number" && r.step <= step));
  }

  const started = performance.now();
  const elapsed = () => elapsedBefore + (performance.now() - started) / 1000;
  const save = async () => {
    if (!run) return;
    const state: TrainerState = {
      step,
      adamStep: adam.step,
      rngs: { sample: sampleRng.state(), loss: lossRng.state() },
      firstLoss,
      elapsed: elapsed(),
    };
    await saveCheckpoint(checkpointsDir, checkpointVars(), state, { config: config.name, level });
    pruneCheckpoints(checkpointsDir, 2);
  };

  const losses: number[] = [];
  let lastDiagnostics: Record<string, unknown> | null = null;
  const diagnose = () => {
    if (!opts.diagnose) return;
    lastDiagnostics = { step, ...opts.diagnose(model, step) };
    // The tags come last: a resumed run finds its level's diagnostics by them.
    run?.logMetrics({ ...lastDiagnostics, kind: "diagnostics", level });
  };

  const varList = [...trainable.values()];
  const end = Math.min(train.steps, opts.stopAfter ?? train.steps);
  let status: TrainLevelResult["status"] = "finished";
  let message = `trained level ${level} for ${train.steps} steps`;
  while (step < end) {
    if (opts.signal?.aborted) {
      status = "interrupted";
      message = `level ${level} interrupted at step ${step}; checkpoint saved`;
      break;
    }
    const lr = learningRate(step, {
      lr: train.lr,
      warmupSteps: train.warmupSteps,
      totalSteps: train.steps,
      schedule: train.schedule,
      minLrFactor: train.minLrFactor,
    });
    const batch = data.sample(train.batchSize, frames, sampleRng, "train");
    let terms: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const t = model.loss({ obs: batch.obs, actions: batch.actions }, lossRng);
      terms = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, tf.keep(v)]));
      return t.total;
    }, varList);
    tf.dispose([batch.obs, batch.actions]);
    const named: Record<string, tf.Tensor> = {};
    for (const [tfName, g] of Object.entries(grads)) named[byTfName.get(tfName) as string] = g;
    const loss = Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, v.dataSync()[0] as number]));
    tf.dispose([value, ...Object.values(terms)]);
    const total = loss.total as number;
    firstLoss ??= Math.abs(total) > 0 ? Math.abs(total) : 1;
    if (!Number.isFinite(total) || Math.abs(total) > train.explodeFactor * firstLoss) {
      tf.dispose(Object.values(named));
      status = "diverged";
      message =
        `level ${level} loss ${Number.isFinite(total) ? `exploded to ${total.toExponential(3)} (more than ${train.explodeFactor}x the first loss ${firstLoss.toExponential(3)})` : `became ${total}`} ` +
        `at step ${step + 1}; stopped without saving this state (the last good checkpoint is kept). ` +
        `Try a lower ${field}.train.lr or stronger ${field}.train.clipNorm.`;
      break;
    }
    const clipped = clipByGlobalNorm(named, train.clipNorm);
    adam.apply(clipped.grads, lr);
    tf.dispose([...Object.values(named), ...Object.values(clipped.grads)]);
    step += 1;
    losses.push(total);
    const metrics: StepMetrics = { step, lr, gradNorm: clipped.norm, loss };
    if (step % train.logEvery === 0 || step === train.steps)
      run?.logMetrics({ kind: "train", level, ...metrics, elapsed: elapsed() });
    opts.onProgress?.({ level, ...metrics, totalSteps: train.steps, elapsed: elapsed() });
    if (step % config.diagnostics.every === 0 && step !== train.steps) diagnose();
    // The final step's checkpoint comes after its diagnostics and the macro-action statistics (below).
    if (step % train.checkpointEvery === 0 && step !== train.steps) await save();
    // Let Ctrl-C handlers run between steps.
    if (step % 10 === 0) {
      await pauseForTest("training");
      await new Promise((r) => setImmediate(r));
    }
  }
  let statistics: MacroActionStatistics | null = null;
  if (status === "finished" && step === train.steps) {
    diagnose();
    statistics = collectMacroStatistics(
      model,
      data,
      root.derive("macroStatistics"),
      opts.statisticsSamples ?? MACRO_STATISTICS_SAMPLES,
    );
    model.setMacroStatistics(statistics);
  }
  if (status !== "diverged") await save();
  if (status === "finished" && step < train.steps)
    message = `level ${level} stopped after step ${step} as asked; checkpoint saved`;
  adam.dispose();
  return { model, level, step, status, message, losses, lastDiagnostics, statistics };
}
