/**
 * Joint training of level k with the levels below it (`world.levels[k-1].frozenBelow: false`).
 *
 * Every trainable parameter of levels 1..k-1 (encoder, predictor, inverse dynamics, representations,
 * macro-action encoders) is trained with level k's, by level k's optimizer settings (one Adam, one learning
 * rate schedule, one global-norm clip over all of them). The objective is
 *
 *   level k's loss on its batch + jointWeight x sum over j < k of level j's own loss on a batch of its own
 *
 * (level 1: its JEPA loss, with its weights, on windows of its `train.horizon + 1` frames and its batch size;
 * level j: its level loss on windows of its `stride * train.horizon + 1` frames): the lower levels keep their
 * own prediction and anti-collapse terms, so their representations do not collapse or drift away from what
 * their predictors expect while level k's gradient reshapes them. An EMA target of level 1 keeps moving after
 * every step at the momentum its schedule ended with (`ema.end`; 1, the default, keeps it where level 1 left it).
 *
 * The lower levels are updated in place. Their parameters are checkpointed with level k's (in
 * `checkpoints/level-<k>/`, named `level-<j>/<name>`, their Adam moments `adam/m/level-<j>/<name>`), never in
 * their own checkpoints, which stay as their training finished them; loaders take them from there (`@hjepa/runs`).
 * When training finishes, the macro-action statistics of every upper level below are computed again (their
 * macro-action encoders moved) and saved with level k's final checkpoint too.
 */
import { type ExperimentConfig, levelOne, upperLevels } from "@hjepa/experiment";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { WorldModelData } from "../data.ts";
import type { SequenceBatch } from "../jepa.ts";
import type { LossValues } from "../losses/term.ts";
import type { TrainableParams } from "../train/loop.ts";
import { collectMacroStatistics } from "./macroStatistics.ts";
import { type LevelBelow, UpperLevelModel } from "./upperLevel.ts";

/** A training batch of level k with, under joint training, one batch of each level below (bottom first). */
export type LevelBatch = SequenceBatch & { below: SequenceBatch[] };

/** The level number of a level (1 for level 1). */
export function levelNumber(m: LevelBelow): number {
  return m instanceof UpperLevelModel ? m.level : 1;
}

/** The levels under `top`, bottom first: level 1, 2, ..., k-1. */
export function levelsBelow(top: UpperLevelModel): LevelBelow[] {
  const out: LevelBelow[] = [];
  for (let m: LevelBelow = top.below; ; m = m.below) {
    out.unshift(m);
    if (!(m instanceof UpperLevelModel)) return out;
  }
}

/** The name of level j's parameter `name` in the checkpoints of a level trained jointly with it. */
export function jointName(level: number, name: string): string {
  return `level-${level}/${name}`;
}

/**
 * The parameters of level k trained jointly with the levels below: its own (named as under frozen training),
 * then every level below's, bottom first, as `level-<j>/<name>` (all of them in `entries`, which checkpoints
 * carry: normalisations, EMA targets and macro-action statistics too).
 */
export function jointParams(top: UpperLevelModel): TrainableParams {
  const below = levelsBelow(top);
  const named = (m: LevelBelow, list: Iterable<[string, tf.Variable]>) =>
    [...list].map(([name, v]): [string, tf.Variable] => [jointName(levelNumber(m), name), v]);
  return {
    entries: () => [...top.params.entries(), ...below.flatMap((m) => named(m, m.params.entries()))],
    trainable: () =>
      new Map([...top.params.trainable(), ...below.flatMap((m) => named(m, m.params.trainable()))]),
  };
}

/** The random streams joint training adds to level k's (checkpoints carry them). */
export interface JointRngs {
  /** The batches of the levels below. */
  jointSample: Rng;
  /** Their losses' randomness (SIGReg directions, stochastic macro-action latents). */
  jointLoss: Rng;
}

/**
 * What joint training adds to level k's training loop: the parameters, the lower levels' batches and losses,
 * the step hook and the statistics at the end. `rng` is level k's `joint` stream; its children are named.
 */
export class JointTraining {
  readonly below: LevelBelow[];
  readonly params: TrainableParams;
  readonly rngs: JointRngs;
  readonly weight: number;

  constructor(
    private readonly config: ExperimentConfig,
    readonly top: UpperLevelModel,
    private readonly data: WorldModelData,
    private readonly rng: Rng,
  ) {
    this.below = levelsBelow(top);
    this.params = jointParams(top);
    this.rngs = { jointSample: rng.derive("sample"), jointLoss: rng.derive("loss") };
    const weight = upperLevels(config)[top.level - 2]?.jointWeight;
    if (weight === undefined) {
      throw new Error(
        `JointTraining: world.levels[${top.level - 1}].jointWeight is missing; parse the config with experimentSchema`,
      );
    }
    this.weight = weight;
  }

  /** Level k's batch with a training batch of each level below, of its own window length and batch size. */
  withBatchesBelow(batch: SequenceBatch): LevelBatch {
    const rng = this.rngs.jointSample;
    const below = this.below.map((m) => {
      const { batchSize, frames } = this.windows(m);
      const { obs, actions } = this.data.sample(batchSize, frames, rng, "train");
      return { obs, actions };
    });
    return { ...batch, below };
  }

  /**
   * The joint objective from level k's own terms on `batch`: `total` = own total + weight x each level below's
   * total on its batch. Reported: level k's terms by their names, its own total as `level-<k>/total`, and
   * each level j's terms as `level-<j>/<term>`.
   */
  loss(batch: LevelBatch, own: LossValues): LossValues {
    return tf.tidy(() => {
      const rng = this.rngs.jointLoss;
      const lower = this.below.map((m, i) => {
        const b = batch.below[i] as SequenceBatch;
        const terms: LossValues =
          m instanceof UpperLevelModel ? m.loss(b, rng) : m.loss(b, levelOne(this.config).loss, rng);
        return { level: levelNumber(m), terms };
      });
      const total = tf.addN([
        own.total,
        ...lower.map((l) => tf.mul(l.terms.total, this.weight)),
      ]) as tf.Scalar;
      const { total: ownTotal, ...ownTerms } = own;
      const values: Record<string, tf.Scalar> = {
        ...ownTerms,
        [jointName(this.top.level, "total")]: ownTotal,
      };
      for (const l of lower)
        for (const [name, v] of Object.entries(l.terms)) values[jointName(l.level, name)] = v;
      return { total, ...values } as LossValues;
    });
  }

  /** After every optimizer step: level 1's EMA target follows its encoder at its final momentum. */
  afterStep(): void {
    const target = this.top.levelOne.target;
    target?.moveToward(target.schedule.end);
  }

  /** Computes and stores the macro-action statistics of every upper level below (their encoders moved). */
  refreshStatistics(samples: number): void {
    for (const m of this.below) {
      if (!(m instanceof UpperLevelModel)) continue;
      const rng = this.rng.derive(`macroStatistics-level-${m.level}`);
      m.setMacroStatistics(collectMacroStatistics(m, this.data, rng, samples));
    }
  }

  /** The windows a level trains on: its batch size and `horizon + 1` frames of its own steps. */
  private windows(m: LevelBelow): { batchSize: number; frames: number } {
    if (!(m instanceof UpperLevelModel)) {
      const { train } = levelOne(this.config);
      return { batchSize: train.batchSize, frames: train.horizon + 1 };
    }
    const cfg = upperLevels(this.config)[m.level - 2];
    if (!cfg) throw new Error(`JointTraining: the config has no level ${m.level}`);
    return { batchSize: cfg.train.batchSize, frames: cfg.stride * cfg.train.horizon + 1 };
  }
}
