import {
  Env,
  type EnvMetadata,
  type EnvSpec,
  FORWARDS_ENV_FIELDS,
  type RenderFrame,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from "../core.ts";
import type { Rng } from "../rng.ts";
import type { Space } from "../spaces/space.ts";

/**
 * Gymnasium's `Wrapper`: an `Env` around another `env` (`Obs`/`Act` are the inner types, `WObs`/`WAct` the
 * ones this wrapper exposes). Everything forwards to `env` unless overridden: `observationSpace`,
 * `actionSpace` and `metadata` can be replaced by assigning them (e.g. in a subclass constructor); `spec`,
 * `renderMode`, `rng` and `unwrapped` read through to the wrapped env.
 *
 * Wrappers never mutate the result objects returned by the wrapped env (an env may reuse them between steps).
 */
export class Wrapper<Obs, Act, WObs = Obs, WAct = Act> extends Env<WObs, WAct> {
  readonly env: Env<Obs, Act>;
  declare observationSpace: Space<WObs, unknown>;
  declare actionSpace: Space<WAct, unknown>;

  private _observationSpace: Space<WObs, unknown> | null = null;
  private _actionSpace: Space<WAct, unknown> | null = null;
  private _metadata: EnvMetadata | null = null;
  private _specOverride: EnvSpec | null | undefined = undefined;
  private _specSource: EnvSpec | null = null;
  private _specCache: EnvSpec | null = null;

  constructor(env: Env<Obs, Act>) {
    super();
    if (!(env instanceof Env)) {
      throw new TypeError(`${new.target.name}: expected an Env to wrap (got ${describe(env)})`);
    }
    this.env = env;
  }

  // Env declares metadata/renderMode/spec as plain properties, so TypeScript cannot override them with
  // accessors in the class body: install the forwarding accessors on the prototype instead (per-instance
  // accessors would put every wrapper in V8's slow dictionary mode). Env's constructor sees the marker and
  // leaves these properties to the prototype.
  static {
    Object.defineProperties(Wrapper.prototype, {
      [FORWARDS_ENV_FIELDS]: { value: true },
      observationSpace: {
        get(this: Wrapper<unknown, unknown>) {
          return this._observationSpace ?? this.env.observationSpace;
        },
        set(this: Wrapper<unknown, unknown>, space: Space<unknown, unknown>) {
          this._observationSpace = space;
        },
        configurable: true,
      },
      actionSpace: {
        get(this: Wrapper<unknown, unknown>) {
          return this._actionSpace ?? this.env.actionSpace;
        },
        set(this: Wrapper<unknown, unknown>, space: Space<unknown, unknown>) {
          this._actionSpace = space;
        },
        configurable: true,
      },
      metadata: {
        get(this: Wrapper<unknown, unknown>) {
          return this._metadata ?? this.env.metadata;
        },
        set(this: Wrapper<unknown, unknown>, metadata: EnvMetadata) {
          this._metadata = metadata;
        },
        configurable: true,
      },
      renderMode: {
        get(this: Wrapper<unknown, unknown>) {
          return this.env.renderMode;
        },
        set(this: Wrapper<unknown, unknown>, mode: unknown) {
          throw new TypeError(
            `${this.constructor.name}.renderMode is read-only (it is the wrapped env's, ${JSON.stringify(this.env.renderMode)}); ` +
              `cannot set it to ${JSON.stringify(mode)}: create the env with the render mode instead`,
          );
        },
        configurable: true,
      },
      spec: {
        get(this: Wrapper<unknown, unknown>) {
          if (this._specOverride !== undefined) return this._specOverride;
          const inner = this.env.spec;
          if (inner === null) return null;
          if (inner !== this._specSource) {
            this._specSource = inner;
            this._specCache = this.transformSpec(inner);
          }
          return this._specCache;
        },
        set(this: Wrapper<unknown, unknown>, spec: EnvSpec | null) {
          this._specOverride = spec;
        },
        configurable: true,
      },
    });
  }

  /** How this wrapper changes the wrapped env's spec (TimeLimit sets `maxEpisodeSteps`, ...). */
  protected transformSpec(spec: EnvSpec): EnvSpec {
    return spec;
  }

  override get rng(): Rng {
    return this.env.rng;
  }

  override set rng(rng: Rng) {
    this.env.rng = rng;
  }

  override get rngSeed(): number | null {
    return this.env.rngSeed;
  }

  override get unwrapped(): Env<unknown, unknown> {
    return this.env.unwrapped;
  }

  step(action: WAct): StepResult<WObs> {
    return this.env.step(action as unknown as Act) as unknown as StepResult<WObs>;
  }

  reset(opts?: ResetOptions): ResetResult<WObs> {
    return this.env.reset(opts) as unknown as ResetResult<WObs>;
  }

  override render(): RenderFrame | null {
    return this.env.render();
  }

  override close(): void {
    this.env.close();
  }

  /** The value of `name` on the outermost wrapper (or env) that has it (Gymnasium's `get_wrapper_attr`). */
  getWrapperAttr(name: string): unknown {
    if (name in this) return (this as unknown as Record<string, unknown>)[name];
    const inner = this.env;
    if (inner instanceof Wrapper) return inner.getWrapperAttr(name);
    if (name in inner) return (inner as unknown as Record<string, unknown>)[name];
    throw new TypeError(`${this.toString()}: no wrapper and not the env has an attribute "${name}"`);
  }

  override toString(): string {
    return `<${this.constructor.name}${this.env.toString()}>`;
  }
}

export function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}
