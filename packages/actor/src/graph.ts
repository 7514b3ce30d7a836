import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import { z } from "zod";
import { registerPlanner } from "./registry.ts";
import { parsePlannerOptions, positiveInt, positiveNumber, Search } from "./search.ts";
import type { Planner, PlanRequest, PlanResult } from "./types.ts";

/** Options of `graph` (breadth-first graph search over imagined states, for discrete actions). */
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
}

const NAME = "graph";
/** The options of `graph` as a config gives them (`agent.plannerOptions`), with their defaults and bounds. */
export const graphOptionsSchema = z
  .object({
    width: positiveInt().default(256),
    merge: positiveNumber().default(0.3),
    snap: positiveNumber().default(0.5),
  })
  .strict();

interface Node {
  rep: Float32Array;
  parent: number;
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
  const { width, merge, snap } = parsePlannerOptions(NAME, graphOptionsSchema, options);

  return {
    name: NAME,
    plan(request: PlanRequest): PlanResult {
      const search = new Search(request, NAME);
      const { horizon: h, d } = search;
      const { n, start } = search.discrete();
      if (search.budget < n)
        throw new InputError(`${NAME}: budget ${search.budget} is below one expansion (${n} calls)`);
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
        const actionValues = Float32Array.from({ length: count }, (_, c) => start + (c % n));
        const next = tf.tidy(() => {
          const s = tf.tensor2d(
            Float32Array.from(
              { length: count * d },
              (_, i) => (nodes[expand[Math.floor(i / (n * d))] as number] as Node).rep[i % d] as number,
            ),
            [count, d],
          );
          return request.model.predict(s, tf.tensor2d(actionValues, [count, 1])).dataSync() as Float32Array;
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
          const actions = tf.tensor3d(actionValues, [count, 1, 1]);
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
            action: actionValues[c] as number,
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
      return planTo(search, nodes, best, h, d, feasibleSeen);
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

/** The plan: the path to node `best`, padded to the horizon by repeating its last action and state. */
function planTo(
  search: Search,
  nodes: readonly Node[],
  best: number,
  h: number,
  d: number,
  feasible: boolean,
): PlanResult {
  const path: Node[] = [];
  for (let i = best; i > 0; i = (nodes[i] as Node).parent) path.unshift(nodes[i] as Node);
  const actions = new Float32Array(h);
  const predicted = new Float32Array(h * d);
  const root = nodes[0] as Node;
  for (let t = 0; t < h; t++) {
    const node = path[Math.min(t, path.length - 1)];
    actions[t] = node ? node.action : 0;
    predicted.set(node ? node.rep : root.rep, t * d);
  }
  return {
    actions,
    predicted,
    cost: best >= 0 ? (nodes[best] as Node).cost : Infinity,
    horizon: h,
    actionDim: 1,
    dim: d,
    stats: { predictorCalls: search.used, iterations: path.length, ms: search.elapsedMs(), feasible },
  };
}

registerPlanner(NAME, { schema: graphOptionsSchema, create: (options) => graphPlanner(options) });
