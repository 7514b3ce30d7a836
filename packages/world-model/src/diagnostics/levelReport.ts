import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { FrameEncoder, WindowArrays, WorldModelData } from "../data.ts";
import type { JepaWorldModel } from "../jepa.ts";
import type { UpperLevelModel } from "../levels/upperLevel.ts";
import { fitLinearProbe, type LinearProbe } from "./probe.ts";

/**
 * How well each level predicts over a span of env steps, in map units: the position decoded (by a probe fitted
 * on training frames) from level k's prediction `h` macro-steps ahead, beside level 1 rolled out over the same
 * `h * stride` primitive actions, and beside not moving at all. Positions are the first two coordinates of the
 * true state.
 */
export interface LevelSpanRow {
  level: number;
  stride: number;
  /** Predictions of this level (macro-steps). */
  macroSteps: number;
  /** The span in env steps (macroSteps * stride). */
  envSteps: number;
  /** Mean decoded-position error of this level's prediction (map units). */
  levelError: number;
  /** The same for level 1 rolled out over the span (equal-horizon comparison). */
  levelOneError: number;
  /** Mean distance between the start and end positions (the no-motion baseline). */
  noMotion: number;
  /** Mean representation error of this level / no-motion in its representation. */
  latentRatio: number;
  /** Predictor calls per prediction: this level's, and level 1's over the same span. */
  calls: number;
  levelOneCalls: number;
}

export interface LevelReport {
  /** Held-out R^2 of each level's position probe (level 1 first). */
  probeR2: number[];
  rows: LevelSpanRow[];
  /** Horizons left out because no validation episode is long enough for them. */
  skipped: { level: number; macroSteps: number; envSteps: number }[];
  windows: number;
}

interface LevelView {
  level: number;
  stride: number;
  encoder: FrameEncoder;
  /** Predicted representations `[B, h, d]` from frame 0 of each window and its first `h * stride` actions. */
  rollout(s0: tf.Tensor2D, actions: tf.Tensor3D, h: number): tf.Tensor3D;
}

function views(levelOne: JepaWorldModel, levels: readonly UpperLevelModel[]): LevelView[] {
  const one: LevelView = {
    level: 1,
    stride: 1,
    encoder: levelOne,
    rollout: (s0, actions, h) =>
      levelOne.rollout(s0, tf.slice(actions, [0, 0, 0], [-1, h, -1]) as tf.Tensor3D),
  };
  return [
    one,
    ...levels.map(
      (m): LevelView => ({
        level: m.level,
        stride: m.stride,
        encoder: { encoder: { dim: m.dim }, encode: (obs) => m.encode(obs) },
        rollout: (s0, actions, h) =>
          m.rollout(
            s0,
            m.encodeMacroSequence(tf.slice(actions, [0, 0, 0], [-1, h * m.stride, -1]) as tf.Tensor3D),
          ),
      }),
    ),
  ];
}

/** The longest window (in frames) that some validation episode can hold (windows come from those). */
export function longestValidationWindow(data: WorldModelData): number {
  const [e0, e1] = data.validationEpisodes;
  let max = 0;
  for (let e = e0; e < e1; e++) max = Math.max(max, data.dataset.episodeLengths[e] as number);
  return max;
}

/** A probe from a level's representation to the true state, fitted on training frames. */
function positionProbe(data: WorldModelData, encoder: FrameEncoder, rng: Rng, samples: number) {
  const fit = data.sampleArrays(samples, 1, rng.derive("probe-train"), "train");
  const probe = fitLinearProbe(
    data.encodeFrames(encoder, fit),
    fit.states,
    fit.batch,
    encoder.encoder.dim,
    data.dataset.stateDim,
  );
  const test = data.sampleArrays(Math.max(256, samples >> 2), 1, rng.derive("probe-test"), "validation");
  const predicted = probe.predict(data.encodeFrames(encoder, test), test.batch);
  return { probe, r2: r2Score(predicted, test.states, data.dataset.stateDim) };
}

function r2Score(predicted: ArrayLike<number>, actual: ArrayLike<number>, dim: number): number {
  const n = actual.length / dim;
  let res = 0;
  let tot = 0;
  for (let j = 0; j < dim; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += actual[i * dim + j] as number;
    mean /= n;
    for (let i = 0; i < n; i++) {
      res += ((actual[i * dim + j] as number) - (predicted[i * dim + j] as number)) ** 2;
      tot += ((actual[i * dim + j] as number) - mean) ** 2;
    }
  }
  return tot > 0 ? 1 - res / tot : 0;
}

/** Mean Euclidean distance over the first two coordinates of row-major states `a`, `b` ([n, dim]). */
function meanPositionDistance(a: ArrayLike<number>, b: ArrayLike<number>, n: number, dim: number): number {
  let sum = 0;
  const p = Math.min(2, dim);
  for (let i = 0; i < n; i++) {
    let d2 = 0;
    for (let j = 0; j < p; j++) d2 += ((a[i * dim + j] as number) - (b[i * dim + j] as number)) ** 2;
    sum += Math.sqrt(d2);
  }
  return sum / n;
}

/** The true states of frame `t` of every window, row-major [batch, stateDim]. */
function statesAt(w: WindowArrays, t: number, dim: number): Float32Array {
  const out = new Float32Array(w.batch * dim);
  for (let b = 0; b < w.batch; b++)
    out.set(w.states.subarray((b * w.length + t) * dim, (b * w.length + t + 1) * dim), b * dim);
  return out;
}

/**
 * The per-level table: for each level and each horizon (in that level's macro-steps) that the validation
 * episodes are long enough for, decoded-position errors of the level, of level 1 over the same span, and of not
 * moving. `samples` held-out windows per level; `rng` draws windows and probe frames (named child streams).
 */
export function levelReport(opts: {
  levelOne: JepaWorldModel;
  levels: readonly UpperLevelModel[];
  data: WorldModelData;
  horizons: readonly number[];
  samples: number;
  rng: Rng;
  probeSamples?: number;
}): LevelReport {
  const { data, rng, samples } = opts;
  const all = views(opts.levelOne, opts.levels);
  const sd = data.dataset.stateDim;
  const longest = longestValidationWindow(data);
  const probes: { probe: LinearProbe; r2: number }[] = all.map((v) =>
    positionProbe(data, v.encoder, rng.derive(`probe-${v.level}`), opts.probeSamples ?? 4096),
  );
  const rows: LevelSpanRow[] = [];
  const skipped: LevelReport["skipped"] = [];
  for (const [i, view] of all.entries()) {
    const fits = opts.horizons.filter((h) => h * view.stride + 1 <= longest);
    for (const h of opts.horizons)
      if (!fits.includes(h)) skipped.push({ level: view.level, macroSteps: h, envSteps: h * view.stride });
    if (fits.length === 0) continue;
    const length = Math.max(...fits) * view.stride + 1;
    const w = data.sampleArrays(samples, length, rng.derive(`windows-${view.level}`), "validation");
    const t = data.toTensors(w);
    const frame0 = tf.tidy(() =>
      tf.reshape(tf.slice(t.obs, [0, 0], [w.batch, 1]), [w.batch, ...data.obsShape]),
    );
    for (const h of fits) {
      const span = h * view.stride;
      const [levelPred, levelOnePred, latentRatio] = tf.tidy(() => {
        const s0 = view.encoder.encode(frame0);
        const pred = view.rollout(s0, t.actions, h);
        const d = s0.shape[1];
        const last = tf.reshape(tf.slice(pred, [0, h - 1, 0], [w.batch, 1, d]), [w.batch, d]);
        const end = view.encoder.encode(
          tf.reshape(tf.slice(t.obs, [0, span], [w.batch, 1]), [w.batch, ...data.obsShape]),
        );
        const ratio = tf.div(tf.sum(tf.squaredDifference(last, end)), tf.sum(tf.squaredDifference(s0, end)));
        const s1 = opts.levelOne.encode(frame0);
        const onePred = all[0]?.rollout(s1, t.actions, span) as tf.Tensor3D;
        const oneLast = tf.reshape(tf.slice(onePred, [0, span - 1, 0], [w.batch, 1, s1.shape[1]]), [
          w.batch,
          s1.shape[1],
        ]);
        return [last.dataSync(), oneLast.dataSync(), ratio.dataSync()[0] as number] as const;
      });
      const start = statesAt(w, 0, sd);
      const end = statesAt(w, span, sd);
      const decoded = probes[i]?.probe.predict(levelPred, w.batch) as Float64Array;
      const decodedOne = probes[0]?.probe.predict(levelOnePred, w.batch) as Float64Array;
      rows.push({
        level: view.level,
        stride: view.stride,
        macroSteps: h,
        envSteps: span,
        levelError: meanPositionDistance(decoded, end, w.batch, sd),
        levelOneError: meanPositionDistance(decodedOne, end, w.batch, sd),
        noMotion: meanPositionDistance(start, end, w.batch, sd),
        latentRatio,
        calls: h,
        levelOneCalls: span,
      });
    }
    tf.dispose([frame0, t.obs, t.actions]);
  }
  return { probeR2: probes.map((p) => p.r2), rows, skipped, windows: samples };
}

/** The report as a table for a terminal or a closing note. */
export function formatLevelReport(report: LevelReport): string {
  const header = [
    "level",
    "stride",
    "macro-steps",
    "env steps",
    "pos err",
    "level-1 pos err",
    "no-motion",
    "latent err/base",
    "calls (L1 calls)",
  ];
  const table = report.rows.map((r) => [
    String(r.level),
    String(r.stride),
    String(r.macroSteps),
    String(r.envSteps),
    r.levelError.toFixed(3),
    r.levelOneError.toFixed(3),
    r.noMotion.toFixed(3),
    r.latentRatio.toFixed(3),
    `${r.calls} (${r.levelOneCalls})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] as number)).join("  ");
  const lines = [
    `position probe R^2 by level: ${report.probeR2.map((r, i) => `L${i + 1} ${r.toFixed(4)}`).join(", ")}; ${report.windows} held-out windows per level; errors in map units`,
    line(header),
    ...table.map(line),
  ];
  if (report.skipped.length > 0)
    lines.push(
      `not measured (no validation episode that long): ${report.skipped.map((s) => `L${s.level} x${s.macroSteps} (${s.envSteps} steps)`).join(", ")}`,
    );
  return lines.join("\n");
}
