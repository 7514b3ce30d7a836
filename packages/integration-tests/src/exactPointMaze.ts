import type { AgentParts } from "@hjepa/agent";
import type { BuildAgentOptions } from "@hjepa/configurator";
import type { PointMazeEnv } from "@hjepa/envs";
import { Landmarks } from "@hjepa/memory";
import { tf } from "@hjepa/tensor";
import type { Env, Rng } from "gymnasium-js";

// Test helpers for hierarchy.test.ts: hand-written exact world models of a PointMaze env in state mode (no
// training), so that what the hierarchical agent does is down to the agent, not to a learned model's errors.

type WorldModel = AgentParts["model"];
type WorldModelLevel = WorldModel["levels"][number];
/** A hazard classifier on representations (`@hjepa/cost`'s `StateClassifier`). */
export type StateClassifier = NonNullable<BuildAgentOptions["hazard"]>;

export interface ExactPointMazeOptions {
  /** Env steps per level-2 prediction. */
  stride: number;
  /** Level 2's cost per call in level-1 calls (any positive number: the charging is what is tested). */
  costPerCall: number;
}

/**
 * An exact two-level world model of `core` (a PointMaze env with `obsMode: "state"`). Representations are the
 * observations `[x / cols, y / rows]` (identity encoder). Level 1 moves the point by one primitive action with
 * the env's own wall logic (`core.walls.move`, sliding included); level 2's macro-action is a direction in
 * [-1, 1]^2 applied as a primitive action `stride` times, through the same walls. Every level is exact, so a
 * plan's predicted states are where the env would take the point.
 */
export function exactPointMazeModel(core: PointMazeEnv, options: ExactPointMazeOptions): WorldModel {
  const { stride, costPerCall } = options;
  const step = primitiveMover(core);
  const levelOne = exactLevel(1, 1, 1, { kind: "box", size: 2, low: box(-1), high: box(1) }, (s, a) =>
    step(s, a, 1),
  );
  const macro = {
    kind: "macro" as const,
    size: 2,
    low: box(-1),
    high: box(1),
    mean: box(0),
    // A uniform direction in [-1, 1]^2 has variance 1/3 per axis.
    covariance: Float32Array.of(1 / 3, 0, 0, 1 / 3),
    count: 1000,
  };
  const levelTwo = exactLevel(2, stride, costPerCall, macro, (s, a) => step(s, a, stride));
  return {
    obsShape: [2],
    levels: [levelOne, levelTwo],
    encode: (obs) => tf.tidy(() => tf.reshape(tf.cast(obs, "float32"), [-1, 2]) as tf.Tensor2D),
  };
}

/** `model` with its level-1 part only (a flat world model over the same exact dynamics). */
export function flatModel(model: WorldModel): WorldModel {
  return { obsShape: model.obsShape, levels: [model.levels[0]], encode: (obs) => model.encode(obs) };
}

/** Rows predicted by each level (`rows[k - 1]` for level k) since the model was wrapped. */
export interface CountingModel {
  model: WorldModel;
  rows: number[];
}

/** `model` with every level counting the candidate rows it predicts (a rollout of H steps counts N x H); for levels
 * that are plain objects, as `exactPointMazeModel`'s are. */
export function countingModel(model: WorldModel): CountingModel {
  const rows = model.levels.map(() => 0);
  const levels = model.levels.map(
    (level, i): WorldModelLevel => ({
      ...level,
      predict(s, a, z) {
        rows[i] = (rows[i] as number) + s.shape[0];
        return level.predict(s, a, z);
      },
      rollout(s0, actions, z) {
        rows[i] = (rows[i] as number) + actions.shape[0] * actions.shape[1];
        return level.rollout(s0, actions, z);
      },
    }),
  ) as unknown as WorldModel["levels"];
  return { model: { obsShape: model.obsShape, levels, encode: (obs) => model.encode(obs) }, rows };
}

/** The env's hazard cells as a classifier on representations: probability 1 in a hazard cell, else 0. */
export function hazardClassifier(core: PointMazeEnv): StateClassifier {
  const { cols, rows } = core.map;
  return (s) => {
    const v = s.dataSync();
    const out = new Float32Array(s.shape[0]);
    for (let i = 0; i < out.length; i++) {
      const c = Math.floor((v[2 * i] as number) * cols);
      const r = Math.floor((v[2 * i + 1] as number) * rows);
      out[i] = core.walls.hazard[r * cols + c] === 1 ? 1 : 0;
    }
    return tf.tensor1d(out);
  };
}

/** True when the representation `[x / cols, y / rows]` lies in a hazard cell of `core`. */
export function inHazard(core: PointMazeEnv, rep: ArrayLike<number>): boolean {
  const { cols, rows } = core.map;
  const c = Math.floor((rep[0] as number) * cols);
  const r = Math.floor((rep[1] as number) * rows);
  return core.walls.hazard[r * cols + c] === 1;
}

/** Map units of a representation `[x / cols, y / rows]`. */
export function toMap(core: PointMazeEnv, rep: ArrayLike<number>): [number, number] {
  return [(rep[0] as number) * core.map.cols, (rep[1] as number) * core.map.rows];
}

function box(v: number): Float32Array {
  return Float32Array.of(v, v);
}

/** Moves every row of `s [N, 2]` by the primitive action in `a [N, 2]`, `repeat` times, as the env would. */
function primitiveMover(core: PointMazeEnv) {
  const { cols, rows } = core.map;
  const { walls, maxStep } = core;
  const out = new Float64Array(2);
  const clip = (v: number) => Math.min(1, Math.max(-1, v));
  return (s: tf.Tensor2D, a: tf.Tensor2D, repeat: number): tf.Tensor2D => {
    const sv = s.dataSync();
    const av = a.dataSync();
    const next = new Float32Array(sv.length);
    for (let i = 0; i < s.shape[0]; i++) {
      let [x, y] = freePoint(core, (sv[2 * i] as number) * cols, (sv[2 * i + 1] as number) * rows);
      const dx = clip(av[2 * i] as number) * maxStep;
      const dy = clip(av[2 * i + 1] as number) * maxStep;
      for (let t = 0; t < repeat; t++) {
        walls.move(x, y, dx, dy, out);
        x = out[0] as number;
        y = out[1] as number;
      }
      next[2 * i] = x / cols;
      next[2 * i + 1] = y / rows;
    }
    return tf.tensor2d(next, [s.shape[0], 2]);
  };
}

/**
 * The point a float32 representation stands for, moved off a wall face it may have been rounded onto (a point
 * stopped against a wall sits just below the face; `x / cols` in float32 can round to the face itself).
 */
function freePoint(core: PointMazeEnv, x: number, y: number): [number, number] {
  const e = 1e-4;
  for (const [ox, oy] of [
    [0, 0],
    [-e, 0],
    [e, 0],
    [0, -e],
    [0, e],
    [-e, -e],
    [e, e],
    [-e, e],
    [e, -e],
  ] as const) {
    if (core.walls.isFreeState(x + ox, y + oy)) return [x + ox, y + oy];
  }
  throw new Error(`exactPointMazeModel: [${x}, ${y}] is not a free state of ${core.map.source}`);
}

function exactLevel(
  level: number,
  stride: number,
  costPerCall: number,
  actions: WorldModelLevel["actions"],
  predict: (s: tf.Tensor2D, a: tf.Tensor2D) => tf.Tensor2D,
): WorldModelLevel {
  const self: WorldModelLevel = {
    level,
    stride,
    dim: 2,
    actions,
    latent: null,
    multiplyAdds: costPerCall,
    costPerCall,
    sharesRepresentationBelow: true,
    represent: (s1) => tf.clone(s1),
    lift: (below) => tf.clone(below),
    predict: (s, a, z) => {
      if (z !== undefined) throw new Error(`exact level ${level}: takes no latent variable`);
      return predict(s, a);
    },
    // A macro-action repeats one primitive action `stride` times: a chunk's mean is that action when it does.
    encodeActions: (primitive) => tf.mean(primitive, 1) as tf.Tensor2D,
    rollout: (s0, acts) =>
      tf.tidy(() => {
        let s = s0;
        const out: tf.Tensor2D[] = [];
        for (const a of tf.unstack(acts, 1) as tf.Tensor2D[]) {
          s = self.predict(s, a);
          out.push(s);
        }
        return tf.stack(out, 1) as tf.Tensor3D;
      }),
  };
  return self;
}

/**
 * The experience graph of `episodes` random-action rollouts of `steps` env steps in `env` (each action held for
 * 1-8 steps, uniform in the box; random starts from the env's reset), as `hjepa prepare` builds it from a
 * dataset: every visited state's representation, deduplicated at half the median one-step move, and the moves
 * between landmarks with their actions. Real experience: it never passes through a wall.
 */
export function experienceLandmarks(
  env: Env<unknown, unknown>,
  episodes: number,
  steps: number,
  rng: Rng,
): Landmarks {
  const reps: number[][] = [];
  const actions: number[][] = [];
  const breaks = new Set<number>();
  for (let e = 0; e < episodes; e++) {
    let { obs } = env.reset({ seed: rng.int(0, 2 ** 31 - 1) });
    let action = [0, 0];
    for (let t = 0; t < steps; t++) {
      if (t === 0 || rng.float() < 0.25) action = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
      reps.push(Array.from(obs as ArrayLike<number>));
      actions.push(action);
      obs = env.step(Float32Array.from(action)).obs;
    }
    reps.push(Array.from(obs as ArrayLike<number>));
    actions.push([0, 0]);
    breaks.add(reps.length - 1);
  }
  const moves = reps.slice(1).map((r, i) => Math.hypot(...r.map((v, j) => v - (reps[i]?.[j] as number))));
  const moved = moves.filter((m) => m > 1e-6).sort((a, b) => a - b);
  const landmarks = Landmarks.fromRepresentations(
    reps.flat(),
    2,
    0.5 * (moved[moved.length >> 1] as number),
    8192,
  );
  const at = reps.map((r) => landmarks.nearest(r).index);
  for (let i = 0; i + 1 < reps.length; i++) {
    if (breaks.has(i) || at[i] === at[i + 1]) continue;
    landmarks.addTransition(at[i] as number, at[i + 1] as number, actions[i] as number[]);
  }
  return landmarks;
}
