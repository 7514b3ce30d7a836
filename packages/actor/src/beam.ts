import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import { z } from "zod";
import { parsePlannerOptions, positiveInt } from "./plannerOptions.ts";
import { registerPlanner } from "./registry.ts";
import { Search, scoreOf } from "./search.ts";
import type { Planner, PlanRequest, PlanResult } from "./types.ts";

/** Options of `beam` (beam search over discrete action sequences). */
export interface BeamOptions {
  /** Beams kept after each step (default 64); exhaustive search when width >= n^H. Narrowed to the budget. */
  width?: number;
}

const NAME = "beam";
/** The options of `beam` as a config gives them (`agent.plannerOptions`), with their defaults and bounds. */
export const beamOptionsSchema = z.object({ width: positiveInt().default(64) }).strict();

/** Candidate-steps a beam search of `width` uses: at step t it expands min(width, n^t) beams by n actions. */
export function beamCalls(n: number, horizon: number, width: number): number {
  let beams = 1;
  let calls = 0;
  for (let t = 0; t < horizon; t++) {
    calls += beams * n;
    beams = Math.min(width, beams * n);
  }
  return calls;
}

/**
 * Expands every action of every beam at each step (one batched predictor call per step), scores each prefix
 * with the full `Cost` on the prefix trajectory (with an energy "last" term this is the energy of the
 * prefix's end to the goal: the cost-to-go estimate; guardrails apply to every prefix step) and keeps the
 * `width` best (feasible first). The plan is the best full-length sequence. Ties go to the lower action
 * index, so the search is deterministic and uses no randomness.
 */
export function beamPlanner(options: BeamOptions = {}): Planner {
  const { width } = parsePlannerOptions(NAME, beamOptionsSchema, options);

  return {
    name: NAME,
    plan(request: PlanRequest): PlanResult {
      const search = new Search(request, NAME);
      const { horizon: h, d } = search;
      const { n, start } = search.discrete();
      if (beamCalls(n, h, 1) > search.capacity) {
        throw new InputError(
          `${NAME}: budget ${search.budget} is too small for horizon ${h} and ${n} actions: ` +
            `a single beam needs ${search.need(n * h)}`,
        );
      }
      let w = width;
      if (beamCalls(n, h, w) > search.capacity) {
        let lo = 1;
        let hi = w;
        while (lo < hi) {
          const mid = Math.ceil((lo + hi) / 2);
          if (beamCalls(n, h, mid) <= search.capacity) lo = mid;
          else hi = mid - 1;
        }
        w = lo;
      }

      let beams = 1;
      let prefixActions = new Float32Array(0);
      let last = tf.clone(request.state) as tf.Tensor2D;
      let prefix: tf.Tensor3D | null = null;
      try {
        for (let t = 0; t < h; t++) {
          const count = beams * n;
          search.charge(count);
          const len = t + 1;
          const actions = new Float32Array(count * len);
          for (let b = 0; b < beams; b++) {
            for (let a = 0; a < n; a++) {
              const c = b * n + a;
              actions.set(prefixActions.subarray(b * t, (b + 1) * t), c * len);
              actions[c * len + t] = start + a;
            }
          }
          const [states, next, total, feasible] = tf.tidy(() => {
            const s = tf.reshape(tf.tile(tf.expandDims(last, 1), [1, n, 1]), [count, d]) as tf.Tensor2D;
            const step = tf.tensor2d(
              Float32Array.from({ length: count }, (_, c) => start + (c % n)),
              [count, 1],
            );
            const nextS = request.model.predict(s, step);
            const stepStates = tf.expandDims(nextS, 1);
            const all =
              prefix === null
                ? stepStates
                : tf.concat(
                    [
                      tf.gather(
                        prefix,
                        tf.tensor1d(
                          Int32Array.from({ length: count }, (_, c) => Math.floor(c / n)),
                          "int32",
                        ),
                      ),
                      stepStates,
                    ],
                    1,
                  );
            const ev = request.cost.evaluate(
              {
                states: all as tf.Tensor3D,
                actions: tf.tensor3d(actions, [count, len, 1]),
                start: request.state,
              },
              request.goal,
            );
            return [all, nextS, ev.total, ev.feasible];
          }) as [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
          const scored = scoreOf(total, feasible);
          tf.dispose([total, feasible]);
          if (t === h - 1) search.offer(actions, states, scored, scored.order[0] as number);

          const keep = scored.order.slice(0, Math.min(w, count));
          const keepT = tf.tensor1d(keep, "int32");
          const newLast = tf.gather(next, keepT) as tf.Tensor2D;
          const newPrefix = tf.gather(states, keepT) as tf.Tensor3D;
          tf.dispose([keepT, next, states, last, ...(prefix ? [prefix] : [])]);
          last = newLast;
          prefix = newPrefix;
          const kept = new Float32Array(keep.length * len);
          keep.forEach((c, i) => {
            kept.set(actions.subarray(c * len, (c + 1) * len), i * len);
          });
          prefixActions = kept;
          beams = keep.length;
        }
      } finally {
        tf.dispose([last, ...(prefix ? [prefix] : [])]);
      }
      return search.result(h);
    },
  };
}

registerPlanner(NAME, { schema: beamOptionsSchema, create: (options) => beamPlanner(options) });
