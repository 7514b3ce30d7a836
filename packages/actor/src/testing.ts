/**
 * Test helpers for planners outside this package (`@hjepa/actor/testing`): the shared suite every continuous
 * planner passes and the analytic problems it uses. Kept off the main entry so that it never loads vitest.
 */
export { type ContinuousSuiteSettings, continuousPlannerSuite, maxDiff } from "./continuousSuite.ts";
export {
  countingModel,
  gridDistance,
  gridModel,
  linearModel,
  minimumEnergyActions,
  oneStepProblem,
} from "./testProblems.ts";
