import type { WorldModel } from "@hjepa/contracts";
import type { Dataset } from "@hjepa/envs/data";
import { DataError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { ActionSpec } from "./actionFeatures.ts";

/** One batch of windows: observations `[B, L, ...obs]`, actions `[B, L-1, k]` and true states (JS side). */
export interface WindowBatch {
  obs: tf.Tensor;
  actions: tf.Tensor3D;
  /** `[B, L, stateDim]` true states, for probes. */
  states: Float32Array;
  batch: number;
  length: number;
}

export type Split = "train" | "validation";

/**
 * A level's encoder as the diagnostics take it: its size and a batched encode (level 1: a `JepaWorldModel`).
 * Agents, planners, the configurator and eval take the `WorldModel` contract instead.
 */
export interface FrameEncoder {
  readonly encoder: { readonly dim: number };
  encode(obs: tf.Tensor): tf.Tensor2D;
}

/** Windows as plain arrays: observations `[B, L, ...obs]`, actions `[B, L-1, k]`, true states `[B, L, d]`. */
export interface WindowArrays {
  obs: Float32Array | Uint8Array;
  actions: Float32Array;
  states: Float32Array;
  /** `[B, L]` cost of entering each frame's state (hazard labels). */
  costs: Float32Array;
  batch: number;
  length: number;
}

/**
 * A dataset seen by the world-model trainer: windows of frames as tensors, split by episode into training
 * (the first episodes) and validation (the last `validationFraction`). Observations come from the file when
 * stored, else are rendered from true states with `observe` (pixels).
 */
export class WorldModelData {
  readonly obsShape: readonly number[];
  readonly actionSpec: ActionSpec;
  readonly trainEpisodes: readonly [number, number];
  readonly validationEpisodes: readonly [number, number];

  constructor(
    readonly dataset: Dataset,
    obsShape: readonly number[],
    readonly obsDtype: "float32" | "uint8",
    private readonly observe: ((state: readonly number[]) => ArrayLike<number>) | null,
    validationFraction: number,
    actionSpec: ActionSpec,
  ) {
    this.obsShape = [...obsShape];
    this.actionSpec = actionSpec;
    const e = dataset.numEpisodes;
    const nVal = Math.max(1, Math.round(e * validationFraction));
    if (e - nVal < 1)
      throw new DataError(
        `${dataset.path}: ${e} episodes are too few to hold out ${nVal} for validation (data.validationFraction); ` +
          "collect more episodes (data.episodes)",
      );
    this.trainEpisodes = [0, e - nVal];
    this.validationEpisodes = [e - nVal, e];
  }

  /** `batch` windows of `length` frames from a split, as plain arrays (observations rendered if needed). */
  sampleArrays(batch: number, length: number, rng: Rng, split: Split = "train"): WindowArrays {
    const episodes = split === "train" ? this.trainEpisodes : this.validationEpisodes;
    const observe = this.observe;
    const w = this.dataset.sampleSubTrajectories(batch, length, rng, {
      episodes,
      render: observe ? (s) => observe(s) : undefined,
    });
    if (!w.obs)
      throw new Error(`${this.dataset.path}: observations were not stored and no renderer was given`);
    return { obs: w.obs, actions: w.actions, states: w.states, costs: w.costs, batch, length };
  }

  /**
   * Every frame of `w` encoded by `model` (a `WorldModel`: level-1 representations; or any encoder),
   * `[batch * length, dim]` row-major, `chunk` windows per encoder call (the tensors of each chunk are freed
   * before the next).
   */
  encodeFrames(model: Pick<WorldModel, "encode">, w: WindowArrays, chunk = 128): Float32Array {
    let out = new Float32Array(0);
    for (let b0 = 0; b0 < w.batch; b0 += chunk) {
      const b1 = Math.min(w.batch, b0 + chunk);
      const part = this.toTensors(w, [b0, b1]);
      const z = tf.tidy(() => model.encode(tf.reshape(part.obs, [(b1 - b0) * w.length, ...this.obsShape])));
      const d = z.shape[1];
      if (b0 === 0) out = new Float32Array(w.batch * w.length * d);
      out.set(z.dataSync(), b0 * w.length * d);
      tf.dispose([z, part.obs, part.actions]);
    }
    return out;
  }

  /** Frames `[from, to)` of windows (all windows, a range of frames each) as tensors; the caller disposes them. */
  toTensors(w: WindowArrays, windows: readonly [number, number] = [0, w.batch]): WindowBatch {
    const [b0, b1] = windows;
    const n = b1 - b0;
    const frame = this.obsShape.reduce((a, b) => a * b, 1);
    const obsPart = w.obs.subarray(b0 * w.length * frame, b1 * w.length * frame);
    const obs =
      this.obsDtype === "uint8"
        ? tf.tensor(obsPart, [n, w.length, ...this.obsShape], "int32")
        : tf.tensor(
            obsPart instanceof Float32Array ? obsPart : Float32Array.from(obsPart),
            [n, w.length, ...this.obsShape],
            "float32",
          );
    const k = this.dataset.actionDim;
    const actions = tf.tensor3d(w.actions.subarray(b0 * (w.length - 1) * k, b1 * (w.length - 1) * k), [
      n,
      w.length - 1,
      k,
    ]);
    const d = this.dataset.stateDim;
    return {
      obs,
      actions,
      states: w.states.subarray(b0 * w.length * d, b1 * w.length * d),
      batch: n,
      length: w.length,
    };
  }

  /** `batch` windows of `length` frames from a split, as tensors (the caller disposes them). */
  sample(batch: number, length: number, rng: Rng, split: Split = "train"): WindowBatch {
    return this.toTensors(this.sampleArrays(batch, length, rng, split));
  }

  /**
   * Normalisation statistics from `samples` training frames: per feature for vector observations, per channel
   * (of values scaled to [0, 1]) for images; and mean/std of continuous actions.
   */
  statistics(
    rng: Rng,
    samples = 4096,
    perChannel = false,
  ): { obsMean: Float32Array; obsStd: Float32Array; actionMean: Float32Array; actionStd: Float32Array } {
    const length = 2;
    const b = Math.max(1, Math.ceil(samples / length));
    const w = this.sampleArrays(b, length, rng, "train");
    const obs = w.obs;
    const frames = b * length;
    const size = obs.length / frames;
    const channels = perChannel ? (this.obsShape[this.obsShape.length - 1] as number) : size;
    const scale = perChannel ? 1 / 255 : 1;
    const obsStats = meanStd(obs, frames * (size / channels), channels, scale);
    const k = this.dataset.actionDim;
    const act = meanStd(w.actions, b * (length - 1), k, 1);
    return { obsMean: obsStats.mean, obsStd: obsStats.std, actionMean: act.mean, actionStd: act.std };
  }
}

/** Mean and std of `rows` x `cols` values (row-major), times `scale`. */
function meanStd(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  scale: number,
): { mean: Float32Array; std: Float32Array } {
  const sum = new Float64Array(cols);
  const sq = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = (x[r * cols + c] as number) * scale;
      sum[c] = (sum[c] as number) + v;
      sq[c] = (sq[c] as number) + v * v;
    }
  }
  const mean = new Float32Array(cols);
  const std = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    const m = (sum[c] as number) / rows;
    mean[c] = m;
    std[c] = Math.sqrt(Math.max(0, (sq[c] as number) / rows - m * m));
  }
  return { mean, std };
}
