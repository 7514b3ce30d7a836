import { CheckpointError } from "@hjepa/errors";
import { type ExperimentConfig, levelOne, type RunFolder } from "@hjepa/experiment";
import { pauseForTest, removeStaleTemps } from "@hjepa/experiment/crashSafety";
import { tf } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import type { WorldModelData } from "../data.ts";
import { JepaWorldModel } from "../jepa.ts";
import { Adam } from "./adam.ts";
import {
  hasStepFolders,
  latestCheckpoint,
  loadCheckpoint,
  pruneCheckpoints,
  saveCheckpoint,
  type TrainerState,
} from "./checkpoint.ts";
import { clipByGlobalNorm } from "./clip.ts";
import { emaTau } from "./ema.ts";
import { learningRate } from "./schedule.ts";

export interface StepMetrics {
  step: number;
  lr: number;
  gradNorm: number;
  /** Every loss term's value (unweighted) and the weighted total. */
  loss: Record<string, number>;
}

export interface TrainProgress extends StepMetrics {
  totalSteps: number;
  elapsed: number;
}

export interface TrainOptions {
  config: ExperimentConfig;
  data: WorldModelData;
  /** Where checkpoints and metrics go; without one nothing is written (tests). */
  run?: RunFolder;
  /** Continue from the run's latest checkpoint. */
  resume?: boolean;
  /** Stop after this step (for tests of resume), saving a checkpoint there. */
  stopAfter?: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** Called every `diagnostics.every` steps and at the end; its record is logged with the metrics. */
  diagnose?: (model: JepaWorldModel, step: number) => Record<string, unknown>;
}

export interface TrainResult {
  model: JepaWorldModel;
  step: number;
  /** `alreadyFinished`: resumed a run whose last checkpoint is the final step; nothing was written. */
  status: "finished" | "alreadyFinished" | "interrupted" | "diverged";
  message: string;
  /** The total loss at every step run in this call. */
  losses: number[];
  lastDiagnostics: Record<string, unknown> | null;
}

/**
 * Trains a JEPA world model on windows of the dataset: Adam, warmup + cosine learning rate, global-norm
 * clipping, seeded batch sampling, EMA target updates, periodic checkpoints and diagnostics. A non-finite or
 * exploding loss stops training with a message and keeps the last good checkpoint; an abort (Ctrl-C) saves a
 * checkpoint. Resuming restores weights, optimizer moments and every random stream, so the continued run
 * reproduces the uninterrupted one exactly; resuming a run killed before its first checkpoint starts it over, and
 * resuming a finished run changes nothing (status `alreadyFinished`).
 */
export async function trainWorldModel(opts: TrainOptions): Promise<TrainResult> {
  const { config, data, run } = opts;
  const l1 = levelOne(config);
  const train = l1.train;
  const root = new Rng(config.seed);
  const [initRng, statsRng, sampleRng, lossRng] = root.spawn(4) as [Rng, Rng, Rng, Rng];

  const model = new JepaWorldModel(l1.model, data.obsShape, data.actionSpec, initRng);
  const stats = data.statistics(statsRng, 4096, l1.model.encoder.type === "cnn");
  model.encoder.setNormalization(stats.obsMean, stats.obsStd);
  model.actions.setNormalization(stats.actionMean, stats.actionStd);

  const trainable = model.params.trainable();
  const adam = new Adam(trainable);
  const byTfName = new Map([...trainable].map(([name, v]) => [v.name, name]));
  const checkpointVars = (): Record<string, tf.Variable> => ({
    ...Object.fromEntries(model.params.entries()),
    ...adam.stateTensors(),
  });

  let step = 0;
  let firstLoss: number | null = null;
  let elapsedBefore = 0;
  if (opts.resume) {
    if (!run) throw new Error("resume needs a run folder");
    // Temp files of a process killed outright (SIGKILL) are never read; remove them.
    removeStaleTemps(run.dir);
    removeStaleTemps(run.checkpointsDir);
    const dir = latestCheckpoint(run.checkpointsDir);
    if (dir) {
      const state = await loadCheckpoint(dir, checkpointVars());
      step = state.step;
      adam.step = state.adamStep;
      firstLoss = state.firstLoss;
      elapsedBefore = state.elapsed;
      sampleRng.setState(state.rngs.sample as never);
      lossRng.setState(state.rngs.loss as never);
    } else if (hasStepFolders(run.checkpointsDir)) {
      throw new CheckpointError(
        `${run.checkpointsDir}: latest.json is missing but checkpoint folders exist; expected latest.json naming one`,
      );
    }
    // The final checkpoint is saved after the final diagnostics, so a run with one has nothing left to do.
    if (step >= train.steps) {
      adam.dispose();
      const last = run
        .metrics()
        .filter((r) => r.kind === "diagnostics")
        .at(-1);
      return {
        model,
        step,
        status: "alreadyFinished",
        message: `${run.dir} already finished (trained ${step} steps); nothing to do`,
        losses: [],
        lastDiagnostics: last ? Object.fromEntries(Object.entries(last).filter(([k]) => k !== "kind")) : null,
      };
    }
    // Without a checkpoint (killed before the first one) the run starts over from step 0.
    run.truncateMetrics((r) => typeof r.step === "number" && r.step <= step);
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
    await saveCheckpoint(run.checkpointsDir, checkpointVars(), state, { config: config.name });
    pruneCheckpoints(run.checkpointsDir, 2);
  };

  const losses: number[] = [];
  let lastDiagnostics: Record<string, unknown> | null = null;
  const diagnose = () => {
    if (!opts.diagnose) return;
    lastDiagnostics = { step, ...opts.diagnose(model, step) };
    run?.logMetrics({ kind: "diagnostics", ...lastDiagnostics });
  };

  const varList = [...trainable.values()];
  const end = Math.min(train.steps, opts.stopAfter ?? train.steps);
  let status: TrainResult["status"] = "finished";
  let message = `trained ${train.steps} steps`;
  while (step < end) {
    if (opts.signal?.aborted) {
      status = "interrupted";
      message = `interrupted at step ${step}; checkpoint saved`;
      break;
    }
    const lr = learningRate(step, {
      lr: train.lr,
      warmupSteps: train.warmupSteps,
      totalSteps: train.steps,
      schedule: train.schedule,
      minLrFactor: train.minLrFactor,
    });
    const batch = data.sample(train.batchSize, train.horizon + 1, sampleRng, "train");
    let terms: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const t = model.loss({ obs: batch.obs, actions: batch.actions }, l1.loss, lossRng);
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
        `loss ${Number.isFinite(total) ? `exploded to ${total.toExponential(3)} (more than ${train.explodeFactor}x the first loss ${firstLoss.toExponential(3)})` : `became ${total}`} ` +
        `at step ${step + 1}; stopped without saving this state (the last good checkpoint is kept). ` +
        "Try a lower train.lr or stronger train.clipNorm.";
      break;
    }
    const clipped = clipByGlobalNorm(named, train.clipNorm);
    adam.apply(clipped.grads, lr);
    tf.dispose([...Object.values(named), ...Object.values(clipped.grads)]);
    if (model.hasTarget && l1.model.ema) {
      model.updateTarget(
        emaTau(step, { start: l1.model.ema.start, end: l1.model.ema.end, totalSteps: train.steps }),
      );
    }
    step += 1;
    losses.push(total);
    const metrics: StepMetrics = { step, lr, gradNorm: clipped.norm, loss };
    if (step % train.logEvery === 0 || step === train.steps)
      run?.logMetrics({ kind: "train", ...metrics, elapsed: elapsed() });
    opts.onProgress?.({ ...metrics, totalSteps: train.steps, elapsed: elapsed() });
    if (step % config.diagnostics.every === 0 && step !== train.steps) diagnose();
    // The final step's checkpoint comes after its diagnostics (below).
    if (step % train.checkpointEvery === 0 && step !== train.steps) await save();
    // Let Ctrl-C handlers run between steps.
    if (step % 10 === 0) {
      await pauseForTest("training");
      await new Promise((r) => setImmediate(r));
    }
  }
  if (status === "finished" && step === train.steps) diagnose();
  if (status !== "diverged") await save();
  if (status === "finished" && step < train.steps)
    message = `stopped after step ${step} as asked; checkpoint saved`;
  adam.dispose();
  return { model, step, status, message, losses, lastDiagnostics };
}
