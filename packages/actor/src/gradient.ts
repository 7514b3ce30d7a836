import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import { z } from "zod";
import { shiftedWarmStart, tiledCenter, type WarmStartFill } from "./actionSpace.ts";
import {
  nonNegativeNumber,
  parsePlannerOptions,
  positiveInt,
  positiveNumber,
  warmStartFillOption,
} from "./plannerOptions.ts";
import { registerPlanner } from "./registry.ts";
import { rollout, Search, scoreOf } from "./search.ts";
import type { Planner, PlanRequest, PlanResult } from "./types.ts";

/** Options of `gradient` (Adam on the action sequences through the predictor). */
export interface GradientOptions {
  /** Sequences optimised together as one batch (default 8): the warm start (or the box centre) + random. */
  restarts?: number;
  /** Adam steps (default: as many as the budget pays for). */
  steps?: number;
  /** Adam learning rate, in half-widths of the box (default 0.1). */
  lr?: number;
  /** Std of the random restarts around the centre, in half-widths (default 0.5). */
  initStd?: number;
  warmStartFill?: WarmStartFill;
}

const NAME = "gradient";
/** The options of `gradient` as a config gives them (`agent.plannerOptions`), with their defaults and bounds. */
export const gradientOptionsSchema = z
  .object({
    restarts: positiveInt().default(8),
    /** Absent: as many steps as the budget pays for. */
    steps: positiveInt().optional(),
    lr: positiveNumber().default(0.1),
    initStd: nonNegativeNumber().default(0.5),
    warmStartFill: warmStartFillOption(),
  })
  .strict();

/**
 * Gradient descent on the action sequences: the actions are a variable `[R, H, k]` in box-normalised units
 * (a = centre + halfWidth * u), Adam minimises the sum of the R totals (each restart only sees its own
 * cost), and u is projected back onto the box after every step.
 *
 * Budget: each step costs 2 R H candidate-steps (the forward rollout, and the backward pass counted as the
 * same number of predictor calls); the final scoring of the last iterate costs R H more. The plan is the
 * best sequence seen over every forward pass (all iterates are inside the box).
 */
export function gradientPlanner(options: GradientOptions = {}): Planner {
  const {
    restarts,
    steps,
    lr,
    initStd,
    warmStartFill: fill,
  } = parsePlannerOptions(NAME, gradientOptionsSchema, options);
  const maxSteps = steps ?? Number.POSITIVE_INFINITY;

  return {
    name: NAME,
    plan(request: PlanRequest): PlanResult {
      const search = new Search(request, NAME);
      const { horizon: h, k } = search;
      const space = search.continuous();
      // A restart costs at least 3 H: one step (forward + backward) and the final scoring.
      const r = Math.min(restarts, Math.floor(search.capacity / (3 * h)));
      if (r < 1) {
        throw new InputError(
          `${NAME}: budget ${search.budget} is too small for horizon ${h}: needs >= ${search.need(3 * h)}`,
        );
      }
      const steps = Math.min(maxSteps, Math.floor((search.capacity - r * h) / (2 * r * h)));
      const size = h * k;
      const { rng } = request;
      const centre = tiledCenter(space, h);
      const first = shiftedWarmStart(request.warmStart, space, h, fill, NAME) ?? centre;
      const u0 = new Float32Array(r * size);
      const uLow = new Float32Array(size);
      const uHigh = new Float32Array(size);
      for (let j = 0; j < size; j++) {
        const s = space.scale[j % k] as number;
        const c = centre[j] as number;
        uLow[j] = ((space.low[j % k] as number) - c) / s;
        uHigh[j] = ((space.high[j % k] as number) - c) / s;
        u0[j] = ((first[j] as number) - c) / s;
      }
      for (let i = size; i < u0.length; i++) {
        const j = i % size;
        u0[i] = Math.min(Math.max(initStd * rng.normal(), uLow[j] as number), uHigh[j] as number);
      }

      const [u, centreT, scaleT, lowT, highT] = tf.tidy(() => [
        tf.variable(tf.tensor3d(u0, [r, h, k])),
        tf.tensor3d(centre, [1, h, k]),
        tf.tensor1d(space.scale),
        tf.tensor3d(uLow, [1, h, k]),
        tf.tensor3d(uHigh, [1, h, k]),
      ]) as [tf.Variable, tf.Tensor3D, tf.Tensor1D, tf.Tensor3D, tf.Tensor3D];
      const toActions = (x: tf.Tensor) => tf.add(centreT, tf.mul(x, scaleT)) as tf.Tensor3D;
      const optimizer = tf.train.adam(lr);
      try {
        for (let step = 0; step < steps; step++) {
          search.charge(2 * r * h);
          let kept: tf.Tensor[] = [];
          const { value, grads } = tf.variableGrads(() => {
            const a = toActions(u);
            const s = rollout(request.model, request.state, a);
            const ev = request.cost.evaluate({ states: s, actions: a, start: request.state }, request.goal);
            kept = [tf.keep(a), tf.keep(s), tf.keep(ev.total), tf.keep(ev.feasible)];
            return tf.sum(ev.total) as tf.Scalar;
          }, [u]);
          const [a, s, total, feasible] = kept as [tf.Tensor3D, tf.Tensor3D, tf.Tensor1D, tf.Tensor1D];
          const scored = scoreOf(total, feasible);
          search.offer(a.dataSync() as Float32Array, s, scored, scored.order[0] as number);
          optimizer.applyGradients([{ name: u.name, tensor: grads[u.name] as tf.Tensor }]);
          tf.tidy(() => {
            u.assign(tf.minimum(tf.maximum(u, lowT), highT));
          });
          tf.dispose([value, ...Object.values(grads), ...kept]);
        }
        const last = tf.tidy(() => toActions(u));
        const actions = last.dataSync() as Float32Array;
        last.dispose();
        search.evaluate(actions, r);
      } finally {
        optimizer.dispose();
        tf.dispose([u, centreT, scaleT, lowT, highT]);
      }
      return search.result(steps);
    },
  };
}

registerPlanner(NAME, { schema: gradientOptionsSchema, create: (options) => gradientPlanner(options) });
