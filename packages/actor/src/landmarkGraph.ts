import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import { z } from "zod";
import { parsePlannerOptions } from "./plannerOptions.ts";
import { registerPlanner } from "./registry.ts";
import { Search } from "./search.ts";
import type { LandmarkSet, Planner, PlanRequest, PlanResult } from "./types.ts";

/** Options of `landmark-graph`: how the path found becomes the plan's predicted states. */
export interface LandmarkGraphOptions {
  /**
   * `steps`: predicted state j is the landmark (j + 1) x stride observed steps along the path. `straight`: the
   * path is cut into straight stretches and predicted state j is the end of stretch j + 1 (a subgoal the level
   * below can head to in a straight line: the path there is observed and straight, so no wall is in between).
   * Default `steps`.
   */
  waypoints?: "steps" | "straight";
  /**
   * With `straight`: a stretch is straight while every landmark on it lies within `tolerance` x the landmarks'
   * spacing of the segment between its ends (default 1).
   */
  tolerance?: number;
}

export const landmarkGraphOptionsSchema = z
  .object({
    waypoints: z.enum(["steps", "straight"]).default("steps"),
    tolerance: z.number().positive().default(1),
  })
  .strict();

const NAME = "landmark-graph";

/**
 * Plans on the experience graph: the landmarks (level-1 representations of real states) and the moves between
 * them observed in real experience (`LandmarkSet.transitions`, one env step each, with the primitive action
 * taken). Every landmark is scored by the request's cost as a one-step trajectory (energy to the goal and the
 * guardrails; hard-constraint violators are never entered), Dijkstra's search from the landmark nearest the
 * current state finds the shortest observed path (summed representation distance of its moves) to every
 * landmark it can reach, and the plan goes to the reached landmark of lowest cost (the nearer on ties). The path follows walls because real experience
 * never passed through one, which a learned predictor's extrapolation can.
 *
 * The plan is at the requested level: its predicted state `j` is the path's landmark `(j + 1) * stride` steps
 * along, or the end of its `j + 1`-th straight stretch (option `waypoints`; the last landmark past the end),
 * and its action `j` is the level's encoding (`encodeActions`) of the observed primitive actions that lead
 * there (see `levelActions`). `closestAt` is the first predicted state at the path's end (-1 when the path is
 * longer than the horizon covers). It calls no predictor, so it
 * charges no cost units; its time is in `stats.ms`. Deterministic.
 */
export function landmarkGraphPlanner(options: LandmarkGraphOptions = {}): Planner {
  const { waypoints, tolerance } = parsePlannerOptions(NAME, landmarkGraphOptionsSchema, options);
  return {
    name: NAME,
    plan(request: PlanRequest): PlanResult {
      const search = new Search(request, NAME);
      const { horizon: h, d, k } = search;
      const landmarks = request.landmarks ?? null;
      if (!landmarks || landmarks.transitions === 0 || landmarks.size === 0) {
        throw new InputError(
          `${NAME}: plans on landmarks with observed transitions; set agent.landmarks.transitions to true ` +
            "(and run hjepa prepare)",
        );
      }
      if (landmarks.dim !== d)
        throw new InputError(
          `${NAME}: landmarks have dimension ${landmarks.dim}, level ${search.level}'s representations ${d}: ` +
            "landmarks are level-1 representations, usable at levels that share them",
        );
      const n = landmarks.size;
      const neutral =
        search.space.kind === "continuous" ? search.space.center : Float32Array.of(search.space.start);
      const { total, feasible } = scoreLandmarks(request, landmarks, neutral);
      const start = landmarks.nearest(request.state.dataSync()).index;
      // Shortest paths (length in representation space) over observed moves, never through a landmark a
      // hard constraint forbids.
      const parent = new Int32Array(n).fill(-2);
      const via: (Float32Array | null)[] = new Array(n).fill(null);
      const length = new Float64Array(n).fill(Infinity);
      parent[start] = -1;
      length[start] = 0;
      const heap = new MinHeap();
      heap.push(start, 0);
      let target = start;
      const ok = (i: number) => (feasible[i] as number) > 0.5;
      const better = (i: number) =>
        (ok(i) && !ok(target)) || (ok(i) === ok(target) && (total[i] as number) < (total[target] as number));
      for (let top = heap.pop(); top !== null; top = heap.pop()) {
        const [i, at] = top;
        if (at > (length[i] as number)) continue;
        if (better(i)) target = i;
        const here = landmarks.at(i);
        for (const t of landmarks.transitionsFrom(i)) {
          if (!ok(t.to)) continue;
          const next = at + distance(here, landmarks.at(t.to));
          if (next >= (length[t.to] as number)) continue;
          length[t.to] = next;
          parent[t.to] = i;
          via[t.to] = t.action;
          heap.push(t.to, next);
        }
      }
      const nodes: number[] = [];
      const moves: Float32Array[] = [];
      for (let i = target; i !== start; i = parent[i] as number) {
        nodes.unshift(i);
        moves.unshift(via[i] as Float32Array);
      }
      const stride = request.model.stride ?? 1;
      const startRep = landmarks.at(start);
      const reps = [startRep, ...nodes.map((i) => landmarks.at(i))];
      // Path index (0 = the start landmark) of each predicted state.
      const ends =
        waypoints === "steps"
          ? Array.from({ length: h }, (_, j) => Math.min(nodes.length, (j + 1) * stride))
          : straightStretches(reps, tolerance * landmarks.spacing(), h);
      const predicted = new Float32Array(h * d);
      for (let j = 0; j < h; j++) predicted.set(reps[ends[j] as number] as Float32Array, j * d);
      const steps = Array.from(
        { length: h },
        (_, j) => (ends[j] as number) - (j === 0 ? 0 : (ends[j - 1] as number)),
      );
      const actions = levelActions(request, search.level, moves, steps, stride, k, neutral);
      return {
        actions,
        predicted,
        cost: total[target] as number,
        horizon: h,
        actionDim: k,
        dim: d,
        closestAt: ends.indexOf(nodes.length),
        stats: {
          level: search.level,
          predictorCalls: 0,
          costUnits: 0,
          iterations: nodes.length,
          ms: search.elapsedMs(),
          feasible: (feasible[target] as number) > 0.5,
        },
      };
    },
  };
}

function distance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const e = (a[j] as number) - (b[j] as number);
    s += e * e;
  }
  return Math.sqrt(s);
}

/** A binary min-heap of (node, key) pairs; stale entries are skipped by the caller. */
class MinHeap {
  private readonly nodes: number[] = [];
  private readonly keys: number[] = [];

  push(node: number, key: number): void {
    const { nodes, keys } = this;
    let i = nodes.length;
    nodes.push(node);
    keys.push(key);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if ((keys[up] as number) <= key) break;
      nodes[i] = nodes[up] as number;
      keys[i] = keys[up] as number;
      i = up;
    }
    nodes[i] = node;
    keys[i] = key;
  }

  pop(): [number, number] | null {
    const { nodes, keys } = this;
    if (nodes.length === 0) return null;
    const out: [number, number] = [nodes[0] as number, keys[0] as number];
    const node = nodes.pop() as number;
    const key = keys.pop() as number;
    const n = nodes.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && (keys[c + 1] as number) < (keys[c] as number)) c += 1;
        if ((keys[c] as number) >= key) break;
        nodes[i] = nodes[c] as number;
        keys[i] = keys[c] as number;
        i = c;
      }
      nodes[i] = node;
      keys[i] = key;
    }
    return out;
  }
}

/** Every landmark's cost as a one-step trajectory into it, with the level's neutral action. */
function scoreLandmarks(
  request: PlanRequest,
  landmarks: LandmarkSet,
  neutral: Float32Array,
): { total: Float32Array; feasible: Float32Array } {
  const n = landmarks.size;
  const d = landmarks.dim;
  const k = neutral.length;
  const rows = new Float32Array(n * d);
  for (let i = 0; i < n; i++) rows.set(landmarks.at(i), i * d);
  const actions = Float32Array.from({ length: n * k }, (_, i) => neutral[i % k] as number);
  const [total, feasible] = tf.tidy(() => {
    const states = tf.tensor3d(rows, [n, 1, d]);
    const a = tf.tensor3d(actions, [n, 1, k]);
    const ev = request.cost.evaluate({ states, actions: a, start: request.state }, request.goal);
    return [ev.total.dataSync(), ev.feasible.dataSync()];
  }) as [Float32Array, Float32Array];
  return { total, feasible };
}

/**
 * Path indices where straight stretches end, `h` of them (the last repeated past the path's end): from each
 * stretch's start, the farthest path point whose intermediate points all lie within `tolerance` of the segment
 * between the two (always at least one step on).
 */
function straightStretches(reps: readonly Float32Array[], tolerance: number, h: number): number[] {
  const last = reps.length - 1;
  const ends: number[] = [];
  let from = 0;
  while (ends.length < h) {
    let end = Math.min(from + 1, last);
    for (let j = end + 1; j <= last; j++) {
      let straight = true;
      for (let m = from + 1; m < j && straight; m++)
        straight =
          segmentDistance(reps[m] as Float32Array, reps[from] as Float32Array, reps[j] as Float32Array) <=
          tolerance;
      if (straight) end = j;
    }
    ends.push(end);
    from = end;
  }
  return ends;
}

/** Distance from `p` to the segment from `a` to `b`. */
function segmentDistance(p: Float32Array, a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let ap = 0;
  for (let j = 0; j < p.length; j++) {
    const e = (b[j] as number) - (a[j] as number);
    ab += e * e;
    ap += e * ((p[j] as number) - (a[j] as number));
  }
  const t = ab > 0 ? Math.min(1, Math.max(0, ap / ab)) : 0;
  let s = 0;
  for (let j = 0; j < p.length; j++) {
    const e = (p[j] as number) - ((a[j] as number) + t * ((b[j] as number) - (a[j] as number)));
    s += e * e;
  }
  return Math.sqrt(s);
}

/**
 * The plan's `[H, k]` actions at the level: for predicted state j, the observed primitive actions of the
 * `steps[j]` moves that lead to it (its first `stride`; a shorter stretch, or one past the path's end, repeats
 * its last action, and a plan with no moves holds `neutral`), encoded by the level (`encodeActions`; at stride
 * 1 without one, the primitive action itself).
 */
function levelActions(
  request: PlanRequest,
  level: number,
  moves: readonly Float32Array[],
  steps: readonly number[],
  stride: number,
  k: number,
  neutral: Float32Array,
): Float32Array {
  const h = steps.length;
  if (moves.length === 0) return Float32Array.from({ length: h * k }, (_, i) => neutral[i % k] as number);
  const a = (moves[0] as Float32Array).length;
  const chunks = new Float32Array(h * stride * a);
  let first = 0;
  for (let j = 0; j < h; j++) {
    const count = Math.max(1, steps[j] as number);
    for (let t = 0; t < stride; t++) {
      const m = Math.min(first + Math.min(t, count - 1), moves.length - 1);
      chunks.set(moves[m] as Float32Array, (j * stride + t) * a);
    }
    first += steps[j] as number;
  }
  const encode = request.model.encodeActions;
  if (!encode) {
    if (stride !== 1 || a !== k)
      throw new Error(
        `${NAME}: level ${level} has stride ${stride} and ${k} action numbers but no encodeActions ` +
          `for the observed ${a}-number primitive actions`,
      );
    return chunks;
  }
  const out = tf.tidy(() => encode.call(request.model, tf.tensor3d(chunks, [h, stride, a])).dataSync());
  if (out.length !== h * k)
    throw new Error(`${NAME}: level ${level}'s encodeActions gave ${out.length} numbers, expected ${h * k}`);
  return Float32Array.from(out);
}

registerPlanner(NAME, {
  schema: landmarkGraphOptionsSchema,
  create: (options) => landmarkGraphPlanner(options),
});
