import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { embeddingDistance, type TemporalDistanceCritic } from "./critic.ts";

export interface CriticFitOptions {
  /** Gradient steps (default 3000). */
  steps?: number;
  /** Spans and random pairs per step (default 512). */
  batchSize?: number;
  /** Adam learning rate of the embedding (default 0.001). */
  lr?: number;
  /**
   * Random pairs are pushed apart with a force that fades past about this many steps (QRL's offset; default
   * 500): above the longest distance of the map, so that every pair is pushed.
   */
  spread?: number;
  /** Allowed root-mean-square excess of an observed transition over one step (QRL's epsilon; default 0.05). */
  slack?: number;
  /** Adam learning rate of the log of the step constraint's Lagrange multiplier (default 0.03: ~3% a step). */
  multiplierLr?: number;
  /**
   * Fraction of the pairs whose second frame is the nearest to the first, in representation space, of
   * `nearCandidates` random frames (default 0: uniform pairs, as QRL). Frames on the two sides of a wall are close
   * in representation but far in steps: uniform pairs seldom join them, and the push leaves the metric smooth
   * across the wall.
   */
  nearPairs?: number;
  nearCandidates?: number;
  /** Draws the initial weights and the minibatches. */
  rng: Rng;
  /** Called after each step. */
  onStep?: (step: number, total: number) => void;
}

/** The fit at one logged step. */
export interface CriticFitRecord {
  step: number;
  /** Mean distance (steps) between the random pairs of the batch. */
  pairDistance: number;
  /** Mean distance per step of the batch's spans (1: one step per step the data took). */
  stepDistance: number;
  /** Mean squared excess of the spans' distance per step over 1 (the constraint, held at slack^2). */
  violation: number;
  multiplier: number;
}

export interface CriticFitResult {
  history: CriticFitRecord[];
  transitions: number;
  /**
   * Over every training transition at the end: the mean of its distance over its cost (1: a step measures what
   * it cost), and the fraction of transitions within 1 + slack of their cost.
   */
  stepDistance: number;
  withinSlack: number;
}

export const CRITIC_FIT_DEFAULTS = {
  steps: 3000,
  batchSize: 512,
  lr: 0.001,
  spread: 500,
  slack: 0.05,
  multiplierLr: 0.03,
  nearPairs: 0,
  nearCandidates: 32,
} as const;

/** Encoded windows of consecutive frames: `reps [windows * length * d]`, row-major, frame by frame. */
export interface CriticWindows {
  reps: Float32Array;
  windows: number;
  /** Frames per window (>= 2). */
  length: number;
  /**
   * What each observed transition costs, in steps (`[windows * (length - 1)]`, each > 0; default 1 each: the
   * critic counts steps). Counting a data step that moved at a fraction of full speed as that fraction makes
   * the critic count full-speed steps, the time an agent that moves at full speed needs.
   */
  stepCosts?: Float32Array;
}

/**
 * Trains `critic` from scratch on encoded windows of consecutive frames, as QRL does (see
 * `TemporalDistanceCritic`): with d the critic's distance, the embedding minimises
 *
 *   mean_pairs softplus(beta (spread - d(s, g))) / beta  +  lambda * mean_spans relu(d(s_i, s_j) / c_ij - 1)^2
 *
 * Pairs join a frame to a random frame, or (a fraction `nearPairs`) to the nearest in representation of a few
 * random frames (beta = 5 / spread: the push is about one unit per pair until d nears `spread`). Spans are two
 * frames i < j of one window: the data went from one to the other at a cost c_ij (the sum of its step costs:
 * j - i steps by default), an upper bound of their distance. QRL bounds single transitions only; bounding whole
 * spans as well keeps a chain's per-step slack from adding up over its length. The multiplier lambda = exp(raw)
 * rises while the constraint exceeds slack^2 and falls below it (dual ascent). Seeded by `rng`.
 */
export function fitCritic(
  critic: TemporalDistanceCritic,
  data: CriticWindows,
  options: CriticFitOptions,
): CriticFitResult {
  const o = { ...CRITIC_FIT_DEFAULTS, ...options };
  const d = critic.dim;
  const { windows, length, reps } = data;
  const frames = windows * length;
  if (!(Number.isSafeInteger(windows) && windows > 0 && Number.isSafeInteger(length) && length >= 2)) {
    throw new Error(`fitCritic: need at least one window of at least 2 frames (got ${windows} x ${length})`);
  }
  if (reps.length !== frames * d) {
    throw new Error(`fitCritic: reps has ${reps.length} values; expected ${windows} x ${length} x ${d}`);
  }
  const stepCosts = data.stepCosts ?? new Float32Array(windows * (length - 1)).fill(1);
  if (stepCosts.length !== windows * (length - 1) || !stepCosts.every((c) => c > 0))
    throw new Error(
      `fitCritic: stepCosts must hold ${windows} x ${length - 1} positive numbers (got ${stepCosts.length} values)`,
    );
  // Cumulative step costs per window: a span's bound is a difference of two of them.
  const reach = new Float64Array(frames);
  for (let w = 0; w < windows; w++)
    for (let t = 1; t < length; t++)
      reach[w * length + t] =
        (reach[w * length + t - 1] as number) + (stepCosts[w * (length - 1) + t - 1] as number);
  critic.standardise(reps);
  critic.initWeights(o.rng);
  const beta = 5 / o.spread;
  const all = tf.tensor2d(reps, [frames, d]);
  const trainable = critic.trainable();
  const adam = new SmallAdam(trainable);
  // The multiplier is one number: lambda = exp(raw), raw moved by a scalar Adam, so that lambda grows or shrinks
  // by a factor per step and reaches the large values a tight constraint needs in a few hundred steps.
  const dual = { raw: 0, m: 0, v: 0 };
  const history: CriticFitRecord[] = [];
  const logEvery = Math.max(1, Math.floor(o.steps / 20));
  const size = o.batchSize;
  const starts = new Int32Array(size);
  const ends = new Int32Array(size);
  const goals = new Int32Array(size);
  const span = new Float32Array(size);
  try {
    for (let step = 1; step <= o.steps; step++) {
      for (let b = 0; b < size; b++) {
        const w = o.rng.int(windows) * length;
        const i = o.rng.int(length - 1);
        const j = o.rng.int(i + 1, length);
        starts[b] = w + i;
        ends[b] = w + j;
        span[b] = (reach[w + j] as number) - (reach[w + i] as number);
        // No draw when nearPairs is 0: the stream (and the critic) is then plain QRL's.
        goals[b] =
          o.nearPairs > 0 && o.rng.float() < o.nearPairs
            ? nearest(reps, d, w + i, frames, o.nearCandidates, o.rng)
            : o.rng.int(frames);
      }
      const lambda = Math.exp(dual.raw);
      const measured = tf.tidy(() => {
        const at = (idx: Int32Array) => tf.gather(all, tf.tensor1d(idx, "int32"));
        const batch = tf.concat([at(starts), at(ends), at(goals)], 0) as tf.Tensor2D;
        const k = tf.tensor1d(span);
        let kept: tf.Tensor[] = [];
        const { grads } = tf.variableGrads(() => {
          const [es, ee, eg] = tf.split(critic.embed(batch), 3, 0) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
          const perStep = tf.div(embeddingDistance(es, ee, critic.norm), k);
          const dPair = embeddingDistance(es, eg, critic.norm);
          const push = tf.div(tf.mean(tf.softplus(tf.mul(beta, tf.sub(o.spread, dPair)))), beta);
          const violation = tf.mean(tf.square(tf.relu(tf.sub(perStep, 1))));
          kept = [tf.keep(tf.mean(dPair)), tf.keep(tf.mean(perStep)), tf.keep(violation.clone())];
          return tf.add(push, tf.mul(lambda, violation)) as tf.Scalar;
        }, trainable);
        // Cosine decay to a tenth of the rate: the last steps settle the metric instead of jittering it.
        adam.apply(grads, o.lr * (0.55 + 0.45 * Math.cos((Math.PI * (step - 1)) / o.steps)));
        const out = tf.stack(kept);
        tf.dispose(kept);
        return out;
      });
      const [pair, perStep, violation] = Array.from(measured.dataSync()) as [number, number, number];
      measured.dispose();
      // Dual ascent: raw climbs while the constraint exceeds slack^2 (d lambda / d raw = lambda).
      const g = -(violation - o.slack ** 2) * lambda;
      dual.m = 0.9 * dual.m + 0.1 * g;
      dual.v = 0.999 * dual.v + 0.001 * g * g;
      dual.raw -=
        (o.multiplierLr * (dual.m / (1 - 0.9 ** step))) / (Math.sqrt(dual.v / (1 - 0.999 ** step)) + 1e-12);
      dual.raw = Math.min(dual.raw, MAX_LOG_MULTIPLIER);
      if (step % logEvery === 0 || step === o.steps) {
        history.push({ step, pairDistance: pair, stepDistance: perStep, violation, multiplier: lambda });
      }
      o.onStep?.(step, o.steps);
    }
    const single = stepDistances(critic, all, windows, length);
    let sum = 0;
    let within = 0;
    single.forEach((x, t) => {
      const ratio = x / (stepCosts[t] as number);
      sum += ratio;
      if (ratio <= 1 + o.slack) within += 1;
    });
    return {
      history,
      transitions: single.length,
      stepDistance: sum / single.length,
      withinSlack: within / single.length,
    };
  } finally {
    adam.dispose();
    all.dispose();
  }
}

/** The frame nearest to frame `of` (squared L2 of representations) among `candidates` random frames. */
function nearest(
  reps: Float32Array,
  d: number,
  of: number,
  frames: number,
  candidates: number,
  rng: Rng,
): number {
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let c = 0; c < candidates; c++) {
    const f = rng.int(frames);
    if (f === of) continue;
    let sq = 0;
    for (let k = 0; k < d; k++) sq += ((reps[f * d + k] as number) - (reps[of * d + k] as number)) ** 2;
    if (sq < bestDistance) {
      bestDistance = sq;
      best = f;
    }
  }
  return best < 0 ? rng.int(frames) : best;
}

/** lambda stays below e^20: beyond it the push no longer moves the embedding at float32 precision. */
const MAX_LOG_MULTIPLIER = 20;

/** Adam over a list of variables with a learning rate per call (the schedule), moments freed by `dispose`. */
class SmallAdam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private step = 0;
  constructor(private readonly params: tf.Variable[]) {
    this.m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const c1 = 1 - 0.9 ** this.step;
    const c2 = 1 - 0.999 ** this.step;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[p.name];
        if (!g) return;
        const m = this.m[i] as tf.Variable;
        const v = this.v[i] as tf.Variable;
        m.assign(tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1)));
        v.assign(tf.add(tf.mul(v, 0.999), tf.mul(tf.square(g), 0.001)));
        p.assign(tf.sub(p, tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), 1e-8))));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

/** The critic's distance of every observed transition (consecutive frames of a window), in chunks. */
function stepDistances(
  critic: TemporalDistanceCritic,
  all: tf.Tensor2D,
  windows: number,
  length: number,
): Float32Array {
  const from: number[] = [];
  for (let w = 0; w < windows; w++) for (let t = 0; t + 1 < length; t++) from.push(w * length + t);
  const out = new Float32Array(from.length);
  const chunk = 4096;
  for (let i = 0; i < from.length; i += chunk) {
    const idx = Int32Array.from(from.slice(i, i + chunk));
    const dist = tf.tidy(() => {
      const a = tf.gather(all, tf.tensor1d(idx, "int32")) as tf.Tensor2D;
      const b = tf.gather(
        all,
        tf.tensor1d(
          idx.map((x) => x + 1),
          "int32",
        ),
      ) as tf.Tensor2D;
      return critic.distance(a, b);
    });
    out.set(dist.dataSync(), i);
    dist.dispose();
  }
  return out;
}
