import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import { rankCandidates, rollout, type Scored } from "./search.ts";
import type { PlannerModel, PlanRequest } from "./types.ts";

/**
 * How a planner treats a world-model level's latent variable z (`WorldModelLevel.latent`), set per level by the
 * configurator (`agent.latent`):
 * - `mean`: one future per candidate, the level's most likely z at each step (a deterministic level's only one);
 * - `sample` (average case): `samples` futures per candidate, z drawn from the level's prior at every step; the
 *   candidate's cost is their mean, and it counts as feasible when most of its futures (at least half) meet
 *   every hard guardrail (a risk it takes on average);
 * - `worst` (worst case): the same futures; the cost is their maximum, and it is feasible only when every
 *   sampled future meets every hard guardrail.
 * Compute is charged honestly: a candidate-step rolled out in M futures costs M predictor calls.
 */
export type LatentMode = "mean" | "sample" | "worst";

export interface LatentPlanning {
  mode: LatentMode;
  /** Futures per candidate (M) in `sample` and `worst`. */
  samples: number;
}

/**
 * Futures per candidate for a request: 1 for `mean` (or no setting); M for `sample` and `worst`, which need a
 * level with a latent variable and a planner that scores every candidate through `Search.evaluate` (`futures`).
 */
export function futuresOf(
  latent: LatentPlanning | null | undefined,
  model: PlannerModel,
  planner: string,
  futures: boolean,
): number {
  if (!latent || latent.mode === "mean") return 1;
  const { mode, samples } = latent;
  const level = model.level ?? 1;
  if (!(Number.isSafeInteger(samples) && samples >= 1)) {
    throw new InputError(`${planner}: latent samples must be a positive integer (got ${samples})`);
  }
  if (!model.latent || !model.sampleLatent) {
    throw new InputError(
      `${planner}: latent mode "${mode}" needs a world-model level with a latent variable, but level ${level}'s ` +
        'predictor takes none (train it with a latent predictor, e.g. "latent-residual-mlp", or use mode "mean")',
    );
  }
  if (!futures) {
    throw new InputError(
      `${planner}: plans on the level's most likely latent only; latent mode "${mode}" needs a planner that ` +
        'samples futures per candidate (cem, mppi or categorical-cem), or mode "mean"',
    );
  }
  return samples;
}

/**
 * The plan's latent scenarios: `futures` sequences of uniform numbers in (0, 1), `[futures, horizon, size]`,
 * drawn once per plan from `rng`. Future j of every candidate reads scenario j (common random numbers), so an
 * action sequence always meets the same M futures within a plan: candidates are compared on the same draws, and
 * a risky sequence cannot win by being re-evaluated until one draw happens to spare it.
 */
export function drawScenarios(rng: Rng, futures: number, horizon: number, size: number): Float32Array {
  const u = new Float32Array(futures * horizon * size);
  // Kept inside (0, 1): the Gumbel-max draw takes log(-log u).
  for (let i = 0; i < u.length; i++) u[i] = Math.min(1 - 1e-7, Math.max(1e-12, rng.float()));
  return u;
}

/**
 * Rolls `actions [C * M, H, k]` (candidate i's M futures in rows i * M .. i * M + M - 1) out from `start [1, d]`,
 * z drawn at every step from the level's prior given the step's state and action with future j's scenario
 * numbers (one batched call per step) -> `[C * M, H, d]`.
 */
export function sampledRollout(
  model: PlannerModel,
  start: tf.Tensor2D,
  actions: tf.Tensor3D,
  scenarios: Float32Array,
  futures: number,
): tf.Tensor3D {
  const sample = model.sampleLatent;
  const size = model.latent?.size;
  if (!sample || size === undefined) throw new Error("sampledRollout: the model has no latent variable");
  return tf.tidy(() => {
    const [r, h] = actions.shape;
    const perFuture = scenarios.length / futures;
    if (r % futures !== 0 || perFuture < h * size) {
      throw new Error(
        `sampledRollout: ${r} rows or ${scenarios.length} scenario numbers do not fit ${futures} futures`,
      );
    }
    const steps = tf.unstack(actions, 1) as tf.Tensor2D[];
    let s = tf.tile(start, [r, 1]) as tf.Tensor2D;
    const out: tf.Tensor2D[] = [];
    for (let t = 0; t < h; t++) {
      const a = steps[t] as tf.Tensor2D;
      const u = new Float32Array(futures * size);
      for (let j = 0; j < futures; j++) {
        u.set(scenarios.subarray(j * perFuture + t * size, j * perFuture + (t + 1) * size), j * size);
      }
      const uniform = tf.tile(tf.tensor2d(u, [futures, size]), [r / futures, 1]) as tf.Tensor2D;
      const z = sample.call(model, s, a, uniform);
      s = model.predict(s, a, z);
      out.push(s);
    }
    return tf.stack(out, 1) as tf.Tensor3D;
  });
}

/**
 * The candidates' scores from their futures' (`futures` consecutive rows per candidate): mean or max total, and
 * feasibility by the mode's rule; `representative[i]` is the row of candidate i's future whose total is nearest
 * its score (the imagined states a plan reports).
 */
export function aggregateFutures(
  total: Float32Array,
  feasible: Float32Array,
  count: number,
  futures: number,
  mode: LatentMode,
): Scored & { representative: Int32Array } {
  const t = new Float32Array(count);
  const f = new Float32Array(count);
  const representative = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    let max = Number.NEGATIVE_INFINITY;
    let ok = 0;
    for (let j = 0; j < futures; j++) {
      const v = total[i * futures + j] as number;
      const x = Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
      sum += x;
      max = Math.max(max, x);
      if ((feasible[i * futures + j] as number) > 0) ok++;
    }
    const score = mode === "worst" ? max : sum / futures;
    t[i] = score;
    f[i] = mode === "worst" ? (ok === futures ? 1 : 0) : 2 * ok >= futures ? 1 : 0;
    let best = i * futures;
    for (let j = 1; j < futures; j++) {
      const row = i * futures + j;
      if (Math.abs((total[row] as number) - score) < Math.abs((total[best] as number) - score)) best = row;
    }
    representative[i] = best;
  }
  return { total: t, feasible: f, order: rankCandidates(t, f), representative };
}

/**
 * The latent side of one search: how many futures each candidate is rolled out in, the plan's fixed scenarios
 * (none in mode "mean"), and how a batch is rolled out and scored over them. `Search` holds one and calls it for
 * every batch, so every planner that scores through `Search.evaluate` plans over latents the same way.
 */
export class LatentFutures {
  readonly futures: number;
  readonly mode: LatentMode;
  private readonly scenarios: Float32Array | null;

  /** `allowed`: the planner scores every candidate through `Search.evaluate` (see `futuresOf`). */
  constructor(request: PlanRequest, planner: string, allowed: boolean) {
    this.futures = futuresOf(request.latent, request.model, planner, allowed);
    this.mode = request.latent?.mode ?? "mean";
    this.scenarios =
      this.mode === "mean"
        ? null
        : drawScenarios(
            request.rng.derive("latent-futures"),
            this.futures,
            request.horizon,
            request.model.latent?.size ?? 1,
          );
  }

  /**
   * Rolls `a [C, H, k]` out in every candidate's futures: `rows [C * M, H, k]` (candidate i's futures in rows
   * i * M .. i * M + M - 1) and their states `[C * M, H, d]`.
   */
  rollout(request: PlanRequest, a: tf.Tensor3D): { rows: tf.Tensor3D; states: tf.Tensor3D } {
    const m = this.futures;
    const [count, h, k] = a.shape;
    const rows =
      m === 1
        ? a
        : (tf.reshape(tf.tile(tf.expandDims(a, 1), [1, m, 1, 1]), [count * m, h, k]) as tf.Tensor3D);
    const states =
      this.scenarios === null
        ? rollout(request.model, request.state, rows)
        : sampledRollout(request.model, request.state, rows, this.scenarios, m);
    return { rows, states };
  }

  /** The batch's scores per candidate: its futures' rows aggregated by the mode (unchanged in mode "mean"). */
  score(raw: Scored, count: number): Scored {
    return this.scenarios === null
      ? raw
      : aggregateFutures(raw.total, raw.feasible, count, this.futures, this.mode);
  }
}
