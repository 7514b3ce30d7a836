import { type ExperimentConfig, levelOne, upperLevels } from "@hjepa/experiment";

/**
 * Rough costs of a comparison's work, in seconds of one core on a 2-core laptop, so that one progress bar can
 * cover training and evaluation: its ETA comes from the measured rate over these weights, so only their ratios
 * matter (training step against collected env step against planned env step).
 */
const SECONDS_PER_TRAIN_STEP = 0.03;
const SECONDS_PER_COLLECTED_STEP = 2e-5;
const SECONDS_PER_COST_UNIT = 6e-6;
const SECONDS_PER_ENV_STEP = 1e-3;
/** Episodes end early when they reach the goal: this fraction of the step budget, on average. */
const EXPECTED_STEP_FRACTION = 0.6;

/** A training job's work: collecting its dataset (when not cached) and every level's steps. */
export function trainWork(config: ExperimentConfig, collect: boolean): { collect: number; levels: number[] } {
  const steps = [levelOne(config).train, ...upperLevels(config).map((l) => l.train)];
  return {
    collect: collect ? config.data.episodes * config.data.steps * SECONDS_PER_COLLECTED_STEP : 0,
    levels: steps.map((t) => t.steps * SECONDS_PER_TRAIN_STEP * (t.batchSize / 128)),
  };
}

/** One evaluation episode's work at `computePerStep` cost units per env step. */
export function episodeWork(config: ExperimentConfig, computePerStep: number): number {
  const steps = config.agent.maxSteps * EXPECTED_STEP_FRACTION;
  return steps * (computePerStep * SECONDS_PER_COST_UNIT + SECONDS_PER_ENV_STEP);
}
