import { CheckpointError } from "@hjepa/errors";
import type { RunFolder, TrainConfig } from "@hjepa/experiment";
import { pauseForTest, removeStaleTemps } from "@hjepa/experiment/crashSafety";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { SequenceBatch } from "../jepa.ts";
import type { LossValues } from "../losses/term.ts";
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

/** Named parameters: the trainable ones, and all of them (which checkpoints carry). A `ParamStore` is one. */
export interface TrainableParams {
  /** Every parameter by full name, in a fixed order (the order checkpoints store them in). */
  entries(): [string, tf.Variable][];
  /** The trainable parameters by full name (the optimizer's, in the same order). */
  trainable(): Map<string, tf.Variable>;
}

/** A model the loop can train: its trainable parameters (and the rest, which checkpoints carry too). */
export interface Trainable {
  readonly params: TrainableParams;
}

/**
 * The loop's random streams by name: `sample` (batches) and `loss` (the loss's randomness) always; joint
 * training adds its own. Checkpoints carry every one of them.
 */
export type TrainingRngs = { sample: Rng; loss: Rng } & Record<string, Rng>;

export interface TrainingLoopOptions<M extends Trainable, B extends SequenceBatch = SequenceBatch> {
  /** The model (or level) to train; the loop never constructs one. */
  model: M;
  /**
   * The parameters trained and checkpointed (default `model.params`): joint training of a level passes its
   * own and those of the levels below it (`jointParams`).
   */
  params?: TrainableParams;
  /** The level's training settings: steps, learning-rate schedule, clipping, divergence, log and checkpoints. */
  train: TrainConfig;
  /** Diagnostics every this many steps (and at the end). */
  diagnosticsEvery: number;
  /** Batches come from `sample`, the loss's randomness from `loss`; checkpoints carry every stream. */
  rngs: TrainingRngs;
  /**
   * A batch of training windows, drawn from `rngs.sample`; the loop disposes every tensor in it (nested batches
   * too), so it should hold tensors and little else.
   */
  sample: (rng: Rng) => B;
  /** The loss terms on a batch, `total` among them; runs inside the gradient tape. */
  loss: (batch: B, rng: Rng) => LossValues;
  /** Where checkpoints and metrics go; without one nothing is written (tests). */
  run?: RunFolder;
  /** The run's folder for this model's checkpoints (default `run.checkpointsDir`). */
  checkpointsDir?: string;
  /** Stored in every checkpoint's metadata. */
  checkpointMeta: Record<string, unknown>;
  /**
   * Fields on every metrics record of this loop (`{ level: 2 }`). A resumed run replays and finds only the
   * records that carry them; with none (level 1) every record is its own.
   */
  metricsTag?: Record<string, unknown>;
  /** What messages call the model ("level 2"); none for level 1. */
  label?: string;
  /** Where the training settings are in the config, for advice in messages (default "train"). */
  settingsField?: string;
  /** Continue from the latest checkpoint. */
  resume?: boolean;
  /** Stop after this step (for tests of resume), saving a checkpoint there. */
  stopAfter?: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** Called every `diagnosticsEvery` steps and at the end; its record is logged with the metrics. */
  diagnose?: (model: M, step: number) => Record<string, unknown>;
  /** After every optimizer update, with the step's 0-based index (an EMA target's update). */
  afterStep?: (step: number) => void;
  /** When training finished, after the final diagnostics and before the final checkpoint (which carries it). */
  onFinish?: () => void;
}

export interface TrainingLoopResult {
  step: number;
  /** `alreadyFinished`: resumed a run whose last checkpoint is the final step; nothing was written. */
  status: "finished" | "alreadyFinished" | "interrupted" | "diverged";
  message: string;
  /** The total loss at every step run in this call. */
  losses: number[];
  lastDiagnostics: Record<string, unknown> | null;
}

/**
 * Trains a given model: seeded batches, Adam, warmup + cosine learning rate, global-norm clipping, periodic
 * checkpoints and diagnostics. A non-finite or exploding loss stops training with a message and keeps the
 * last good checkpoint; an abort (Ctrl-C) saves a checkpoint. Resuming restores weights, optimizer moments
 * and both random streams, so the continued run reproduces the uninterrupted one exactly; resuming a run
 * killed before its first checkpoint starts it over, and resuming a finished run changes nothing (status
 * `alreadyFinished`).
 */
export async function runTraining<M extends Trainable, B extends SequenceBatch = SequenceBatch>(
  opts: TrainingLoopOptions<M, B>,
): Promise<TrainingLoopResult> {
  const { model, train, run, rngs } = opts;
  const checkpointsDir = opts.checkpointsDir ?? run?.checkpointsDir ?? "";
  const tag = opts.metricsTag ?? {};
  const ours = (r: Record<string, unknown>) => Object.entries(tag).every(([k, v]) => r[k] === v);
  const subject = opts.label ? `${opts.label} ` : "";
  const settings = opts.settingsField ?? "train";

  const params = opts.params ?? model.params;
  const trainable = params.trainable();
  const adam = new Adam(trainable);
  const byTfName = new Map([...trainable].map(([name, v]) => [v.name, name]));
  const checkpointVars = (): Record<string, tf.Variable> => ({
    ...Object.fromEntries(params.entries()),
    ...adam.stateTensors(),
  });

  let step = 0;
  let firstLoss: number | null = null;
  let elapsedBefore = 0;
  if (opts.resume) {
    if (!run) throw new Error("resume needs a run folder");
    // Temp files of a process killed outright (SIGKILL) are never read; remove them.
    removeStaleTemps(run.dir);
    removeStaleTemps(checkpointsDir);
    const dir = latestCheckpoint(checkpointsDir);
    if (dir) {
      const state = await loadCheckpoint(dir, checkpointVars());
      step = state.step;
      adam.step = state.adamStep;
      firstLoss = state.firstLoss;
      elapsedBefore = state.elapsed;
      for (const [name, rng] of Object.entries(rngs)) {
        const saved = state.rngs[name];
        if (!saved) {
          throw new CheckpointError(
            `${dir}/state.json: has no random stream "${name}" (it has ${Object.keys(state.rngs).join(", ")}); ` +
              "it is a checkpoint of other training (frozen vs joint levels below): train this level in a new run",
          );
        }
        rng.setState(saved);
      }
    } else if (hasStepFolders(checkpointsDir)) {
      throw new CheckpointError(
        `${checkpointsDir}: latest.json is missing but checkpoint folders exist; expected latest.json naming one`,
      );
    }
    // The final checkpoint is saved after the final diagnostics (and `onFinish`): nothing is left to do.
    if (step >= train.steps) {
      adam.dispose();
      const last = run
        .metrics()
        .filter((r) => ours(r) && r.kind === "diagnostics")
        .at(-1);
      return {
        step,
        status: "alreadyFinished",
        message: `${run.dir} ${subject}already finished (trained ${step} steps); nothing to do`,
        losses: [],
        lastDiagnostics: last
          ? Object.fromEntries(Object.entries(last).filter(([k]) => k !== "kind" && !(k in tag)))
          : null,
      };
    }
    // Without a checkpoint (killed before the first one) the run starts over from step 0. This loop's
    // records after the checkpoint are replayed by the resumed run; other loops' (levels') are kept.
    run.truncateMetrics((r) => !ours(r) || (typeof r.step === "number" && r.step <= step));
  }

  const started = performance.now();
  const elapsed = () => elapsedBefore + (performance.now() - started) / 1000;
  const save = async () => {
    if (!run) return;
    const state: TrainerState = {
      step,
      adamStep: adam.step,
      rngs: Object.fromEntries(Object.entries(rngs).map(([name, rng]) => [name, rng.state()])),
      firstLoss,
      elapsed: elapsed(),
    };
    await saveCheckpoint(checkpointsDir, checkpointVars(), state, opts.checkpointMeta);
    pruneCheckpoints(checkpointsDir, 2);
  };

  const losses: number[] = [];
  let lastDiagnostics: Record<string, unknown> | null = null;
  const diagnose = () => {
    if (!opts.diagnose) return;
    lastDiagnostics = { step, ...opts.diagnose(model, step) };
    // The tags come last, over the record's own fields: a resumed run finds its diagnostics by them.
    run?.logMetrics({ kind: "diagnostics", ...lastDiagnostics, ...tag });
  };

  const varList = [...trainable.values()];
  const end = Math.min(train.steps, opts.stopAfter ?? train.steps);
  let status: TrainingLoopResult["status"] = "finished";
  let message = opts.label
    ? `trained ${opts.label} for ${train.steps} steps`
    : `trained ${train.steps} steps`;
  while (step < end) {
    if (opts.signal?.aborted) {
      status = "interrupted";
      message = `${subject}interrupted at step ${step}; checkpoint saved`;
      break;
    }
    const lr = learningRate(step, {
      lr: train.lr,
      warmupSteps: train.warmupSteps,
      totalSteps: train.steps,
      schedule: train.schedule,
      minLrFactor: train.minLrFactor,
    });
    const batch = opts.sample(rngs.sample);
    let terms: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const t = opts.loss(batch, rngs.loss);
      terms = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, tf.keep(v)]));
      return t.total;
    }, varList);
    tf.dispose(batch as unknown as tf.TensorContainer);
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
        `${subject}loss ${Number.isFinite(total) ? `exploded to ${total.toExponential(3)} (more than ${train.explodeFactor}x the first loss ${firstLoss.toExponential(3)})` : `became ${total}`} ` +
        `at step ${step + 1}; stopped without saving this state (the last good checkpoint is kept). ` +
        `Try a lower ${settings}.lr or stronger ${settings}.clipNorm.`;
      break;
    }
    const clipped = clipByGlobalNorm(named, train.clipNorm);
    adam.apply(clipped.grads, lr);
    tf.dispose([...Object.values(named), ...Object.values(clipped.grads)]);
    opts.afterStep?.(step);
    step += 1;
    losses.push(total);
    const metrics: StepMetrics = { step, lr, gradNorm: clipped.norm, loss };
    if (step % train.logEvery === 0 || step === train.steps)
      run?.logMetrics({ kind: "train", ...tag, ...metrics, elapsed: elapsed() });
    opts.onProgress?.({ ...metrics, totalSteps: train.steps, elapsed: elapsed() });
    if (step % opts.diagnosticsEvery === 0 && step !== train.steps) diagnose();
    // The final step's checkpoint comes after its diagnostics and `onFinish` (below).
    if (step % train.checkpointEvery === 0 && step !== train.steps) await save();
    // Let Ctrl-C handlers run between steps.
    if (step % 10 === 0) {
      await pauseForTest("training");
      await new Promise((r) => setImmediate(r));
    }
  }
  if (status === "finished" && step === train.steps) {
    diagnose();
    opts.onFinish?.();
  }
  if (status !== "diverged") await save();
  if (status === "finished" && step < train.steps)
    message = `${subject}stopped after step ${step} as asked; checkpoint saved`;
  adam.dispose();
  return { step, status, message, losses, lastDiagnostics };
}
