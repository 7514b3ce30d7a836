/**
 * Nonlinear probes: how much of a quantity (true position, ...) a representation holds when the read-out may
 * bend. A small ReLU MLP on standardised inputs and targets, trained by minibatch Adam on mean squared error,
 * scored by R^2 on held-out samples. Plain JS in float64 (no tensors), so a seed gives the same probe on every
 * backend; every random draw (initial weights, minibatch order) comes from the `Rng` passed in.
 */
import type { Rng } from "gymnasium-js";
import { checkMatrix, columnMeans, type RowMajor } from "./matrix.ts";
import { type R2Score, r2, rowsOf } from "./probe.ts";

export interface MlpProbeOptions {
  /** Hidden layer widths (default [64, 64]). */
  hidden?: readonly number[];
  /** Adam updates (default 1000). */
  steps?: number;
  /** Samples per update (default 128; all samples when fewer). */
  batchSize?: number;
  /** Peak learning rate, decayed to 0 by a cosine over the steps (default 1e-2). */
  lr?: number;
  /** L2 penalty on the weights (not the biases), added to the standardised mean squared error (default 1e-5). */
  weightDecay?: number;
}

export const MLP_PROBE_DEFAULTS = {
  hidden: [64, 64],
  steps: 1000,
  batchSize: 128,
  lr: 1e-2,
  weightDecay: 1e-5,
} as const;

export interface MlpProbe {
  dx: number;
  dy: number;
  /** Layer widths, input first: [dx, ...hidden, dy]. */
  sizes: readonly number[];
  /** Per layer: row-major [in, out] weights and [out] biases, on standardised inputs and targets. */
  layers: readonly { w: Float64Array; b: Float64Array }[];
  /** Standardisation of inputs and targets fitted on the training samples: x_s = (x - mean) / scale. */
  inputMean: Float64Array;
  inputScale: Float64Array;
  targetMean: Float64Array;
  targetScale: Float64Array;
  /** Mean squared error (standardised targets, without the penalty) on the training samples after training. */
  trainLoss: number;
  /** Predictions for row-major [n, dx] inputs, as row-major [n, dy] in the targets' units. */
  predict(x: RowMajor, n: number): Float64Array;
}

/** Fits y ([n, dy]) from x ([n, dx]) with a ReLU MLP; `rng` draws the initial weights and the minibatches. */
export function fitMlpProbe(
  x: RowMajor,
  y: RowMajor,
  n: number,
  dx: number,
  dy: number,
  rng: Rng,
  options: MlpProbeOptions = {},
): MlpProbe {
  const where = "fitMlpProbe";
  checkMatrix(x, n, dx, where, "x");
  checkMatrix(y, n, dy, where, "y");
  const hidden = [...(options.hidden ?? MLP_PROBE_DEFAULTS.hidden)];
  const steps = options.steps ?? MLP_PROBE_DEFAULTS.steps;
  const lr = options.lr ?? MLP_PROBE_DEFAULTS.lr;
  const weightDecay = options.weightDecay ?? MLP_PROBE_DEFAULTS.weightDecay;
  const batch = Math.min(n, options.batchSize ?? MLP_PROBE_DEFAULTS.batchSize);
  if (!hidden.every((h) => Number.isInteger(h) && h >= 1))
    throw new Error(`${where}: hidden must be integers >= 1 (got [${hidden.join(", ")}])`);
  if (!(Number.isInteger(steps) && steps >= 1))
    throw new Error(`${where}: steps must be an integer >= 1 (got ${steps})`);
  if (!(Number.isInteger(batch) && batch >= 1))
    throw new Error(`${where}: batchSize must be an integer >= 1 (got ${options.batchSize})`);
  if (!(Number.isFinite(lr) && lr > 0)) throw new Error(`${where}: lr must be a number > 0 (got ${lr})`);
  if (!(Number.isFinite(weightDecay) && weightDecay >= 0))
    throw new Error(`${where}: weightDecay must be a number >= 0 (got ${weightDecay})`);

  const inX = standardiser(x, n, dx);
  const inY = standardiser(y, n, dy);
  const xs = standardise(x, n, dx, inX);
  const ys = standardise(y, n, dy, inY);
  const sizes = [dx, ...hidden, dy];
  const net = new Network(sizes, rng);

  // Minibatches walk through a fresh permutation of the samples every epoch.
  const order = Array.from({ length: n }, (_, i) => i);
  let cursor = n;
  const xb = new Float64Array(batch * dx);
  const yb = new Float64Array(batch * dy);
  for (let t = 0; t < steps; t++) {
    for (let r = 0; r < batch; r++) {
      if (cursor === n) {
        rng.shuffle(order);
        cursor = 0;
      }
      const i = order[cursor++];
      xb.set(xs.subarray(i * dx, (i + 1) * dx), r * dx);
      yb.set(ys.subarray(i * dy, (i + 1) * dy), r * dy);
    }
    net.step(xb, yb, batch, (lr * (1 + Math.cos((Math.PI * t) / steps))) / 2, weightDecay);
  }

  const fitted = net.forward(xs, n);
  let sq = 0;
  for (let i = 0; i < n * dy; i++) sq += (fitted[i] - ys[i]) ** 2;
  const predict = (xNew: RowMajor, m: number): Float64Array => {
    checkMatrix(xNew, m, dx, "MlpProbe.predict", "x");
    const out = net.forward(standardise(xNew, m, dx, inX), m);
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < dy; k++) out[i * dy + k] = out[i * dy + k] * inY.scale[k] + inY.mean[k];
    }
    return out;
  };
  return {
    dx,
    dy,
    sizes,
    layers: net.layers.map(({ w, b }) => ({ w, b })),
    inputMean: inX.mean,
    inputScale: inX.scale,
    targetMean: inY.mean,
    targetScale: inY.scale,
    trainLoss: sq / (n * dy),
    predict,
  };
}

/**
 * Held-out R^2 of an MLP probe fitted on (trainX, trainY) and scored on (testX, testY), with the probe; all
 * row-major, the sample counts inferred from the lengths.
 */
export function mlpProbeR2(
  trainX: RowMajor,
  trainY: RowMajor,
  testX: RowMajor,
  testY: RowMajor,
  dx: number,
  dy: number,
  rng: Rng,
  options: MlpProbeOptions = {},
): { r2: R2Score; probe: MlpProbe } {
  const nTrain = rowsOf(trainX, dx, "trainX", "mlpProbeR2");
  const nTest = rowsOf(testX, dx, "testX", "mlpProbeR2");
  const probe = fitMlpProbe(trainX, trainY, nTrain, dx, dy, rng, options);
  return { r2: r2(testY, probe.predict(testX, nTest), nTest, dy), probe };
}

interface Standardiser {
  mean: Float64Array;
  scale: Float64Array;
}

function standardiser(v: RowMajor, n: number, d: number): Standardiser {
  const mean = columnMeans(v, n, d);
  const scale = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) scale[j] += (v[i * d + j] - mean[j]) ** 2;
  // A constant column has no spread to standardise by; it centres to 0.
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j] / n) || 1;
  return { mean, scale };
}

function standardise(v: RowMajor, n: number, d: number, s: Standardiser): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) out[i * d + j] = (v[i * d + j] - s.mean[j]) / s.scale[j];
  return out;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** A ReLU MLP (linear output) with its Adam moments; He-normal weights, zero biases. */
class Network {
  readonly layers: {
    w: Float64Array;
    b: Float64Array;
    gw: Float64Array;
    gb: Float64Array;
    m: Float64Array[];
    v: Float64Array[];
  }[] = [];
  private t = 0;

  constructor(
    readonly sizes: readonly number[],
    rng: Rng,
  ) {
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fanIn = sizes[l];
      const fanOut = sizes[l + 1];
      const w = new Float64Array(fanIn * fanOut);
      // He initialisation keeps the ReLU activations' scale; the linear output layer gets 1 / fanIn.
      const std = Math.sqrt((l + 2 < sizes.length ? 2 : 1) / fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal(0, std);
      const b = new Float64Array(fanOut);
      this.layers.push({
        w,
        b,
        gw: new Float64Array(w.length),
        gb: new Float64Array(fanOut),
        m: [new Float64Array(w.length), new Float64Array(fanOut)],
        v: [new Float64Array(w.length), new Float64Array(fanOut)],
      });
    }
  }

  /** Activations of every layer for `x` ([n, sizes[0]]), input first; ReLU on all but the last. */
  private activations(x: Float64Array, n: number): Float64Array[] {
    const acts = [x];
    for (let l = 0; l < this.layers.length; l++) {
      const { w, b } = this.layers[l];
      const fanIn = this.sizes[l];
      const fanOut = this.sizes[l + 1];
      const last = l + 1 === this.layers.length;
      const h = acts[l];
      const out = new Float64Array(n * fanOut);
      for (let r = 0; r < n; r++) {
        const o = r * fanOut;
        out.set(b, o);
        for (let i = 0; i < fanIn; i++) {
          const v = h[r * fanIn + i];
          if (v === 0) continue;
          const wi = i * fanOut;
          for (let j = 0; j < fanOut; j++) out[o + j] += v * w[wi + j];
        }
        if (!last) for (let j = 0; j < fanOut; j++) if (out[o + j] < 0) out[o + j] = 0;
      }
      acts.push(out);
    }
    return acts;
  }

  forward(x: Float64Array, n: number): Float64Array {
    return this.activations(x, n)[this.layers.length];
  }

  /** One Adam update on the batch's mean squared error plus `weightDecay` ||W||^2. */
  step(x: Float64Array, y: Float64Array, n: number, lr: number, weightDecay: number): void {
    const acts = this.activations(x, n);
    const dy = this.sizes[this.sizes.length - 1];
    // d(loss)/d(output) for loss = mean over the n * dy squared errors.
    let grad = new Float64Array(n * dy);
    const out = acts[this.layers.length];
    for (let i = 0; i < n * dy; i++) grad[i] = (2 * (out[i] - y[i])) / (n * dy);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const { w, gw, gb } = layer;
      const fanIn = this.sizes[l];
      const fanOut = this.sizes[l + 1];
      const h = acts[l];
      gw.fill(0);
      gb.fill(0);
      const back = l > 0 ? new Float64Array(n * fanIn) : null;
      for (let r = 0; r < n; r++) {
        const g = r * fanOut;
        for (let j = 0; j < fanOut; j++) gb[j] += grad[g + j];
        for (let i = 0; i < fanIn; i++) {
          const v = h[r * fanIn + i];
          const wi = i * fanOut;
          if (v !== 0) for (let j = 0; j < fanOut; j++) gw[wi + j] += v * grad[g + j];
          // The ReLU passes gradient only where its output (this layer's input) was positive.
          if (back !== null && v > 0) {
            let s = 0;
            for (let j = 0; j < fanOut; j++) s += w[wi + j] * grad[g + j];
            back[r * fanIn + i] = s;
          }
        }
      }
      if (weightDecay > 0) for (let i = 0; i < w.length; i++) gw[i] += 2 * weightDecay * w[i];
      if (back !== null) grad = back;
    }
    this.t += 1;
    const c1 = 1 - BETA1 ** this.t;
    const c2 = 1 - BETA2 ** this.t;
    for (const layer of this.layers) {
      const pairs: [Float64Array, Float64Array, Float64Array, Float64Array][] = [
        [layer.w, layer.gw, layer.m[0], layer.v[0]],
        [layer.b, layer.gb, layer.m[1], layer.v[1]],
      ];
      for (const [p, g, m, v] of pairs) {
        for (let i = 0; i < p.length; i++) {
          m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
          v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
          p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + EPSILON);
        }
      }
    }
  }
}
