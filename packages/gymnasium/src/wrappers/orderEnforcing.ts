import type { Env, EnvSpec, RenderFrame, ResetOptions, ResetResult, StepResult } from "../core.ts";
import { ResetNeeded } from "../errors.ts";
import { Wrapper } from "./wrapper.ts";

export interface OrderEnforcingOptions {
  /** Allow `render()` before the first `reset()` (default false). */
  disableRenderOrderEnforcing?: boolean;
}

/** Throws `ResetNeeded` when `step` (or `render`, unless disabled) is called before the first `reset`. */
export class OrderEnforcing<Obs, Act> extends Wrapper<Obs, Act> {
  private _hasReset = false;
  private readonly disableRenderOrderEnforcing: boolean;

  constructor(env: Env<Obs, Act>, opts: OrderEnforcingOptions = {}) {
    super(env);
    this.disableRenderOrderEnforcing = opts.disableRenderOrderEnforcing ?? false;
  }

  /** Whether `reset` has been called at least once. */
  get hasReset(): boolean {
    return this._hasReset;
  }

  override step(action: Act): StepResult<Obs> {
    if (!this._hasReset) {
      throw new ResetNeeded(`Cannot call env.step() before calling env.reset() (${this.env.toString()})`);
    }
    return this.env.step(action);
  }

  override reset(opts?: ResetOptions): ResetResult<Obs> {
    this._hasReset = true;
    return this.env.reset(opts);
  }

  override render(): RenderFrame | null {
    if (!this.disableRenderOrderEnforcing && !this._hasReset) {
      throw new ResetNeeded(
        `Cannot call env.render() before calling env.reset() (${this.env.toString()}); if this is intended, ` +
          "pass { disableRenderOrderEnforcing: true } to OrderEnforcing",
      );
    }
    return this.env.render();
  }

  protected override transformSpec(spec: EnvSpec): EnvSpec {
    return { ...spec, kwargs: { ...spec.kwargs }, orderEnforce: true };
  }
}
