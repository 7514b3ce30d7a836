/**
 * Short-term memory of one episode, in representation space: what the agent observed at each step, what its
 * current plan predicted it would observe, and the surprise (squared distance between the two) when an
 * observation arrives for a step the plan had predicted. Plain typed arrays: no tensors.
 */
export interface PlanRecord {
  /** The step at which the plan was made (its first action is taken at this step). */
  step: number;
  /** [H, d] representations the plan predicted after each of its actions (for steps step+1 ... step+H). */
  predicted: Float32Array;
  /** [H, k] the plan's actions. */
  actions: Float32Array;
  horizon: number;
}

export class EpisodeMemory {
  private readonly observed: Float32Array[] = [];
  private readonly states: (readonly number[] | null)[] = [];
  private readonly surprises: number[] = [];
  private readonly plans: PlanRecord[] = [];
  private readonly upper = new Map<number, LevelTrack>();

  /** `dim`: level 1's representation size (what `observe` and `recordPlan` take). */
  constructor(readonly dim: number) {}

  /** The memory of level `level` >= 2 (made on first use with its stride and representation size). */
  level(level: number, stride: number, dim: number): LevelTrack {
    let track = this.upper.get(level);
    if (!track) {
      track = new LevelTrack(level, stride, dim);
      this.upper.set(level, track);
    }
    return track;
  }

  /** The levels above 1 that planned in this episode, lowest first. */
  upperLevels(): LevelTrack[] {
    return [...this.upper.values()].sort((a, b) => a.level - b.level);
  }

  /** Records the representation observed at `step` (steps arrive in order from 0) and returns its surprise. */
  observe(step: number, z: ArrayLike<number>, trueState: readonly number[] | null = null): number {
    if (step !== this.observed.length) {
      throw new Error(
        `EpisodeMemory.observe: expected step ${this.observed.length} (got ${step}); steps arrive in order`,
      );
    }
    if (z.length !== this.dim)
      throw new Error(`EpisodeMemory.observe: representation has ${z.length} numbers, expected ${this.dim}`);
    this.observed.push(Float32Array.from(z));
    this.states.push(trueState);
    const s = this.predictionError(step);
    this.surprises.push(s);
    return s;
  }

  /** Records a plan made at `step`. */
  recordPlan(plan: PlanRecord): void {
    if (plan.predicted.length !== plan.horizon * this.dim) {
      throw new Error(
        `EpisodeMemory.recordPlan: predicted has ${plan.predicted.length} numbers, expected ${plan.horizon} x ${this.dim}`,
      );
    }
    this.plans.push(plan);
  }

  /** The plan in force at `step` (the latest made at or before it), or null. */
  planAt(step: number): PlanRecord | null {
    for (let i = this.plans.length - 1; i >= 0; i--) {
      const p = this.plans[i] as PlanRecord;
      if (p.step <= step) return p;
    }
    return null;
  }

  /** The representation the plan in force predicted for `step`, or null when no plan covered it. */
  predictedFor(step: number): Float32Array | null {
    const plan = this.planAt(step - 1);
    if (!plan) return null;
    const k = step - plan.step; // the plan's k-th prediction (1-based) is for step plan.step + k
    if (k < 1 || k > plan.horizon) return null;
    return plan.predicted.subarray((k - 1) * this.dim, k * this.dim);
  }

  /** Surprise at `step`: squared distance between observed and predicted representation (0 when none). */
  surprise(step: number): number {
    return this.surprises[step] ?? 0;
  }

  get length(): number {
    return this.observed.length;
  }

  observedAt(step: number): Float32Array {
    const z = this.observed[step];
    if (!z) throw new Error(`EpisodeMemory: nothing observed at step ${step}`);
    return z;
  }

  trueStateAt(step: number): readonly number[] | null {
    return this.states[step] ?? null;
  }

  allPlans(): readonly PlanRecord[] {
    return this.plans;
  }

  allSurprises(): readonly number[] {
    return this.surprises;
  }

  private predictionError(step: number): number {
    const pred = this.predictedFor(step);
    if (!pred) return 0;
    const z = this.observed[step] as Float32Array;
    let s = 0;
    for (let i = 0; i < this.dim; i++) {
      const e = (z[i] as number) - (pred[i] as number);
      s += e * e;
    }
    return s;
  }
}

/**
 * Memory of one level above level 1 over an episode: its plans (each predicted state is `stride` env steps
 * after the one before) and its surprise, measured when a step the level's plan in force predicted arrives.
 */
export class LevelTrack {
  private readonly plans: PlanRecord[] = [];
  private readonly surprises = new Map<number, number>();

  constructor(
    readonly level: number,
    /** Env steps per predicted state. */
    readonly stride: number,
    readonly dim: number,
  ) {}

  recordPlan(plan: PlanRecord): void {
    if (plan.predicted.length !== plan.horizon * this.dim) {
      throw new Error(
        `LevelTrack(level ${this.level}).recordPlan: predicted has ${plan.predicted.length} numbers, ` +
          `expected ${plan.horizon} x ${this.dim}`,
      );
    }
    this.plans.push(plan);
  }

  /** The level's representation observed at env step `step`: its surprise against the plan in force (0 when the plan predicted nothing for that step). */
  observe(step: number, z: ArrayLike<number>): number {
    const plan = this.latestBefore(step);
    if (!plan) return 0;
    const elapsed = step - plan.step;
    if (elapsed % this.stride !== 0) return 0;
    const j = elapsed / this.stride;
    if (j < 1 || j > plan.horizon) return 0;
    let s = 0;
    for (let i = 0; i < this.dim; i++) {
      const e = (z[i] as number) - (plan.predicted[(j - 1) * this.dim + i] as number);
      s += e * e;
    }
    this.surprises.set(step, s);
    return s;
  }

  surprise(step: number): number {
    return this.surprises.get(step) ?? 0;
  }

  allPlans(): readonly PlanRecord[] {
    return this.plans;
  }

  /** `[step, surprise]` at every step a prediction of this level was checked. */
  allSurprises(): [number, number][] {
    return [...this.surprises.entries()];
  }

  private latestBefore(step: number): PlanRecord | null {
    for (let i = this.plans.length - 1; i >= 0; i--) {
      const p = this.plans[i] as PlanRecord;
      if (p.step < step) return p;
    }
    return null;
  }
}
