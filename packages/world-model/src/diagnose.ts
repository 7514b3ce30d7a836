import type { DiagnosticsConfig } from "@hjepa/experiment";
import { tf } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import type { WindowArrays, WorldModelData } from "./data.ts";
import { linearProbeR2 } from "./diagnostics/probe.ts";
import { effectiveRank } from "./diagnostics/rank.ts";
import { collapsedDims, perDimStd } from "./diagnostics/stats.ts";
import type { JepaWorldModel } from "./jepa.ts";

export interface PredictionDiagnostic {
  horizon: number;
  /** Mean squared distance between the k-step open-loop prediction and the encoded k-th frame. */
  error: number;
  /** The same for "the representation does not move": ||z_0 - z_k||^2. */
  baseline: number;
  ratio: number;
}

export interface DiagnosticsReport {
  prediction: PredictionDiagnostic[];
  stdMin: number;
  stdMedian: number;
  collapsed: number[];
  effectiveRank: number;
  dim: number;
  /** Held-out R^2 of a linear probe from representation to true state. */
  probeR2: number;
  probeR2PerDim: number[];
}

const CHUNK = 128;

/**
 * Fixed held-out measurements of a world model, computed at intervals during training: multi-step prediction
 * error against the no-motion baseline, per-dimension spread and effective rank of the representation
 * (collapse detector), and a linear probe to the true state fitted on training frames and scored on
 * validation frames. The windows are drawn once from their own seed, so every call measures the same data.
 */
export class Diagnostics {
  private readonly validation: WindowArrays;
  private readonly probeTrain: WindowArrays;
  readonly maxHorizon: number;

  constructor(
    private readonly data: WorldModelData,
    private readonly config: DiagnosticsConfig,
    seed: number,
  ) {
    const rng = new Rng(seed);
    this.maxHorizon = Math.max(...config.horizons);
    this.validation = data.sampleArrays(config.samples, this.maxHorizon + 1, rng, "validation");
    this.probeTrain = data.sampleArrays(config.samples * 2, 1, rng, "train");
  }

  run(model: JepaWorldModel): DiagnosticsReport {
    const v = this.validation;
    const L = v.length;
    const d = model.encoder.dim;
    const sums = this.config.horizons.map(() => ({ error: 0, baseline: 0 }));
    const zAll = new Float32Array(v.batch * L * d);
    for (let b0 = 0; b0 < v.batch; b0 += CHUNK) {
      const b1 = Math.min(v.batch, b0 + CHUNK);
      const part = this.data.toTensors(v, [b0, b1]);
      const n = b1 - b0;
      const [z, errs] = tf.tidy(() => {
        const zf = model.encode(tf.reshape(part.obs, [n * L, ...this.data.obsShape]));
        const z3 = tf.reshape(zf, [n, L, d]);
        const z0 = tf.reshape(tf.slice(z3, [0, 0, 0], [n, 1, d]), [n, d]) as tf.Tensor2D;
        const pred = model.rollout(z0, part.actions);
        const out = this.config.horizons.map((k) => {
          const target = tf.reshape(tf.slice(z3, [0, k, 0], [n, 1, d]), [n, d]);
          const p = tf.reshape(tf.slice(pred, [0, k - 1, 0], [n, 1, d]), [n, d]);
          return tf.stack([
            tf.sum(tf.squaredDifference(p, target)),
            tf.sum(tf.squaredDifference(z0, target)),
          ]);
        });
        return [zf, tf.stack(out)];
      });
      tf.dispose([part.obs, part.actions]);
      zAll.set(z.dataSync(), b0 * L * d);
      const e = errs.dataSync();
      sums.forEach((s, i) => {
        s.error += e[2 * i] as number;
        s.baseline += e[2 * i + 1] as number;
      });
      tf.dispose([z, errs]);
    }
    const prediction = this.config.horizons.map((horizon, i) => {
      const error = (sums[i]?.error ?? 0) / v.batch;
      const baseline = (sums[i]?.baseline ?? 0) / v.batch;
      return { horizon, error, baseline, ratio: baseline > 0 ? error / baseline : Number.POSITIVE_INFINITY };
    });

    const frames = v.batch * L;
    const std = perDimStd(zAll, frames, d);
    const sorted = Array.from(std).sort((a, b) => a - b);
    const sd = this.data.dataset.stateDim;
    const trainZ = this.data.encodeFrames(model, this.probeTrain);
    const probe = linearProbeR2(trainZ, this.probeTrain.states, zAll, v.states, d, sd, {
      ridge: this.config.probeRidge,
    });
    return {
      prediction,
      stdMin: sorted[0] ?? 0,
      stdMedian: sorted[Math.floor(sorted.length / 2)] ?? 0,
      collapsed: collapsedDims(std),
      effectiveRank: effectiveRank(zAll, frames, d),
      dim: d,
      probeR2: probe.mean,
      probeR2PerDim: Array.from(probe.perDim),
    };
  }
}

/** A one-line summary of a report, for progress output. */
export function formatDiagnostics(r: DiagnosticsReport): string {
  const pred = r.prediction.map((p) => `err@${p.horizon} ${p.ratio.toFixed(3)}x`).join(" ");
  return `${pred} | probe R2 ${r.probeR2.toFixed(3)} | std min ${r.stdMin.toFixed(3)} | rank ${r.effectiveRank.toFixed(1)}/${r.dim} | collapsed ${r.collapsed.length}`;
}
