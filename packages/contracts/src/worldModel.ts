import { EnvironmentError, InputError } from "@hjepa/errors";
import type { tf } from "@hjepa/tensor";
import { Box, Discrete } from "gymnasium-js";

/**
 * The one `WorldModel` contract: what agents, planners, the configurator and evaluation know of a world model.
 * A world model is a list of levels; level 1 predicts one env step ahead from a primitive action, level k
 * predicts `stride` env steps ahead from a macro-action. A planner is given one level (`WorldModelLevel`) and
 * works the same at every level: it reads the level's action description, calls its `predict`, and charges its
 * budget at the level's `costPerCall`.
 */

/** Continuous primitive actions: a box of `size` values; a bound is infinite where the space is unbounded. */
export interface BoxActionDescription {
  readonly kind: "box";
  /** Values per action: `predict` takes `a [N, size]`. */
  readonly size: number;
  readonly low: Float32Array;
  readonly high: Float32Array;
}

/** Discrete primitive actions: the values `start, ..., start + n - 1`, given to `predict` as `a [N, 1]`. */
export interface DiscreteActionDescription {
  readonly kind: "discrete";
  readonly size: 1;
  readonly n: number;
  readonly start: number;
}

/**
 * A level's macro-action latent (level >= 2), from the statistics saved with the level over its training data:
 * a box whose bounds are the per-dimension 2nd and 98th percentiles (where a search should stay), and the mean
 * and covariance (a Gaussian prior to sample from).
 */
export interface MacroActionDescription {
  readonly kind: "macro";
  /** Latent size m: `predict` takes `a [N, m]`. */
  readonly size: number;
  /** Per-dimension 2nd percentile. */
  readonly low: Float32Array;
  /** Per-dimension 98th percentile. */
  readonly high: Float32Array;
  readonly mean: Float32Array;
  /** `[size, size]`, row-major. */
  readonly covariance: Float32Array;
  /** How many latents the statistics were computed from. */
  readonly count: number;
}

export type PrimitiveActionDescription = BoxActionDescription | DiscreteActionDescription;

/** What a level's `a` is: primitive actions at level 1, a macro-action latent above. */
export type ActionDescription = PrimitiveActionDescription | MacroActionDescription;

/**
 * A level's per-step latent variable `z`: what the state and the action leave undetermined about the next state
 * (stochastic transitions), so that different `z` give different plausible futures.
 */
export interface LatentDescription {
  /** Values per step: `predict` takes `z [N, size]`, `rollout` takes `z [N, H, size]`. */
  readonly size: number;
  /** `categorical`: z is one of `size` codes, given one-hot (the level draws it with `sampleLatent`). */
  readonly kind: "categorical";
}

/**
 * One level of a world model, as a planner sees it. Shapes: `s [N, dim]`, `a [N, actions.size]`, where N is the
 * number of candidates in the batch; every call is batched over candidates.
 */
export interface WorldModelLevel {
  /** 1 for the level of primitive actions, 2 for the one above it, and so on. */
  readonly level: number;
  /** Env steps per prediction: 1 at level 1; a multiple of the level below's above it. */
  readonly stride: number;
  /** Representation size at this level. */
  readonly dim: number;
  /** What `a` is at this level. */
  readonly actions: ActionDescription;
  /** The level's latent variable, or null when its predictor takes none (a deterministic predictor). */
  readonly latent: LatentDescription | null;
  /**
   * Draws `z [N, latent.size]` from the level's prior p(z | s, a) for `s [N, dim]` and `a [N, actions.size]`, from
   * `uniform [N, latent.size]` numbers in (0, 1) that the caller draws from its seeded `Rng` (reproducible draws).
   * Present on levels whose `latent` is not null.
   */
  sampleLatent?(s: tf.Tensor2D, a: tf.Tensor2D, uniform: tf.Tensor2D): tf.Tensor2D;
  /**
   * The level's prior p(z | s, a) itself: probabilities `[N, latent.size]` (rows sum to 1) for `s [N, dim]` and
   * `a [N, actions.size]`; what a planner that searches z (rather than samples it) needs to tell a plausible code
   * from one the data never had there. Present on levels whose `latent` is not null.
   */
  latentPrior?(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D;
  /**
   * Multiply-adds of one predictor call on one candidate (one row of `predict`: the unit budgets count), from
   * the predictor's weight shapes; deterministic, not timed.
   */
  readonly multiplyAdds: number;
  /** `multiplyAdds` relative to level 1's (1 at level 1): the cost a planner charges per call at this level. */
  readonly costPerCall: number;
  /** This level's representation of level-1 representations: `[B, d1]` -> `[B, dim]` (identity at level 1). */
  represent(s1: tf.Tensor2D): tf.Tensor2D;
  /**
   * This level's representation of the level below's: `[B, d_{k-1}]` -> `[B, dim]` (identity at level 1 and for a
   * level that shares the representation below it). A level-k plan's predicted state is a subgoal for level
   * k - 1 through it: the level below scores its imagined states by their distance to the subgoal after `lift`.
   */
  lift(below: tf.Tensor2D): tf.Tensor2D;
  /** True when `lift` is the identity (the subgoal can be compared with the level below's states directly). */
  readonly sharesRepresentationBelow: boolean;
  /**
   * One prediction, `stride` env steps ahead: `s [N, dim]`, `a [N, actions.size]` -> `[N, dim]`. `z [N, size]` is
   * the optional latent variable (absent: the level's most likely one); on a level whose `latent` is null,
   * passing one is a `LatentVariableError`.
   */
  predict(s: tf.Tensor2D, a: tf.Tensor2D, z?: tf.Tensor2D): tf.Tensor2D;
  /**
   * This level's action for `stride` consecutive primitive actions: `[N, stride, primitive size]` ->
   * `[N, actions.size]` (level 1 drops the step axis; a macro level encodes the chunk with its macro-action
   * encoder). Turns an observed sequence of primitive actions, for example a path through real experience,
   * into what `predict` takes at this level.
   */
  encodeActions(primitive: tf.Tensor3D): tf.Tensor2D;
  /** Open-loop predictions from `s0 [N, dim]` over `actions [N, H, size]` (and `z [N, H, size]`) -> `[N, H, dim]`. */
  rollout(s0: tf.Tensor2D, actions: tf.Tensor3D, z?: tf.Tensor3D): tf.Tensor3D;
}

/** A world model: an encoder of observations and its levels, level 1 first. */
export interface WorldModel {
  /** One observation's shape (the encoder takes `[B, ...obsShape]`). */
  readonly obsShape: readonly number[];
  /** `levels[k - 1]` is level k; a flat world model is the one-level case. */
  readonly levels: readonly [WorldModelLevel, ...WorldModelLevel[]];
  /** Level-1 representations of observations `[B, ...obsShape]` -> `[B, levels[0].dim]`. */
  encode(obs: tf.Tensor): tf.Tensor2D;
}

/** A latent variable `z` was given where a level cannot take it, or with the wrong shape. */
export class LatentVariableError extends InputError {
  override name = "LatentVariableError";
  constructor(
    message: string,
    readonly level: number,
  ) {
    super(message);
  }
}

/**
 * Checks the `z` given to a level's `predict` (`leading` = [N]) or `rollout` (`leading` = [N, H]): an absent `z`
 * always passes; one given to a level without a latent variable, or not of shape `[...leading, latent.size]`,
 * is a `LatentVariableError`.
 */
export function checkLatent(
  level: { readonly level: number; readonly latent: Pick<LatentDescription, "size"> | null },
  z: { readonly shape: readonly number[] } | null | undefined,
  leading: readonly number[],
): void {
  if (z === undefined || z === null) return;
  if (level.latent === null) {
    throw new LatentVariableError(
      `level ${level.level}: its predictor takes no latent variable z (got one of shape [${z.shape.join(", ")}]); ` +
        "call predict/rollout without z",
      level.level,
    );
  }
  const want = [...leading, level.latent.size];
  if (z.shape.length !== want.length || z.shape.some((v, i) => v !== want[i])) {
    throw new LatentVariableError(
      `level ${level.level}: z must have shape [${want.join(", ")}] (got [${z.shape.join(", ")}])`,
      level.level,
    );
  }
}

/** Level 1's action description from an environment's action space (a gymnasium-js `Box` or `Discrete`). */
export function describePrimitiveActions(space: unknown): PrimitiveActionDescription {
  if (space instanceof Discrete) return { kind: "discrete", size: 1, n: space.n, start: space.start };
  if (space instanceof Box) {
    return {
      kind: "box",
      size: space.size,
      low: Float32Array.from(space.low),
      high: Float32Array.from(space.high),
    };
  }
  throw new EnvironmentError(
    `the world model needs a Box or Discrete action space (got ${String((space as object)?.toString?.() ?? space)})`,
  );
}
