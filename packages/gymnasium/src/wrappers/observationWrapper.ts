import type { ResetOptions, ResetResult, StepResult } from "../core.ts";
import { Wrapper } from "./wrapper.ts";

/**
 * Transforms every observation (from `reset` and `step`) with `observation(obs)`. When the transformed values
 * live in another space, assign `this.observationSpace` in the subclass constructor.
 */
export abstract class ObservationWrapper<Obs, Act, WObs = Obs> extends Wrapper<Obs, Act, WObs, Act> {
  abstract observation(obs: Obs): WObs;

  override reset(opts?: ResetOptions): ResetResult<WObs> {
    const r = this.env.reset(opts);
    return { obs: this.observation(r.obs), info: r.info };
  }

  override step(action: Act): StepResult<WObs> {
    const r = this.env.step(action);
    return {
      obs: this.observation(r.obs),
      reward: r.reward,
      terminated: r.terminated,
      truncated: r.truncated,
      info: r.info,
    };
  }
}
