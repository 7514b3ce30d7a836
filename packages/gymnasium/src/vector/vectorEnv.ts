import type { EnvMetadata, Info } from "../core.ts";
import type { Space } from "../spaces/space.ts";

/**
 * When a sub-env that ended is reset (Gymnasium 1.x `AutoresetMode`):
 * - `next_step` (default): on the following `step`, whose action for it is ignored; that step returns the
 *   reset observation with reward 0 and terminated = truncated = false;
 * - `same_step`: within the step that ended it; the returned obs is the reset one, and `infos.finalObs` /
 *   `infos.finalInfo` hold the last observation and info of the ended episode;
 * - `disabled`: never; reset it yourself with `reset({options: {resetMask}})` before stepping it again.
 */
export type AutoresetMode = "next_step" | "same_step" | "disabled";

export interface VectorResetOptions {
  /** One seed (sub-env i gets seed + i) or one per sub-env (null/undefined: not reseeded). */
  seed?: number | readonly (number | null | undefined)[];
  /** Passed to every sub-env's reset; `resetMask` (n booleans or 0/1) resets only the masked sub-envs. */
  options?: Record<string, unknown> & { resetMask?: ArrayLike<boolean | number> };
}

export interface VectorResetResult<BObs> {
  obs: BObs;
  infos: Info;
}

export interface VectorStepResult<BObs> {
  obs: BObs;
  /** One reward per sub-env. */
  rewards: Float64Array;
  /** 1 where the sub-env's episode ended inside the MDP, else 0. */
  terminations: Uint8Array;
  /** 1 where the sub-env's episode was cut short (time limit), else 0. */
  truncations: Uint8Array;
  /** Merged infos: for each key an array over sub-envs plus a `_key` presence mask (see `addInfo`). */
  infos: Info;
}

/** Gymnasium's `VectorEnv`: n copies of an environment stepped as one, with batched spaces and values. */
export abstract class VectorEnv<BObs, BAct> {
  abstract readonly numEnvs: number;
  abstract readonly singleObservationSpace: Space<unknown, unknown>;
  abstract readonly singleActionSpace: Space<unknown, unknown>;
  /** The space of batched observations (see `batchSpace`). */
  abstract readonly observationSpace: Space<unknown, unknown>;
  /** The space of batched actions (see `batchSpace`). */
  abstract readonly actionSpace: Space<unknown, unknown>;
  abstract readonly metadata: EnvMetadata & { autoresetMode: AutoresetMode };
  renderMode: string | null = null;
  closed = false;

  abstract reset(opts?: VectorResetOptions): VectorResetResult<BObs>;
  abstract step(actions: BAct): VectorStepResult<BObs>;

  /** The sub-envs' frames, or null when not rendering. */
  render(): unknown[] | null {
    return null;
  }

  /** Closes every sub-env; safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closeExtras();
    this.closed = true;
  }

  protected closeExtras(): void {}

  get unwrapped(): VectorEnv<BObs, BAct> {
    return this;
  }

  toString(): string {
    return `${this.constructor.name}(numEnvs=${this.numEnvs})`;
  }
}
