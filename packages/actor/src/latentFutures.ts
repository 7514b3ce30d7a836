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
 * - `adversarial` (worst case, searched rather than sampled): one future per candidate, chosen step by step by an
 *   adversary: every code of the level's categorical z is predicted, and the adversary keeps, among the codes the
 *   prior finds plausible there (probability at least `plausible`; the most likely code always is), the one whose
 *   next state costs most by the plan's own cost (a violated guardrail first, then the task cost). The candidate is feasible when that future meets every hard guardrail. The adversary is
 *   greedy (one step ahead), not the exact worst over every code sequence, and it never invents a future the
 *   prior rules out (a gust where there is no wind).
 * Compute is charged honestly: a candidate-step rolled out in M futures costs M predictor calls; in `adversarial`
 * it costs `latent.size` calls (every code is predicted).
 */
export type LatentMode = "mean" | "sample" | "worst" | "adversarial";

export interface LatentPlanning {
  mode: LatentMode;
  /** Futures per candidate (M) in `sample` and `worst`. */
  samples: number;
  /** `adversarial`: the smallest prior probability of a code the adversary may choose (default 0.05). */
  plausible?: number;
}

/** The default of `LatentPlanning.plausible`. */
export const DEFAULT_PLAUSIBLE = 0.05;

/**
 * Predictor calls per candidate-step for a request: 1 for `mean` (or no setting); M futures for `sample` and
 * `worst`; every code (`latent.size`) for `adversarial`. The latent modes need a level with a latent variable
 * and a planner that scores every candidate through `Search.evaluate` (`futures`).
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
  if (mode !== "adversarial" && !(Number.isSafeInteger(samples) && samples >= 1)) {
    throw new InputError(`${planner}: latent samples must be a positive integer (got ${samples})`);
  }
  const plausible = latent.plausible ?? DEFAULT_PLAUSIBLE;
  if (mode === "adversarial" && !(plausible >= 0 && plausible <= 1)) {
    throw new InputError(`${planner}: latent plausible must be a probability in [0, 1] (got ${plausible})`);
  }
  const searchable = mode === "adversarial" ? model.latentPrior : model.sampleLatent;
  if (model.latent && !searchable) {
    throw new InputError(
      `${planner}: latent mode "${mode}" needs level ${level}'s ${mode === "adversarial" ? "latentPrior" : "sampleLatent"}, ` +
        "which this world-model level does not give",
    );
  }
  if (!model.latent || !searchable) {
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
  return mode === "adversarial" ? model.latent.size : samples;
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
 * Rolls `actions [C, H, k]` out from `start [1, d]` in one adversarial future per candidate (mode `adversarial`):
 * at every step all `latent.size` codes are predicted in one batched call, each branch's next state is scored by
 * `cost` against `goal` as a one-step trajectory (all branches in one `Cost.evaluate`, so a guardrail's
 * rank-last offset is the same for all), and each row keeps the costliest branch among its plausible codes
 * (prior probability at least `plausible`, or the row's most likely code) -> `[C, H, d]`. A NaN cost counts as
 * the worst. For costs that add up over the steps or judge the last state (the energy, the critic, per-state
 * guardrails) this is the branch whose trajectory so far costs most.
 */
export function adversarialRollout(
  model: PlannerModel,
  start: tf.Tensor2D,
  actions: tf.Tensor3D,
  cost: PlanRequest["cost"],
  goal: tf.Tensor2D,
  plausible: number,
): tf.Tensor3D {
  const prior = model.latentPrior;
  const size = model.latent?.size;
  if (!prior || size === undefined) throw new Error("adversarialRollout: the model has no latent prior");
  return tf.tidy(() => {
    const [c, h] = actions.shape;
    const steps = tf.unstack(actions, 1) as tf.Tensor2D[];
    // Branch j's rows are j * C .. j * C + C - 1: every row under code j.
    const codes = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: size * c }, (_, i) => Math.floor(i / c)),
        "int32",
      ),
      size,
    );
    const z = tf.cast(codes, "float32") as tf.Tensor2D;
    let s = tf.tile(start, [c, 1]) as tf.Tensor2D;
    const out: tf.Tensor2D[] = [];
    for (let t = 0; t < h; t++) {
      const a = steps[t] as tf.Tensor2D;
      const p = prior.call(model, s, a);
      const next = model.predict(
        tf.tile(s, [size, 1]) as tf.Tensor2D,
        tf.tile(a, [size, 1]) as tf.Tensor2D,
        z,
      );
      const branches = tf.reshape(next, [size, c, -1]);
      // The step's own cost: for costs that add up over steps or judge the last state (energy, critic,
      // per-state guardrails) the branches' trajectories differ by it alone, and it keeps this O(H).
      const states = tf.expandDims(next, 1) as tf.Tensor3D;
      const taken = tf.expandDims(tf.tile(a, [size, 1]), 1) as tf.Tensor3D;
      const total = cost.evaluate({ states, actions: taken, start }, goal).total;
      const worst = tf.where(tf.isNaN(total), tf.fill(total.shape, 3e38), tf.minimum(total, 3e38));
      const perCode = tf.transpose(tf.reshape(worst, [size, c])) as tf.Tensor2D;
      const allowed = tf.logicalOr(tf.greaterEqual(p, plausible), tf.equal(p, tf.max(p, 1, true)));
      const pick = tf.argMax(tf.where(allowed, perCode, tf.fill(perCode.shape, -3.4e38)), 1);
      const chosen = tf.cast(tf.oneHot(pick, size), "float32");
      s = tf.sum(tf.mul(tf.expandDims(tf.transpose(chosen), 2), branches), 0) as tf.Tensor2D;
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
  /** Predictor calls per candidate-step (see `futuresOf`): what each candidate-step is charged. */
  readonly futures: number;
  readonly mode: LatentMode;
  /** Rows each candidate is rolled out in: M in `sample` and `worst`, else 1. */
  private readonly rowsPer: number;
  private readonly scenarios: Float32Array | null;

  /** `allowed`: the planner scores every candidate through `Search.evaluate` (see `futuresOf`). */
  constructor(request: PlanRequest, planner: string, allowed: boolean) {
    this.futures = futuresOf(request.latent, request.model, planner, allowed);
    this.mode = request.latent?.mode ?? "mean";
    this.rowsPer = this.mode === "sample" || this.mode === "worst" ? this.futures : 1;
    this.scenarios =
      this.mode === "mean" || this.mode === "adversarial"
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
    const m = this.rowsPer;
    const [count, h, k] = a.shape;
    const rows =
      m === 1
        ? a
        : (tf.reshape(tf.tile(tf.expandDims(a, 1), [1, m, 1, 1]), [count * m, h, k]) as tf.Tensor3D);
    const { model, state, cost, goal } = request;
    const states =
      this.mode === "adversarial"
        ? adversarialRollout(model, state, rows, cost, goal, request.latent?.plausible ?? DEFAULT_PLAUSIBLE)
        : this.scenarios === null
          ? rollout(model, state, rows)
          : sampledRollout(model, state, rows, this.scenarios, m);
    return { rows, states };
  }

  /** The batch's scores per candidate: its futures' rows aggregated by the mode (unchanged with one row each). */
  score(raw: Scored, count: number): Scored {
    return this.rowsPer === 1
      ? raw
      : aggregateFutures(raw.total, raw.feasible, count, this.rowsPer, this.mode);
  }
}
