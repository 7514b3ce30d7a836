import type { ConfigureContext, LevelSettings, PlanSettings } from "@hjepa/agent";
import { InputError } from "@hjepa/errors";
import type { AdaptConfig, AdaptStageConfig } from "@hjepa/experiment";
import type { EpisodeMemory } from "@hjepa/memory";

/** The distance from a level-1 representation to the goal's that adaptation watches fall (lower is nearer). */
export type GoalDistance = (s: Float32Array, goal: Float32Array) => number;

/** The L2 distance between two representations: the progress signal of an agent without a critic. */
export function l2Distance(s: Float32Array, goal: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const e = (s[i] as number) - (goal[i] as number);
    sum += e * e;
  }
  return Math.sqrt(sum);
}

/** A stage's name for reports: its own, or the changes it makes ("use 2, horizon 16, latent worst x8"). */
export function stageName(stage: AdaptStageConfig): string {
  if (stage.name) return stage.name;
  const parts: string[] = [];
  if (stage.use !== undefined) parts.push(`use ${stage.use}`);
  if (stage.horizon !== undefined) parts.push(`horizon ${stage.horizon}`);
  if (stage.latent !== undefined) {
    const { mode, samples } = stage.latent;
    parts.push(`latent ${mode}${mode === "sample" || mode === "worst" ? ` x${samples}` : ""}`);
  }
  if (stage.budgets !== undefined) {
    const byLevel = Object.entries(stage.budgets).sort(([a], [b]) => Number(b) - Number(a));
    parts.push(`budgets ${byLevel.map(([level, b]) => `L${level} ${b}`).join(" ")}`);
  }
  if (stage.weights !== undefined) {
    parts.push(
      `weights ${Object.entries(stage.weights)
        .map(([term, w]) => `${term} ${w}`)
        .join(" ")}`,
    );
  }
  return parts.join(", ");
}

/**
 * The settings of every stage, the starting settings first (named "start"): stage i + 1 is stage i with what
 * `rule.stages[i]` changes. `levelsFor(use)` gives the levels planned with `use` levels (top first, level 1
 * last, with their configured settings); a stage's `horizon` and `latent` apply to level 1, its `budgets` to
 * the levels they name, its `weights` to every level. A level keeps the budget and weights it had in the stage
 * before (a level the stage before did not plan with starts from its configured settings). A stage whose
 * `budgets` name a level it does not plan with is an `InputError` naming the field.
 */
export function adaptStages(
  start: PlanSettings,
  rule: AdaptConfig,
  levelsFor: (use: number) => LevelSettings[],
): PlanSettings[] {
  const out: PlanSettings[] = [{ ...start, stage: "start" }];
  for (const [i, stage] of rule.stages.entries()) {
    const before = out[out.length - 1] as PlanSettings;
    const levels = (stage.use !== undefined ? levelsFor(stage.use) : before.levels).map((l) => ({ ...l }));
    const one = levels[levels.length - 1] as LevelSettings;
    const was = before.levels[before.levels.length - 1] as LevelSettings;
    // Level 1 keeps the stage before's horizon and latent unless this stage changes them.
    one.horizon = stage.horizon ?? was.horizon;
    const latent = stage.latent ?? was.latent;
    if (latent) one.latent = { ...latent };
    else delete one.latent;
    for (const l of levels) {
      const prior = before.levels.find((b) => b.level === l.level);
      if (prior) l.budget = prior.budget;
      const weights = { ...(prior?.weights ?? l.weights), ...stage.weights };
      if (Object.keys(weights).length > 0) l.weights = weights;
      else delete l.weights;
    }
    for (const [key, budget] of Object.entries(stage.budgets ?? {})) {
      const l = levels.find((x) => x.level === Number(key));
      if (!l) {
        throw new InputError(
          `agent.adapt.stages[${i}].budgets.${key}: this stage plans with level(s) ` +
            `${levels.map((x) => x.level).join(", ")}, not level ${key}`,
        );
      }
      l.budget = budget;
    }
    out.push({ ...before, levels, stage: stageName(stage) });
  }
  return out;
}

/**
 * Adaptation from memory, the configurator's rule as data (`agent.adapt`): the agent plans with the first
 * stage's settings; once the stage in force has run `window` env steps, it is judged at every step, and when the
 * plan is failing the agent moves to the next stage for the rest of the episode (the last one stays). Failing:
 * - `progress`: the distance to the goal (`distance`: the critic's estimate in env steps, or L2 between
 *   representations) fell by less than `minProgress` over the last `window` steps;
 * - `surprise`: level 1's surprise (squared distance between observed and predicted representation) exceeded
 *   `surprise` on at least half of the last `window` steps;
 * - `either`: one of the two.
 * One instance serves one agent: it follows an episode through its `EpisodeMemory` and starts over (first
 * stage) when a new episode begins.
 */
export class AdaptiveConfigurator {
  private episode: EpisodeMemory | null = null;
  private stage = 0;
  private since = 0;
  private distances: number[] = [];

  constructor(
    private readonly rule: AdaptConfig,
    readonly stages: readonly PlanSettings[],
    private readonly distance: GoalDistance,
  ) {
    if (stages.length !== rule.stages.length + 1) {
      throw new Error(
        `AdaptiveConfigurator: ${stages.length} settings for ${rule.stages.length} stages + start`,
      );
    }
  }

  /** The settings for `ctx.step` (call at every step of an episode, in order). */
  configure(ctx: ConfigureContext): PlanSettings {
    if (ctx.episode !== this.episode || ctx.step === 0) {
      this.episode = ctx.episode;
      this.stage = 0;
      this.since = ctx.step;
      this.distances = [];
    }
    this.distances[ctx.step] = this.distance(ctx.episode.observedAt(ctx.step), ctx.goal);
    const last = this.stages.length - 1;
    if (this.stage < last && ctx.step - this.since >= this.rule.window && this.failing(ctx)) {
      this.stage += 1;
      this.since = ctx.step;
    }
    return this.stages[this.stage] as PlanSettings;
  }

  /** Whether the plan is failing at `ctx.step` by the rule (see the class comment). */
  private failing(ctx: ConfigureContext): boolean {
    const { when, window, minProgress, surprise } = this.rule;
    const t = ctx.step;
    const then = this.distances[t - window];
    const now = this.distances[t] as number;
    const stuck = then === undefined ? false : !(then - now >= minProgress);
    let surprised = false;
    if (surprise !== null) {
      let high = 0;
      for (let i = t - window + 1; i <= t; i++) if (ctx.episode.surprise(i) > surprise) high += 1;
      surprised = 2 * high >= window;
    }
    if (when === "progress") return stuck;
    if (when === "surprise") return surprised;
    return stuck || surprised;
  }
}
