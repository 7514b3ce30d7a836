import type { Env, EnvMetadata, Info } from "../core.ts";
import { Box } from "../spaces/box.ts";
import { Discrete } from "../spaces/discrete.ts";
import { MultiDiscrete } from "../spaces/multiDiscrete.ts";
import type { Space } from "../spaces/space.ts";
import {
  type Batch,
  type BatchWriter,
  batchSpace,
  batchWriter,
  cloneBatch,
  createEmptyArray,
  getBatchItem,
  iterate,
} from "./batching.ts";
import { addInfo } from "./infos.ts";
import {
  type AutoresetMode,
  VectorEnv,
  type VectorResetOptions,
  type VectorResetResult,
  type VectorStepResult,
} from "./vectorEnv.ts";

export interface SyncVectorEnvOptions {
  /** Return copies of the observation/reward/flag buffers (default true). With false, the returned arrays
   * are internal buffers overwritten by the next `step`/`reset`. */
  copy?: boolean;
  /** Default "next_step", as Gymnasium 1.x. */
  autoresetMode?: AutoresetMode;
}

const AUTORESET_MODES: readonly AutoresetMode[] = ["next_step", "same_step", "disabled"];

/**
 * Gymnasium's `SyncVectorEnv`: runs n envs one after the other in this thread. All sub-envs must have the
 * same observation and action spaces. Actions are batched (`Batch<Act>`, laid out as in `batchSpace`).
 */
export class SyncVectorEnv<Obs, Act> extends VectorEnv<Batch<Obs>, Batch<Act>> {
  readonly envs: Env<Obs, Act>[];
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<Obs, unknown>;
  readonly singleActionSpace: Space<Act, unknown>;
  readonly observationSpace: Space<Batch<Obs>, unknown>;
  readonly actionSpace: Space<Batch<Act>, unknown>;
  readonly metadata: EnvMetadata & { autoresetMode: AutoresetMode };
  readonly copy: boolean;
  readonly autoresetMode: AutoresetMode;

  private readonly observations: Batch<Obs>;
  private readonly rewards: Float64Array;
  private readonly terminations: Uint8Array;
  private readonly truncations: Uint8Array;
  private readonly autoresetEnvs: Uint8Array;
  private readonly actionsAreViews: boolean;
  private readonly writeObs: BatchWriter;
  private readonly actionsAreScalars: boolean;
  private cachedActionBatch: unknown = null;
  private cachedActionRows: unknown[] = [];

  constructor(envFns: Iterable<() => Env<Obs, Act>>, opts: SyncVectorEnvOptions = {}) {
    super();
    this.envs = [...envFns].map((fn, i) => {
      if (typeof fn !== "function")
        throw new TypeError(`SyncVectorEnv: envFns[${i}] must be a function returning an Env`);
      return fn();
    });
    if (this.envs.length === 0) throw new RangeError("SyncVectorEnv: needs at least one env factory (got 0)");
    const mode = opts.autoresetMode ?? "next_step";
    if (!AUTORESET_MODES.includes(mode)) {
      throw new RangeError(
        `SyncVectorEnv: autoresetMode must be one of ${AUTORESET_MODES.join(", ")} (got ${String(mode)})`,
      );
    }
    this.autoresetMode = mode;
    this.copy = opts.copy ?? true;
    this.numEnvs = this.envs.length;
    const first = this.envs[0] as Env<Obs, Act>;
    this.singleObservationSpace = first.observationSpace;
    this.singleActionSpace = first.actionSpace;
    this.envs.forEach((env, i) => {
      if (!env.observationSpace.equals(this.singleObservationSpace)) {
        throw new Error(
          `SyncVectorEnv: sub-env ${i} has observation space ${env.observationSpace.toString()}, sub-env 0 has ` +
            `${this.singleObservationSpace.toString()}; all sub-envs must have equal spaces to batch observations`,
        );
      }
      if (!env.actionSpace.equals(this.singleActionSpace)) {
        throw new Error(
          `SyncVectorEnv: sub-env ${i} has action space ${env.actionSpace.toString()}, sub-env 0 has ` +
            `${this.singleActionSpace.toString()}; all sub-envs must have equal spaces to batch actions`,
        );
      }
    });
    this.observationSpace = batchSpace(this.singleObservationSpace, this.numEnvs) as Space<
      Batch<Obs>,
      unknown
    >;
    this.actionSpace = batchSpace(this.singleActionSpace, this.numEnvs) as Space<Batch<Act>, unknown>;
    this.metadata = { ...first.metadata, autoresetMode: mode };
    this.renderMode = first.renderMode;
    this.observations = createEmptyArray(this.singleObservationSpace, this.numEnvs) as Batch<Obs>;
    this.rewards = new Float64Array(this.numEnvs);
    this.terminations = new Uint8Array(this.numEnvs);
    this.truncations = new Uint8Array(this.numEnvs);
    this.autoresetEnvs = new Uint8Array(this.numEnvs);
    this.actionsAreViews =
      this.singleActionSpace instanceof Box || this.singleActionSpace instanceof MultiDiscrete;
    this.actionsAreScalars = this.singleActionSpace instanceof Discrete;
    this.writeObs = batchWriter(this.singleObservationSpace);
  }

  reset(opts: VectorResetOptions = {}): VectorResetResult<Batch<Obs>> {
    const n = this.numEnvs;
    const seeds = this.seedsFor(opts.seed);
    let options = opts.options;
    let mask: ArrayLike<boolean | number> | null = null;
    if (options !== undefined && "resetMask" in options && options.resetMask !== undefined) {
      mask = options.resetMask;
      if (mask.length !== n) {
        throw new RangeError(
          `SyncVectorEnv.reset: options.resetMask has ${mask.length} entries, expected numEnvs = ${n}`,
        );
      }
      if (!Array.prototype.some.call(mask, Boolean)) {
        throw new RangeError(
          "SyncVectorEnv.reset: options.resetMask must select at least one sub-env (all false)",
        );
      }
      const { resetMask: _, ...rest } = options;
      options = rest;
    }
    const infos: Info = {};
    for (let i = 0; i < n; i++) {
      if (mask !== null && !mask[i]) continue;
      this.terminations[i] = 0;
      this.truncations[i] = 0;
      this.autoresetEnvs[i] = 0;
      const seed = seeds[i];
      const env = this.envs[i] as Env<Obs, Act>;
      const r = env.reset({
        ...(seed === null || seed === undefined ? {} : { seed }),
        ...(options ? { options } : {}),
      });
      this.writeObs(this.observations, i, r.obs);
      addInfo(infos, r.info, i, n);
    }
    return { obs: this.copy ? cloneBatch(this.observations) : this.observations, infos };
  }

  step(actions: Batch<Act>): VectorStepResult<Batch<Obs>> {
    const n = this.numEnvs;
    const space = this.singleActionSpace;
    if (this.actionsAreViews) {
      const rowLength = space instanceof Box ? space.size : (space as unknown as MultiDiscrete).nvec.length;
      const got = ArrayBuffer.isView(actions) ? (actions as unknown as ArrayLike<number>).length : -1;
      if (got !== n * rowLength) {
        throw new TypeError(
          `SyncVectorEnv.step: actions must be one typed array of ${n} x ${rowLength} values batching ${n} actions ` +
            `of ${space.toString()} (see batchSpace; got ${got >= 0 ? `length ${got}` : typeof actions})`,
        );
      }
      if (actions !== this.cachedActionBatch) {
        // Views into the batch: reused while the caller keeps passing the same buffer.
        this.cachedActionRows = iterate(space, actions, n);
        this.cachedActionBatch = actions;
      }
    }
    const infos: Info = {};
    for (let i = 0; i < n; i++) {
      const env = this.envs[i] as Env<Obs, Act>;
      let obs: Obs;
      let info: Info;
      if (this.autoresetMode === "next_step" && this.autoresetEnvs[i]) {
        const r = env.reset();
        obs = r.obs;
        info = r.info;
        this.rewards[i] = 0;
        this.terminations[i] = 0;
        this.truncations[i] = 0;
      } else {
        if (this.autoresetMode === "disabled" && this.autoresetEnvs[i]) {
          throw new Error(
            `SyncVectorEnv.step: sub-env ${i} ended at the previous step and autoresetMode is "disabled"; ` +
              "reset it with reset({options: {resetMask}}) before stepping it",
          );
        }
        const action = (
          this.actionsAreViews
            ? this.cachedActionRows[i]
            : this.actionsAreScalars
              ? (actions as unknown as ArrayLike<number>)[i]
              : getBatchItem(space, actions, i)
        ) as Act;
        const r = env.step(action);
        obs = r.obs;
        info = r.info;
        this.rewards[i] = r.reward;
        this.terminations[i] = r.terminated ? 1 : 0;
        this.truncations[i] = r.truncated ? 1 : 0;
        if (this.autoresetMode === "same_step" && (r.terminated || r.truncated)) {
          addInfo(infos, { finalObs: r.obs, finalInfo: r.info }, i, n);
          const reset = env.reset();
          obs = reset.obs;
          info = reset.info;
        }
      }
      this.writeObs(this.observations, i, obs);
      addInfo(infos, info, i, n);
      this.autoresetEnvs[i] = this.terminations[i] || this.truncations[i] ? 1 : 0;
    }
    if (!this.copy) {
      return {
        obs: this.observations,
        rewards: this.rewards,
        terminations: this.terminations,
        truncations: this.truncations,
        infos,
      };
    }
    return {
      obs: cloneBatch(this.observations),
      rewards: this.rewards.slice(),
      terminations: this.terminations.slice(),
      truncations: this.truncations.slice(),
      infos,
    };
  }

  override render(): unknown[] | null {
    if (this.renderMode === null) return null;
    return this.envs.map((env) => env.render());
  }

  /** Calls method `name` on every sub-env (or reads the attribute if it is not a function). */
  call(name: string, ...args: unknown[]): unknown[] {
    return this.envs.map((env, i) => {
      if (!(name in env))
        throw new TypeError(`SyncVectorEnv.call: sub-env ${i} (${env.toString()}) has no "${name}"`);
      const v = (env as unknown as Record<string, unknown>)[name];
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).apply(env, args) : v;
    });
  }

  /** The attribute `name` of every sub-env. */
  getAttr(name: string): unknown[] {
    return this.envs.map((env) => (env as unknown as Record<string, unknown>)[name]);
  }

  /** Sets attribute `name` on every sub-env: one value for all, or an array of one value per sub-env. */
  setAttr(name: string, values: unknown): void {
    const perEnv = Array.isArray(values) ? values : this.envs.map(() => values);
    if (perEnv.length !== this.numEnvs) {
      throw new RangeError(
        `SyncVectorEnv.setAttr: ${perEnv.length} values for ${this.numEnvs} sub-envs ("${name}")`,
      );
    }
    this.envs.forEach((env, i) => {
      (env as unknown as Record<string, unknown>)[name] = perEnv[i];
    });
  }

  protected override closeExtras(): void {
    for (const env of this.envs) env.close();
  }

  private seedsFor(seed: VectorResetOptions["seed"]): readonly (number | null | undefined)[] {
    const n = this.numEnvs;
    if (seed === undefined || seed === null) return new Array(n).fill(null);
    if (typeof seed === "number") return Array.from({ length: n }, (_, i) => seed + i);
    if (!Array.isArray(seed) || seed.length !== n) {
      throw new RangeError(
        `SyncVectorEnv.reset: seed must be a number or an array of numEnvs = ${n} seeds (got ${
          Array.isArray(seed) ? `${seed.length} seeds` : typeof seed
        })`,
      );
    }
    return seed;
  }
}
