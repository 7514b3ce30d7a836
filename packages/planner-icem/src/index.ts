/**
 * @hjepa/planner-icem: the planner `icem` (iCEM, Pinneri et al. 2020), registered by name so that a config can
 * plan with it (`agent.planner: "icem"`, options in `agent.plannerOptions`). Made by `pnpm new:package`.
 */
import { registerPlanner } from "@hjepa/actor";
import { icemOptionsSchema, icemPlanner } from "./icem.ts";

export { coloredNoiseBasis, sampleColoredNoise } from "./coloredNoise.ts";
export {
  type IcemCarry,
  type IcemOptions,
  type IcemPlanResult,
  icemOptionsSchema,
  icemPlanner,
  icemPopulations,
  icemSeries,
} from "./icem.ts";

registerPlanner("icem", { schema: icemOptionsSchema, create: (options) => icemPlanner(options) });
