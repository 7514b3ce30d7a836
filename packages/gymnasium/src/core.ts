import { npRandom, type Rng } from "./rng.ts";
import type { Space } from "./spaces/space.ts";

/** Free-form per-step information (Gymnasium's `info` dict). */
export type Info = Record<string, unknown>;

export interface ResetOptions {
  /** Reseeds the environment's generator; without it, `reset` continues the current stream. */
  seed?: number;
  /** Environment-specific options (for example a start or goal). */
  options?: Record<string, unknown>;
}

export interface ResetResult<Obs> {
  obs: Obs;
  info: Info;
}

export interface StepResult<Obs> {
  obs: Obs;
  reward: number;
  /** The episode ended inside the MDP (goal reached, fell in a hazard). */
  terminated: boolean;
  /** The episode was cut short from outside the MDP (a time limit). */
  truncated: boolean;
  info: Info;
}

export interface EnvMetadata {
  renderModes: string[];
  renderFps?: number;
  /** Whether `step` runs even when the observation space is violated etc. (Gymnasium's autoreset hints). */
  [key: string]: unknown;
}

/** What `register` recorded about an environment (Gymnasium's `EnvSpec`). */
export interface EnvSpec {
  id: string;
  namespace: string | null;
  name: string;
  version: number | null;
  maxEpisodeSteps: number | null;
  orderEnforce: boolean;
  disableEnvChecker: boolean;
  kwargs: Record<string, unknown>;
  rewardThreshold: number | null;
  nondeterministic: boolean;
}

/** A rendered frame: an `rgb_array` image (height x width x 3, uint8) or `ansi` text. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
}
export type RenderFrame = RgbFrame | string;

/** Marks a prototype (Wrapper's) that provides `metadata`, `renderMode` and `spec` as accessors. */
export const FORWARDS_ENV_FIELDS: unique symbol = Symbol("gymnasium-js.forwardsEnvFields");

/**
 * The environment contract of Gymnasium 1.x. Subclasses implement `step` and `reset`; `reset` calls
 * `this.seedRng(opts.seed)` first so that a given seed reseeds `rng`.
 */
export abstract class Env<Obs, Act> {
  declare metadata: EnvMetadata;
  declare renderMode: string | null;
  declare spec: EnvSpec | null;
  abstract readonly observationSpace: Space<Obs, unknown>;
  abstract readonly actionSpace: Space<Act, unknown>;

  private _rng: Rng | null = null;
  private _seed: number | null = null;
  protected closed = false;

  constructor() {
    // Wrappers forward these three to the wrapped env through accessors on their prototype; own properties
    // would shadow them (and redefining them per instance would drop wrappers into V8's slow dictionary mode).
    if (!(FORWARDS_ENV_FIELDS in this)) {
      this.metadata = { renderModes: [] };
      this.renderMode = null;
      this.spec = null;
    }
  }

  /** The environment's generator: all randomness in `reset`/`step` comes from here. */
  get rng(): Rng {
    if (this._rng === null) {
      const { rng, seed } = npRandom();
      this._rng = rng;
      this._seed = seed;
    }
    return this._rng;
  }

  set rng(rng: Rng) {
    this._rng = rng;
    this._seed = null;
  }

  /** The seed last used to create `rng` (null if it was set directly). */
  get rngSeed(): number | null {
    void this.rng;
    return this._seed;
  }

  abstract step(action: Act): StepResult<Obs>;

  /** Starts an episode. Implementations call `this.seedRng(opts.seed)` first (Gymnasium's `super().reset(seed)`). */
  abstract reset(opts?: ResetOptions): ResetResult<Obs>;

  /** Reseeds `rng` when a seed is given; without one the current stream continues. */
  protected seedRng(seed: number | undefined): void {
    if (seed !== undefined) {
      const { rng, seed: used } = npRandom(seed);
      this._rng = rng;
      this._seed = used;
    }
  }

  render(): RenderFrame | null {
    return null;
  }

  /** Releases resources; safe to call more than once. */
  close(): void {
    this.closed = true;
  }

  /** The innermost environment, below every wrapper. */
  get unwrapped(): Env<unknown, unknown> {
    return this as Env<unknown, unknown>;
  }

  toString(): string {
    return this.spec ? `<${this.constructor.name}<${this.spec.id}>>` : `<${this.constructor.name} instance>`;
  }
}
