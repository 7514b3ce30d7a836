/**
 * @hjepa/contracts: the interfaces packages meet at, with nothing behind them that trains or loads. Lower
 * packages (actor, agent) import these types without depending on `@hjepa/world-model`.
 */

export {
  type Component,
  type ComponentIssue,
  ComponentOptionError,
  type ComponentPaths,
  ComponentRegistry,
  formatComponentPath,
  safeParseOptions,
} from "./componentRegistry.ts";
export {
  type ActionDescription,
  type BoxActionDescription,
  checkLatent,
  type DiscreteActionDescription,
  describePrimitiveActions,
  type LatentDescription,
  LatentVariableError,
  type MacroActionDescription,
  type PrimitiveActionDescription,
  type WorldModel,
  type WorldModelLevel,
} from "./worldModel.ts";
