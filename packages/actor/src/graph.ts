import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import { z } from "zod";
import { parsePlannerOptions, positiveInt, positiveNumber } from "./plannerOptions.ts";
import { registerPlanner } from "./registry.ts";
import { Search } from "./search.ts";
import type { Planner, PlanRequest, PlanResult } from "./types.ts";

/**
 * Options of `graph` (breadth-first graph search over imagined states: over discrete actions, or over a sampled
 * set of continuous actions, for example a level's macro-actions).
 */
export interface GraphOptions {
  /** Frontier nodes kept per depth, the ones nearest the goal first (default 256). */
  width?: number;
  /**
   * Two imagined states closer than `merge` x (the median one-step move of the first expansion) are the same
   * node (default 0.3). This turns the search tree into a graph: moves into walls and loops are pruned.
   */
  merge?: number;
  /**
   * With `landmarks` in the request: an imagined state within `snap` x (the landmarks' spacing: median distance
   * between neighbours) of a landmark becomes that landmark, and nodes are identified by landmark (default 0.5). States farther from every
   * landmark stay as imagined and merge by `merge`.
   */
  snap?: number;
  /**
   * Continuous actions (a box, or a level's macro-action latent): how many actions are tried at every node,
   * sampled once per plan from `rng`: from the saved macro-action prior (its mean and covariance) or around the
   * box's centre (Gaussian, its half-width per side), clipped into the box (default 16).
   */
  actions?: number;
}

const NAME = "graph";
/** The options of `graph` as a config gives them (`agent.plannerOptions`), with their defaults and bounds. */
export const graphOptionsSchema = z
  .object({
    width: positiveInt().default(256),
    merge: positiveNumber().default(0.3),
    snap: positiveNumber().default(0.5),
    actions: positiveInt().default(16),
  })
  .strict();

interface Node {
  rep: Float32Array;
  parent: number;
  /** Index into the plan's action set. */
  action: number;
  depth: number;
  cost: number;
  /** The landmark this node snapped to, or -1. */
  landmark: number;
}

/**
 * Breadth-first search in representation space: expands every action of every frontier node with one batched
 * predictor call per depth, merges children that land on an already imagined state (distance below the merge
 * radius), drops children that violate a hard-constraint guardrail, and returns the path to the imagined state
 * of lowest cost (energy to the goal, on a one-step trajectory into that state). Where beam search over whole
 * sequences gets stuck in a maze's dead ends, the merged graph explores every reachable state within the
 * horizon at a cost of about (number of states x actions) predictor calls. Given landmarks (representations
 * of real states), each imagined state is snapped to its nearest landmark when one is close: the search then
 * runs on the graph of real states the model's one-step predictions connect, without drift over long paths,
 * and a revisit is found by a map lookup. Deterministic; no randomness.
 */
export function graphPlanner(options: GraphOptions = {}): Planner {
  const { width, merge, snap, actions: sampled } = parsePlannerOptions(NAME, graphOptionsSchema, options);

  return {
    name: NAME,
    plan(request: PlanRequest): PlanResult {
      const search = new Search(request, NAME);
      const { horizon: h, d, k } = search;
      const set = actionSet(request, search, sampled);
      const n = set.length / k;
      if (search.capacity < n)
        throw new InputError(`${NAME}: budget ${search.budget} is below one expansion (${search.need(n)})`);
      const landmarks = request.landmarks ?? null;
      if (landmarks && landmarks.dim !== d)
        throw new Error(`${NAME}: landmarks have dimension ${landmarks.dim}, representations ${d}`);
      const nodes: Node[] = [
        {
          rep: Float32Array.from(request.state.dataSync()),
          parent: -1,
          action: -1,
          depth: 0,
          cost: Infinity,
          landmark: -1,
        },
      ];
      /** Landmark index -> node, for snapped nodes. */
      const byLandmark = new Map<number, number>();
      let frontier = [0];
      let radius = -1;
      const snapRadius = landmarks ? snap * landmarks.spacing() : 0;
      if (landmarks) {
        // The root takes part in merging by landmark, so that moves back into it are pruned.
        const near = landmarks.nearest((nodes[0] as Node).rep);
        if (near.distance < snapRadius) {
          (nodes[0] as Node).landmark = near.index;
          byLandmark.set(near.index, 0);
        }
      }
      let best = -1;
      let feasibleSeen = false;
      for (let depth = 0; depth < h && frontier.length > 0; depth++) {
        const expand = frontier.slice(0, Math.min(frontier.length, Math.floor(search.remaining / n)));
        if (expand.length === 0) break;
        const count = expand.length * n;
        search.charge(count);
        const actionValues = new Float32Array(count * k);
        for (let c = 0; c < count; c++) actionValues.set(set.subarray((c % n) * k, ((c % n) + 1) * k), c * k);
        const next = tf.tidy(() => {
          const s = tf.tensor2d(
            Float32Array.from(
              { length: count * d },
              (_, i) => (nodes[expand[Math.floor(i / (n * d))] as number] as Node).rep[i % d] as number,
            ),
            [count, d],
          );
          return request.model.predict(s, tf.tensor2d(actionValues, [count, k])).dataSync() as Float32Array;
        });
        if (radius < 0) radius = merge * medianMove(next, nodes[0] as Node, count, d);
        // Snap the children (a snapped child takes its landmark's representation), then score them.
        const snapped = new Int32Array(count).fill(-1);
        if (landmarks) {
          for (let c = 0; c < count; c++) {
            const near = landmarks.nearest(next.subarray(c * d, (c + 1) * d));
            if (near.distance < snapRadius) {
              snapped[c] = near.index;
              next.set(landmarks.at(near.index), c * d);
            }
          }
        }
        const [total, feasible] = tf.tidy(() => {
          const states = tf.tensor3d(next, [count, 1, d]);
          const actions = tf.tensor3d(actionValues, [count, 1, k]);
          const ev = request.cost.evaluate({ states, actions, start: request.state }, request.goal);
          return [ev.total.dataSync(), ev.feasible.dataSync()];
        }) as [Float32Array, Float32Array];
        const children: number[] = [];
        for (let c = 0; c < count; c++) {
          if ((feasible[c] as number) < 0.5) continue;
          const lm = snapped[c] as number;
          if (lm >= 0 ? byLandmark.has(lm) : nearestDistance(next, c, nodes, d) < radius) continue;
          nodes.push({
            rep: next.slice(c * d, (c + 1) * d),
            parent: expand[Math.floor(c / n)] as number,
            action: c % n,
            depth: depth + 1,
            cost: total[c] as number,
            landmark: lm,
          });
          if (lm >= 0) byLandmark.set(lm, nodes.length - 1);
          children.push(nodes.length - 1);
          feasibleSeen = true;
        }
        for (const i of children)
          if (best < 0 || (nodes[i] as Node).cost < (nodes[best] as Node).cost) best = i;
        children.sort((x, y) => (nodes[x] as Node).cost - (nodes[y] as Node).cost || x - y);
        frontier = children.slice(0, width);
      }
      return planTo(search, nodes, best, set, feasibleSeen);
    },
  };
}

/**
 * Median distance from the start to the children that moved: the typical size of one imagined move (moves into
 * a wall barely move and are left out; if nothing moved, a tiny radius still merges exact repeats).
 */
function medianMove(next: Float32Array, root: Node, count: number, d: number): number {
  const dists: number[] = [];
  for (let c = 0; c < count; c++) dists.push(distance(next.subarray(c * d, (c + 1) * d), root.rep, d));
  const largest = Math.max(...dists);
  const moved = dists.filter((x) => x > 0.1 * largest).sort((a, b) => a - b);
  return moved[Math.floor(moved.length / 2)] ?? 1e-6;
}

/** Distance from child `c` of `next` to the nearest node that did not snap to a landmark. */
function nearestDistance(next: Float32Array, c: number, nodes: readonly Node[], d: number): number {
  const rep = next.subarray(c * d, (c + 1) * d);
  let min = Infinity;
  for (const node of nodes) if (node.landmark < 0) min = Math.min(min, distance(rep, node.rep, d));
  return min;
}

function distance(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    const e = (a[i] as number) - (b[i] as number);
    s += e * e;
  }
  return Math.sqrt(s);
}

/**
 * The actions tried at every node, `[n * k]`: the discrete values, or `sampled` continuous actions drawn once per
 * plan from the macro-action prior (mean + L z with L the Cholesky factor of the saved covariance) or around the
 * box's centre (centre + half-width x z), clipped into the box.
 */
function actionSet(request: PlanRequest, search: Search, sampled: number): Float32Array {
  const space = search.space;
  if (space.kind === "discrete") return Float32Array.from({ length: space.n }, (_, i) => space.start + i);
  const k = space.k;
  const desc = request.actions;
  const factor = desc.kind === "macro" ? cholesky(desc.covariance, k) : null;
  const out = new Float32Array(sampled * k);
  const z = new Float64Array(k);
  for (let i = 0; i < sampled; i++) {
    for (let j = 0; j < k; j++) z[j] = request.rng.normal();
    for (let j = 0; j < k; j++) {
      let v: number;
      if (factor) {
        v = space.center[j] as number;
        for (let l = 0; l <= j; l++) v += (factor[j * k + l] as number) * (z[l] as number);
      } else {
        v = (space.center[j] as number) + (space.scale[j] as number) * (z[j] as number);
      }
      out[i * k + j] = Math.min(Math.max(v, space.low[j] as number), space.high[j] as number);
    }
  }
  return out;
}

/** Lower Cholesky factor of a `[k, k]` covariance (a small ridge keeps a degenerate one usable). */
function cholesky(cov: ArrayLike<number>, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = cov[i * k + j] as number;
      for (let m = 0; m < j; m++) s -= (l[i * k + m] as number) * (l[j * k + m] as number);
      if (i === j) l[i * k + i] = Math.sqrt(Math.max(s + 1e-6, 1e-12));
      else l[i * k + j] = s / (l[j * k + j] as number);
    }
  }
  return l;
}

/** The plan: the path to node `best`, padded to the horizon by repeating its last action and state. */
function planTo(
  search: Search,
  nodes: readonly Node[],
  best: number,
  set: Float32Array,
  feasible: boolean,
): PlanResult {
  const { horizon: h, d, k } = search;
  const path: Node[] = [];
  for (let i = best; i > 0; i = (nodes[i] as Node).parent) path.unshift(nodes[i] as Node);
  const actions = new Float32Array(h * k);
  const predicted = new Float32Array(h * d);
  const root = nodes[0] as Node;
  for (let t = 0; t < h; t++) {
    const node = path[Math.min(t, path.length - 1)];
    if (node) actions.set(set.subarray(node.action * k, (node.action + 1) * k), t * k);
    predicted.set(node ? node.rep : root.rep, t * d);
  }
  return {
    actions,
    predicted,
    cost: best >= 0 ? (nodes[best] as Node).cost : Infinity,
    horizon: h,
    actionDim: k,
    dim: d,
    stats: {
      level: search.level,
      predictorCalls: search.used,
      costUnits: search.used * search.callCost,
      iterations: path.length,
      ms: search.elapsedMs(),
      feasible,
    },
  };
}

registerPlanner(NAME, { schema: graphOptionsSchema, create: (options) => graphPlanner(options) });
