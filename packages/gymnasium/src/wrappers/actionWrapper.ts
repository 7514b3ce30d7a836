import type { StepResult } from "../core.ts";
import { Wrapper } from "./wrapper.ts";

/**
 * Transforms every action with `action(a)` before the wrapped env's `step`. When the accepted actions live
 * in another space, assign `this.actionSpace` in the subclass constructor.
 */
export abstract class ActionWrapper<Obs, Act, WAct = Act> extends Wrapper<Obs, Act, Obs, WAct> {
  abstract action(action: WAct): Act;

  override step(action: WAct): StepResult<Obs> {
    return this.env.step(this.action(action));
  }
}
