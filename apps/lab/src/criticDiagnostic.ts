import { existsSync } from "node:fs";
import type { PreparedAgent } from "@hjepa/configurator";
import { type ExperimentConfig, findRepoRoot, RunFolder } from "@hjepa/experiment";

/*
 * The critic's diagnostic (`hjepa inspect`): does the critic know about walls? Held-out pairs of frames (from the
 * dataset's validation episodes) are scored by the critic and by the L2 distance between their level-1
 * representations, and ranked against the oracle. The oracle and the true states are used here only, never to
 * train. Heavy modules (tensors, the model) load inside `criticDiagnostic`, so that importing this file costs
 * nothing to the commands that do not run it.
 */

/** Spearman rank correlations of two estimates (the critic's and L2 in representation space) with one truth. */
export interface RankPair {
  critic: number;
  l2: number;
}

export interface CriticDiagnostic {
  /** Held-out pairs, and those of them whose straight line crosses a wall (the walls make a detour). */
  pairs: number;
  crossing: number;
  /** The distance on the map without walls: "euclidean" for continuous moves, "manhattan" for grid moves. */
  straightLine: "euclidean" | "manhattan";
  /** All pairs: rank correlation with the geodesic (and the straight line's, for reference). */
  geodesic: RankPair & { straight: number };
  /** Crossing pairs: with the geodesic. */
  crossingGeodesic: RankPair;
  /**
   * Crossing pairs: each estimate's detour (its fitted scale x the estimate - the straight-line distance) with the
   * true detour (geodesic - straight line). The scale (map units per unit of the estimate) is fitted by least
   * squares on the pairs whose straight line is free, where the geodesic is the straight line.
   */
  detour: RankPair;
  /** Crossing pairs: the raw estimate with the detour (a perfect distance estimate is not 1 here: see README). */
  detourRaw: RankPair;
  scale: RankPair;
}

/** Average ranks (ties share the mean of their ranks), 0-based. */
export function ranks(x: readonly number[]): Float64Array {
  const order = Array.from(x.keys()).sort((a, b) => (x[a] as number) - (x[b] as number));
  const r = new Float64Array(x.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && x[order[j + 1] as number] === x[order[i] as number]) j++;
    for (let k = i; k <= j; k++) r[order[k] as number] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation (Pearson's on average ranks); NaN when either side is constant or empty. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`spearman: ${a.length} values against ${b.length}`);
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const ma = ra.reduce((s, v) => s + v, 0) / n;
  const mb = rb.reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = (ra[i] as number) - ma;
    const db = (rb[i] as number) - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Scale a such that a x estimate best fits the truth (least squares through the origin). */
export function fitScale(estimate: readonly number[], truth: readonly number[]): number {
  let xy = 0;
  let xx = 0;
  for (let i = 0; i < estimate.length; i++) {
    xy += (estimate[i] as number) * (truth[i] as number);
    xx += (estimate[i] as number) ** 2;
  }
  return xy / xx;
}

/**
 * The figures of `CriticDiagnostic` from per-pair numbers: the two estimates, the oracle's geodesic and the
 * straight-line distance. A pair crosses a wall when its geodesic exceeds the straight line by more than 1e-6
 * relative.
 */
export function rankFigures(
  critic: readonly number[],
  l2: readonly number[],
  geodesic: readonly number[],
  straight: readonly number[],
): Omit<CriticDiagnostic, "straightLine"> {
  const crossing: number[] = [];
  const free: number[] = [];
  geodesic.forEach((g, i) => {
    (g > (straight[i] as number) * (1 + 1e-6) + 1e-9 ? crossing : free).push(i);
  });
  const pick = (x: readonly number[], idx: number[]) => idx.map((i) => x[i] as number);
  const detour = crossing.map((i) => (geodesic[i] as number) - (straight[i] as number));
  const scale = {
    critic: fitScale(pick(critic, free), pick(straight, free)),
    l2: fitScale(pick(l2, free), pick(straight, free)),
  };
  const excess = (x: readonly number[], a: number) =>
    crossing.map((i) => a * (x[i] as number) - (straight[i] as number));
  return {
    pairs: geodesic.length,
    crossing: crossing.length,
    geodesic: {
      critic: spearman(critic, geodesic),
      l2: spearman(l2, geodesic),
      straight: spearman(straight, geodesic),
    },
    crossingGeodesic: {
      critic: spearman(pick(critic, crossing), pick(geodesic, crossing)),
      l2: spearman(pick(l2, crossing), pick(geodesic, crossing)),
    },
    detour: {
      critic: spearman(excess(critic, scale.critic), detour),
      l2: spearman(excess(l2, scale.l2), detour),
    },
    detourRaw: { critic: spearman(pick(critic, crossing), detour), l2: spearman(pick(l2, crossing), detour) },
    scale,
  };
}

export function formatCriticDiagnostic(d: CriticDiagnostic): string[] {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "-");
  const both = (r: RankPair) => `critic ${f(r.critic)}, L2 ${f(r.l2)}`;
  return [
    `critic diagnostic (${d.pairs} held-out pairs; Spearman rank correlations; the oracle is used here only):`,
    `  all pairs, with the geodesic: ${both(d.geodesic)}, straight line (${d.straightLine}) ${f(d.geodesic.straight)}`,
    `  ${d.crossing} pairs whose straight line crosses a wall, with the detour (geodesic - straight line):`,
    `    estimated detour (scale x estimate - straight line): ${both(d.detour)}`,
    `    the estimate itself: ${both(d.detourRaw)}; with the geodesic: ${both(d.crossingGeodesic)}`,
  ];
}

/** One line on a prepared critic: its training transitions and how well it holds an observed step to its cost. */
export function criticLine(part: NonNullable<PreparedAgent["parts"]["critic"]>): string {
  return (
    `temporal distance trained on ${part.transitions} observed transitions; it measures a step at ` +
    `${part.stepDistance.toFixed(2)}x its cost on average, ${(part.withinSlack * 100).toFixed(1)}% of steps within the slack`
  );
}

/**
 * The diagnostic for a run with a prepared critic: `pairs` pairs of frames of the dataset's validation episodes
 * (drawn from the named stream "critic-diagnostic" of the config's seed). Null, with the reason, when the run has
 * no critic or its dataset is not in the cache (inspect never collects).
 */
export async function criticDiagnostic(
  runDir: string,
  pairs = 2000,
): Promise<{ diagnostic: CriticDiagnostic } | { skipped: string }> {
  const run = RunFolder.open(runDir);
  const { fullExperimentSchema, loadAgentExtras } = await import("@hjepa/configurator");
  const config: ExperimentConfig = run.validConfig(fullExperimentSchema);
  if (config.agent.critic === null) return { skipped: "no critic (agent.critic is null)" };
  const { datasetPath, loadTrainedModel, makeRunEnv, prepareData } = await import("@hjepa/runs");
  const root = findRepoRoot(process.env.INIT_CWD ?? process.cwd());
  if (!existsSync(datasetPath(config, root)))
    return {
      skipped: `the run's dataset is not in the cache (${datasetPath(config, root)}); hjepa train makes it`,
    };
  const { initTensors, tf } = await import("@hjepa/tensor");
  const { Discrete, Rng } = await import("gymnasium-js");
  await initTensors({ backend: config.backend });
  const extras = await loadAgentExtras(run, config);
  const { model } = await loadTrainedModel(runDir);
  try {
    const critic = extras.critic;
    if (!critic) return { skipped: "no critic was loaded" };
    const { data } = await prepareData(config, { root });
    const w = data.sampleArrays(2 * pairs, 1, new Rng(config.seed).derive("critic-diagnostic"), "validation");
    const z = data.encodeFrames(model, w);
    const d = model.encoder.dim;
    const [c, l] = tf.tidy(() => {
      const a = tf.tensor2d(z.subarray(0, pairs * d), [pairs, d]);
      const b = tf.tensor2d(z.subarray(pairs * d), [pairs, d]);
      return [critic.distance(a, b), tf.norm(tf.sub(a, b), 2, 1)];
    });
    const criticD = Array.from(c.dataSync());
    const l2 = Array.from(l.dataSync());
    tf.dispose([c, l]);
    const { env, core } = makeRunEnv(config);
    const grid = env.actionSpace instanceof Discrete;
    env.close();
    const oracle = core.oracle();
    const sd = data.dataset.stateDim;
    const geodesic: number[] = [];
    const straight: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const a = Array.from(w.states.subarray(i * sd, (i + 1) * sd));
      const b = Array.from(w.states.subarray((pairs + i) * sd, (pairs + i + 1) * sd));
      const dx = (a[0] as number) - (b[0] as number);
      const dy = (a[1] as number) - (b[1] as number);
      geodesic.push(oracle.distance(a, b));
      straight.push(grid ? Math.abs(dx) + Math.abs(dy) : Math.hypot(dx, dy));
    }
    const figures = rankFigures(criticD, l2, geodesic, straight);
    return { diagnostic: { ...figures, straightLine: grid ? "manhattan" : "euclidean" } };
  } finally {
    extras.hazard?.dispose();
    extras.critic?.dispose();
    model.dispose();
  }
}
