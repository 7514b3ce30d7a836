import type { WorldModel } from "@hjepa/contracts";
import {
  type CriticFitResult,
  fitCritic,
  HazardClassifier,
  type HazardFitResult,
  TemporalDistanceCritic,
} from "@hjepa/cost";
import { InputError } from "@hjepa/errors";
import type { ExperimentConfig } from "@hjepa/experiment";
import { Landmarks } from "@hjepa/memory";
import { tf } from "@hjepa/tensor";
import { asWorldModel, type JepaWorldModel, type WorldModelData } from "@hjepa/world-model";
import { Rng } from "gymnasium-js";

/** What an agent gets besides its world model, learned from the training data when the config asks for it. */
export interface AgentExtras {
  /** The hazard guardrail's classifier (`agent.guardrails.hazard`). */
  hazard: HazardClassifier | null;
  /** Landmarks for graph planners (`agent.landmarks`). */
  landmarks: Landmarks | null;
  /** The critic (`agent.critic`): temporal distances between level-1 representations. */
  critic?: TemporalDistanceCritic | null;
}

/**
 * Trains the hazard classifier and builds the landmarks the config asks for (null for those it does not), on
 * level-1 representations of `model` (a trained level 1 alone is taken as the one-level world model over it). A
 * run does this once, in `prepareRun`; `hjepa eval` loads the saved parts (`loadAgentExtras`) and never trains.
 */
export function prepareAgentExtras(
  config: ExperimentConfig,
  model: WorldModel | JepaWorldModel,
  data: WorldModelData,
): AgentExtras {
  return {
    hazard: trainHazardClassifier(config, model, data),
    landmarks: buildLandmarks(config, model, data),
    critic: fitAgentCritic(config, model, data)?.critic ?? null,
  };
}

/**
 * Trains the critic a config asks for (`agent.critic`) on level-1 representations of training windows of
 * `window` consecutive frames (`samples` frames in all): representations only, never the data's true states.
 * Null when the config asks for none.
 */
export function fitAgentCritic(
  config: ExperimentConfig,
  model: WorldModel | JepaWorldModel,
  data: WorldModelData,
  onStep?: (step: number, total: number) => void,
): { critic: TemporalDistanceCritic; fit: CriticFitResult } | null {
  const spec = config.agent.critic;
  if (!spec) return null;
  // A named stream of the config's seed: the same seed gives the same critic, whatever else draws from it.
  const rng = new Rng(config.seed).derive("critic");
  const windows = Math.max(1, Math.ceil(spec.samples / spec.window));
  const world = asWorldModel(model);
  const w = data.sampleArrays(windows, spec.window, rng, "train");
  const reps = data.encodeFrames(world, w);
  const {
    embedding,
    hidden,
    norm,
    steps,
    batchSize,
    lr,
    spread,
    slack,
    multiplierLr,
    nearPairs,
    nearCandidates,
  } = spec;
  let stepCosts: Float32Array | undefined;
  if (spec.stepCost === "action-norm") {
    if (data.dataset.actionKind === "discrete")
      throw new InputError(
        `agent.critic.stepCost "action-norm" needs continuous actions; ${config.env.id} has discrete ones`,
      );
    const k = data.dataset.actionDim;
    // A floor keeps every bound positive: a step with no action still took some time.
    stepCosts = Float32Array.from({ length: w.actions.length / k }, (_, t) =>
      Math.max(1e-3, Math.hypot(...w.actions.subarray(t * k, (t + 1) * k))),
    );
  }
  const critic = new TemporalDistanceCritic({ dim: world.levels[0].dim, embedding, hidden, norm });
  try {
    const fit = fitCritic(
      critic,
      { reps, windows, length: spec.window, ...(stepCosts ? { stepCosts } : {}) },
      { steps, batchSize, lr, spread, slack, multiplierLr, nearPairs, nearCandidates, rng, onStep },
    );
    return { critic, fit };
  } catch (e) {
    critic.dispose();
    throw e;
  }
}

/**
 * Hazard labels of windows of `length` = 2m + 1 frames (`costs` `[batch, length]`, the cost of entering each
 * frame): a window's middle frame is a hazard when any frame of the window has a cost, so that states from
 * which the data entered a hazard within m moves count as hazards too (a safety margin of m moves).
 */
export function hazardLabels(costs: ArrayLike<number>, batch: number, length: number): Uint8Array {
  if (costs.length !== batch * length)
    throw new Error(`hazardLabels: ${costs.length} costs for ${batch} windows of ${length} frames`);
  const labels = new Uint8Array(batch);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < length; t++) if ((costs[b * length + t] as number) > 0) labels[b] = 1;
  return labels;
}

/**
 * Trains the hazard classifier a config asks for on encoded training frames, labelled from the dataset's cost
 * labels with the config's safety `margin` (see `hazardLabels`).
 */
export function trainHazardClassifier(
  config: ExperimentConfig,
  model: WorldModel | JepaWorldModel,
  data: WorldModelData,
): HazardClassifier | null {
  return fitHazardClassifier(config, model, data)?.classifier ?? null;
}

/** `trainHazardClassifier` with what the fit reports (accuracy, counts of hazards and safe windows). */
export function fitHazardClassifier(
  config: ExperimentConfig,
  model: WorldModel | JepaWorldModel,
  data: WorldModelData,
): { classifier: HazardClassifier; fit: HazardFitResult } | null {
  const hazard = config.agent.guardrails.hazard;
  if (!hazard) return null;
  // A named stream of the config's seed: the same seed gives the same classifier, whatever else draws from it.
  const rng = new Rng(config.seed).derive("hazard");
  const m = hazard.margin;
  const length = 2 * m + 1;
  const world = asWorldModel(model);
  const w = data.sampleArrays(hazard.samples, length, rng, "train");
  const batch = data.toTensors(w);
  const z = tf.tidy(() => {
    const middle = tf.slice(batch.obs, [0, m], [w.batch, 1]);
    return world.encode(tf.reshape(middle, [w.batch, ...data.obsShape]));
  });
  const reps = z.dataSync() as Float32Array;
  tf.dispose([z, batch.obs, batch.actions]);
  const classifier = new HazardClassifier({ dim: world.levels[0].dim });
  const fit = classifier.fit(reps, hazardLabels(w.costs, w.batch, length), { epochs: hazard.epochs, rng });
  return { classifier, fit };
}

/**
 * The landmarks a config asks for: `samples` training frames, encoded, deduplicated at `radius` x the median
 * encoded distance between consecutive frames that differ (one typical move). The frames come in consecutive
 * pairs, or with `transitions` in windows of `window` frames, and then every move in them between two
 * different landmarks (each frame taken to its nearest) is recorded with its action: the experience graph.
 */
export function buildLandmarks(
  config: ExperimentConfig,
  model: WorldModel | JepaWorldModel,
  data: WorldModelData,
): Landmarks | null {
  const spec = config.agent.landmarks;
  if (!spec) return null;
  const length = spec.transitions ? spec.window : 2;
  const windows = Math.max(1, Math.ceil(spec.samples / length));
  const w = data.sampleArrays(windows, length, new Rng(config.seed).derive("landmarks"), "train");
  const world = asWorldModel(model);
  const d = world.levels[0].dim;
  const reps = data.encodeFrames(world, w);
  const gap = (b: number, t: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const e = (reps[(b * length + t + 1) * d + j] as number) - (reps[(b * length + t) * d + j] as number);
      s += e * e;
    }
    return Math.sqrt(s);
  };
  const moves: number[] = [];
  for (let b = 0; b < windows; b++) for (let t = 0; t + 1 < length; t++) moves.push(gap(b, t));
  const largest = moves.reduce((a, b) => Math.max(a, b), 0);
  const moved = moves.filter((x) => x > 1e-3 * largest).sort((a, b) => a - b);
  const move = moved[Math.floor(moved.length / 2)];
  if (move === undefined)
    throw new Error(`${config.name}: no pair of consecutive frames differs; cannot size the landmarks`);
  const landmarks = Landmarks.fromRepresentations(reps, d, spec.radius * move, spec.capacity);
  if (spec.transitions) {
    const k = w.actions.length / (windows * (length - 1));
    const at = Int32Array.from(
      { length: windows * length },
      (_, f) => landmarks.nearest(reps.subarray(f * d, (f + 1) * d)).index,
    );
    for (let b = 0; b < windows; b++) {
      for (let t = 0; t + 1 < length; t++) {
        const from = at[b * length + t] as number;
        const to = at[b * length + t + 1] as number;
        const a = (b * (length - 1) + t) * k;
        if (from !== to) landmarks.addTransition(from, to, w.actions.subarray(a, a + k));
      }
    }
  }
  return landmarks;
}
