import type { Env, EnvSpec, RenderFrame, ResetOptions, ResetResult, StepResult } from "../core.ts";
import { warn } from "../utils/logger.ts";
import {
  checkActionSpace,
  checkObservationSpace,
  envRenderPassiveChecker,
  envResetPassiveChecker,
  envStepPassiveChecker,
} from "../utils/passiveEnvChecker.ts";
import { Wrapper } from "./wrapper.ts";

/**
 * Gymnasium's `PassiveEnvChecker`: checks the spaces on construction, and the first `reset`, `step` and
 * `render` results (warning, or throwing where Gymnasium asserts); afterwards it only forwards.
 */
export class PassiveEnvChecker<Obs, Act> extends Wrapper<Obs, Act> {
  private checkedReset = false;
  private checkedStep = false;
  private checkedRender = false;
  private closeCalled = false;

  constructor(env: Env<Obs, Act>) {
    super(env);
    if (env.actionSpace === undefined)
      throw new TypeError(`${env.toString()}: the environment must specify an actionSpace`);
    checkActionSpace(env.actionSpace);
    if (env.observationSpace === undefined) {
      throw new TypeError(`${env.toString()}: the environment must specify an observationSpace`);
    }
    checkObservationSpace(env.observationSpace);
  }

  override step(action: Act): StepResult<Obs> {
    if (this.checkedStep) return this.env.step(action);
    this.checkedStep = true;
    return envStepPassiveChecker(this.env, action);
  }

  override reset(opts?: ResetOptions): ResetResult<Obs> {
    if (this.checkedReset) return this.env.reset(opts);
    this.checkedReset = true;
    return envResetPassiveChecker(this.env, opts);
  }

  override render(): RenderFrame | null {
    if (this.checkedRender) return this.env.render();
    this.checkedRender = true;
    return envRenderPassiveChecker(this.env as Env<unknown, unknown>) as RenderFrame | null;
  }

  override close(): void {
    if (!this.closeCalled) {
      this.closeCalled = true;
      this.env.close();
      return;
    }
    try {
      this.env.close();
    } catch (e) {
      warn(`Calling env.close() on the closed environment should be allowed, but it threw: ${String(e)}`);
      throw e;
    }
  }

  protected override transformSpec(spec: EnvSpec): EnvSpec {
    return { ...spec, kwargs: { ...spec.kwargs }, disableEnvChecker: false };
  }
}
