import type { Env, EnvSpec, ResetOptions, ResetResult, StepResult } from "../core.ts";
import { Wrapper } from "./wrapper.ts";

/**
 * Truncates episodes after `maxEpisodeSteps` steps: the step that reaches the limit returns
 * `truncated: true` (whatever `terminated` is). Adds nothing to `info`. Its `spec.maxEpisodeSteps` is the limit.
 */
export class TimeLimit<Obs, Act> extends Wrapper<Obs, Act> {
  readonly maxEpisodeSteps: number;
  private elapsed = 0;

  constructor(env: Env<Obs, Act>, maxEpisodeSteps: number) {
    super(env);
    if (!Number.isSafeInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new RangeError(`TimeLimit: maxEpisodeSteps must be a positive integer (got ${maxEpisodeSteps})`);
    }
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  /** Steps taken since the last `reset`. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps && !r.truncated) {
      // A new object: the env may reuse its result object and would keep truncated = true.
      return { obs: r.obs, reward: r.reward, terminated: r.terminated, truncated: true, info: r.info };
    }
    return r;
  }

  override reset(opts?: ResetOptions): ResetResult<Obs> {
    this.elapsed = 0;
    return this.env.reset(opts);
  }

  protected override transformSpec(spec: EnvSpec): EnvSpec {
    return { ...spec, kwargs: { ...spec.kwargs }, maxEpisodeSteps: this.maxEpisodeSteps };
  }
}
