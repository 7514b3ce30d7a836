import type { StepResult } from "../core.ts";
import { Wrapper } from "./wrapper.ts";

/** Transforms every step's reward with `reward(r)`. */
export abstract class RewardWrapper<Obs, Act> extends Wrapper<Obs, Act> {
  abstract reward(reward: number): number;

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    return {
      obs: r.obs,
      reward: this.reward(r.reward),
      terminated: r.terminated,
      truncated: r.truncated,
      info: r.info,
    };
  }
}
