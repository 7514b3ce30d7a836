import { describePrimitiveActions } from "@hjepa/contracts";
import { Cost, energyTerm } from "@hjepa/cost";
import { init, tf } from "@hjepa/tensor";
import { Box, Discrete, Rng } from "gymnasium-js";
import { beamCalls } from "./beam.ts";
import { makePlanner } from "./registry.ts";
import type { PlannerModel, PlanResult } from "./types.ts";

export interface ResidualMlpModel extends PlannerModel {
  dispose(): void;
}

/**
 * A random residual-MLP predictor, s' = s + MLP([s, features(a)]) with ReLU hidden layers (fused matmul +
 * bias + activation), the shape of hjepa's level-1 predictor. Discrete actions are one-hot encoded.
 */
export function residualMlpModel({
  dim,
  actions,
  hidden = [128, 128],
  rng,
}: {
  dim: number;
  actions: { kind: "continuous"; dim: number } | { kind: "discrete"; n: number };
  hidden?: number[];
  rng: Rng;
}): ResidualMlpModel {
  const features = actions.kind === "continuous" ? actions.dim : actions.n;
  const sizes = [dim + features, ...hidden, dim];
  const layers: Array<{ w: tf.Tensor2D; b: tf.Tensor1D }> = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push({
      w: init.glorotUniform([sizes[i] as number, sizes[i + 1] as number], rng) as tf.Tensor2D,
      b: init.zeros([sizes[i + 1] as number]) as tf.Tensor1D,
    });
  }
  return {
    predict(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
      return tf.tidy(() => {
        const f =
          actions.kind === "discrete"
            ? tf.cast(tf.oneHot(tf.cast(tf.reshape(a, [-1]), "int32"), actions.n), "float32")
            : a;
        let x = tf.concat([s, f], 1) as tf.Tensor2D;
        layers.forEach(({ w, b }, i) => {
          const activation = i + 1 < layers.length ? "relu" : "linear";
          x = tf.fused.matMul({ a: x, b: w, bias: b, activation }) as tf.Tensor2D;
        });
        return tf.add(s, x) as tf.Tensor2D;
      });
    },
    dispose: () => tf.dispose(layers.flatMap(({ w, b }) => [w, b])),
  };
}

export interface BenchPlannerOptions {
  /** Candidates per round (cem/categorical-cem population, mppi samples, gradient restarts, beam width). */
  candidates: number;
  horizon: number;
  /** Representation size d. */
  dim: number;
  /** Rounds per plan (cem/mppi/categorical-cem iterations, gradient steps; ignored by beam). Default 1. */
  iterations?: number;
  /** Continuous action size (default 2); discrete planners use Discrete(4). */
  actionDim?: number;
  /** Predictor hidden layers (default [128, 128], TwoRooms' level-1 predictor). */
  hidden?: number[];
  /** Timed plans (default 10) after `warmup` untimed ones (default 2). */
  plans?: number;
  warmup?: number;
  seed?: number;
  /** Extra planner options. */
  options?: Record<string, unknown>;
}

const DISCRETE = new Set(["categorical-cem", "beam"]);

/** The budget that pays for exactly `iterations` rounds of `candidates` for each built-in planner. */
function benchBudget(name: string, c: number, h: number, iters: number, n: number): number {
  if (name === "mppi") return (c * iters + 1) * h;
  if (name === "gradient") return (2 * iters + 1) * c * h;
  if (name === "beam") return beamCalls(n, h, c);
  return c * iters * h;
}

function benchOptions(name: string, c: number, iters: number): Record<string, unknown> {
  if (name === "mppi") return { samples: c, iterations: iters };
  if (name === "gradient") return { restarts: c, steps: iters };
  if (name === "beam") return { width: c };
  return { population: c, iterations: iters };
}

/**
 * Milliseconds per `plan` (mean over `plans`, after `warmup`) of a registered planner driving a random
 * residual-MLP predictor with an l2 energy, on the active backend. Each plan warm-starts from the previous.
 */
export function benchPlanner(name: string, opts: BenchPlannerOptions): number {
  const { candidates, horizon, dim, iterations = 1, actionDim = 2, hidden = [128, 128] } = opts;
  const { plans = 10, warmup = 2, seed = 0 } = opts;
  const n = 4;
  const discrete = DISCRETE.has(name);
  const rng = new Rng(seed);
  const model = residualMlpModel({
    dim,
    actions: discrete ? { kind: "discrete", n } : { kind: "continuous", dim: actionDim },
    hidden,
    rng,
  });
  const planner = makePlanner(name, { ...benchOptions(name, candidates, iterations), ...opts.options });
  const actions = describePrimitiveActions(
    discrete ? new Discrete(n) : new Box({ low: -1, high: 1, shape: [actionDim] }),
  );
  const budget = benchBudget(name, candidates, horizon, iterations, n);
  const cost = new Cost({ terms: [energyTerm({ distance: "l2", reduce: "last" })] });
  const values = (m: number) => Float32Array.from({ length: dim }, () => rng.normal(0, m));
  const state = tf.tensor2d(values(1), [1, dim]);
  const goal = tf.tensor2d(values(1), [1, dim]);
  let warmStart: PlanResult | null = null;
  let ms = 0;
  try {
    for (let i = 0; i < warmup + plans; i++) {
      const t0 = performance.now();
      warmStart = planner.plan({ state, goal, model, cost, actions, horizon, budget, rng, warmStart });
      if (i >= warmup) ms += performance.now() - t0;
    }
  } finally {
    tf.dispose([state, goal]);
    model.dispose();
  }
  return ms / plans;
}
