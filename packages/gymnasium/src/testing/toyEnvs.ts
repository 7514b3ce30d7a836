/**
 * Tiny environments for tests of gymnasium-js and of code built on it. Each follows the contract exactly
 * (seeded through `seedRng`, obs in the declared space, renders in its declared modes).
 */
import {
  Env,
  type EnvMetadata,
  type ResetOptions,
  type ResetResult,
  type RgbFrame,
  type StepResult,
} from "../core.ts";
import { Box } from "../spaces/box.ts";
import { Dict } from "../spaces/dict.ts";
import { Discrete } from "../spaces/discrete.ts";

export interface WalkEnvOptions {
  /** Positions are the integers in [-size, size] (default 5). */
  size?: number;
  /** Probability that the action is replaced by a uniformly random one (default 0). */
  slip?: number;
  renderMode?: string | null;
}

/**
 * A 1-D walk: obs `[x, goal]` (Box float32), actions 0 = left, 1 = right (Discrete(2)). Start uniform in
 * [-2, 2], goal -size or +size (coin flip) unless given in `reset({options: {start, goal}})`. Reward 1 and
 * terminated when x reaches the goal; walls at +-size.
 */
export class WalkEnv extends Env<Float32Array, number> {
  override metadata: EnvMetadata = { renderModes: ["rgb_array", "ansi"], renderFps: 4 };
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(2);
  readonly size: number;
  readonly slip: number;
  x = 0;
  goal = 0;
  closeCount = 0;

  constructor(opts: WalkEnvOptions = {}) {
    super();
    this.size = opts.size ?? 5;
    this.slip = opts.slip ?? 0;
    this.renderMode = opts.renderMode ?? null;
    this.observationSpace = new Box({ low: -this.size, high: this.size, shape: [2] });
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    this.seedRng(opts.seed);
    const o = opts.options ?? {};
    this.x = typeof o.start === "number" ? o.start : this.rng.int(-2, 3);
    this.goal = typeof o.goal === "number" ? o.goal : this.rng.bernoulli(0.5) ? this.size : -this.size;
    return { obs: this.obs(), info: { x: this.x } };
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) {
      throw new RangeError(`WalkEnv.step: action ${action} is not in ${this.actionSpace.toString()}`);
    }
    const a = this.slip > 0 && this.rng.bernoulli(this.slip) ? this.rng.int(2) : action;
    this.x = Math.max(-this.size, Math.min(this.size, this.x + (a === 1 ? 1 : -1)));
    const success = this.x === this.goal;
    return {
      obs: this.obs(),
      reward: success ? 1 : 0,
      terminated: success,
      truncated: false,
      info: { x: this.x, success },
    };
  }

  override render(): RgbFrame | string | null {
    if (this.renderMode === "ansi") {
      let s = "";
      for (let p = -this.size; p <= this.size; p++) s += p === this.x ? "A" : p === this.goal ? "G" : ".";
      return s;
    }
    if (this.renderMode === "rgb_array") {
      const width = 2 * this.size + 1;
      const data = new Uint8Array(width * 3);
      data[(this.x + this.size) * 3] = 255;
      data[(this.goal + this.size) * 3 + 1] = 255;
      return { width, height: 1, data };
    }
    return null;
  }

  override close(): void {
    this.closeCount++;
    super.close();
  }

  private obs(): Float32Array {
    return Float32Array.of(this.x, this.goal);
  }
}

export interface DriftEnvOptions {
  /** Std of the Gaussian noise added to each move (default 0.1). */
  noise?: number;
}

/**
 * A 2-D point: obs = position (Box float32 [2] in [-10, 10]), action = displacement (Box float32 [2] in
 * [-1, 1]), plus Gaussian noise from `rng`. Never terminates. Reward = -distance to the origin.
 */
export class DriftEnv extends Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box({ low: -10, high: 10, shape: [2] });
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [2] });
  readonly noise: number;
  private readonly pos = new Float32Array(2);

  constructor(opts: DriftEnvOptions = {}) {
    super();
    this.noise = opts.noise ?? 0.1;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    this.seedRng(opts.seed);
    this.pos[0] = this.rng.uniform(-5, 5);
    this.pos[1] = this.rng.uniform(-5, 5);
    return { obs: this.pos.slice(), info: {} };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    for (let i = 0; i < 2; i++) {
      const v = (this.pos[i] as number) + (action[i] as number) + this.rng.normal(0, this.noise);
      this.pos[i] = Math.max(-10, Math.min(10, v));
    }
    const reward = -Math.hypot(this.pos[0] as number, this.pos[1] as number);
    return {
      obs: this.pos.slice(),
      reward,
      terminated: false,
      truncated: false,
      info: { pos: this.pos.slice() },
    };
  }
}

/** A Dict-observation env: `{pos: Box float32 [2], t: Discrete(100)}`, Discrete(4) moves; ends at t = 3. */
export class DictObsEnv extends Env<{ pos: Float32Array; t: number }, number> {
  readonly observationSpace = new Dict({
    pos: new Box({ low: -100, high: 100, shape: [2] }),
    t: new Discrete(100),
  });
  readonly actionSpace = new Discrete(4);
  private pos = [0, 0];
  private t = 0;

  reset(opts: ResetOptions = {}): ResetResult<{ pos: Float32Array; t: number }> {
    this.seedRng(opts.seed);
    this.pos = [this.rng.int(-3, 4), this.rng.int(-3, 4)];
    this.t = 0;
    return { obs: this.obs(), info: { start: Float32Array.from(this.pos) } };
  }

  step(action: number): StepResult<{ pos: Float32Array; t: number }> {
    const dx = [0, 1, 0, -1][action] as number;
    const dy = [-1, 0, 1, 0][action] as number;
    this.pos = [(this.pos[0] as number) + dx, (this.pos[1] as number) + dy];
    this.t++;
    return { obs: this.obs(), reward: 0, terminated: this.t >= 3, truncated: false, info: { t: this.t } };
  }

  private obs(): { pos: Float32Array; t: number } {
    return { pos: Float32Array.from(this.pos), t: this.t };
  }
}
