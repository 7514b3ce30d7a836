import { InputError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import { stopGradient } from "./stopGradient.ts";
import type { CostTerm, Guardrail, LatentTrajectory } from "./types.ts";

export interface CostOptions {
  /** Task terms, weighted and summed. Their weights can be changed later with `setWeight`. */
  terms: CostTerm[];
  /** Guardrails: frozen by the constructor, their penalties fixed for the life of the Cost. */
  guardrails?: Guardrail[];
  /** Extra gap between the worst non-violating and the best violating candidate (default 1, > 0). */
  margin?: number;
}

/**
 * Every tensor is new and owned by the caller (dispose them all with `tf.dispose(evaluation)`). A type alias,
 * not an interface, so that it is a `tf.TensorContainer`.
 */
export type CostEvaluation = {
  /** The ranking cost `[C]` (see `Cost`): lower is better. */
  total: tf.Tensor1D;
  /** Weighted sum of the task terms `[C]`. */
  task: tf.Tensor1D;
  /** Each task term, unweighted `[C]`. */
  terms: Record<string, tf.Tensor1D>;
  /** Each guardrail's violation `[C]` (>= 0, 0 = satisfied). */
  violations: Record<string, tf.Tensor1D>;
  /** 1 where no `constraint` guardrail is violated, else 0 `[C]` (float32). */
  feasible: tf.Tensor1D;
};

function checkWeight(weight: number, where: string): void {
  if (!Number.isFinite(weight)) throw new Error(`${where}: weight must be a finite number (got ${weight})`);
}

/**
 * A cost over imagined trajectories: named, weighted task terms plus immutable guardrails.
 *
 * The rule (for C candidates evaluated together):
 *   task_c  = sum_i w_i * term_i(c)
 *   total_c = task_c + sum_g penalty_g * v_g(c) + [any v_g(c) > 0] * (max_c' task_c' - min_c' task_c' + margin)
 * The last summand (a ranking offset, with no gradient) puts every candidate that violates any guardrail
 * after every candidate that violates none, whatever the task weights: the task cannot outweigh a guardrail.
 * Among violators, larger violations rank worse. `constraint` guardrails also set `feasible_c = 0`.
 */
export class Cost {
  readonly guardrails: readonly Guardrail[];
  readonly margin: number;
  private readonly terms: readonly CostTerm[];
  private readonly weights = new Map<string, number>();

  constructor({ terms, guardrails = [], margin = 1 }: CostOptions) {
    if (!(Number.isFinite(margin) && margin > 0)) {
      throw new Error(`Cost: margin must be a positive finite number (got ${margin})`);
    }
    const names = new Set<string>();
    const claim = (name: unknown, what: string) => {
      if (typeof name !== "string" || name === "") throw new Error(`Cost: every ${what} needs a name`);
      if (names.has(name)) {
        throw new Error(`Cost: the name "${name}" is used twice; term and guardrail names must be unique`);
      }
      names.add(name);
    };
    for (const term of terms) {
      claim(term.name, "term");
      checkWeight(term.weight, `Cost: term "${term.name}"`);
      this.weights.set(term.name, term.weight);
    }
    for (const g of guardrails) {
      claim(g.name, "guardrail");
      if (g.mode !== "penalty" && g.mode !== "constraint") {
        throw new InputError(
          `Cost: guardrail "${g.name}" has mode "${g.mode}"; expected "penalty" or "constraint"`,
        );
      }
      if (!(Number.isFinite(g.penalty) && g.penalty > 0)) {
        throw new Error(
          `Cost: guardrail "${g.name}" penalty must be a positive finite number (got ${g.penalty})`,
        );
      }
      Object.freeze(g);
    }
    this.terms = Object.freeze([...terms]);
    this.guardrails = Object.freeze([...guardrails]);
    this.margin = margin;
  }

  get termNames(): string[] {
    return this.terms.map((t) => t.name);
  }

  get guardrailNames(): string[] {
    return this.guardrails.map((g) => g.name);
  }

  weight(name: string): number {
    const w = this.weights.get(name);
    if (w === undefined) throw new InputError(this.unknownTerm(name, "weight"));
    return w;
  }

  /** Changes a task term's weight (the configurator's knob). Guardrail penalties cannot be changed. */
  setWeight(name: string, weight: number): void {
    if (this.guardrails.some((g) => g.name === name)) {
      throw new InputError(
        `Cost.setWeight: "${name}" is a guardrail; guardrail penalties are fixed when the Cost is built`,
      );
    }
    if (!this.weights.has(name)) throw new InputError(this.unknownTerm(name, "setWeight"));
    checkWeight(weight, `Cost.setWeight("${name}")`);
    this.weights.set(name, weight);
  }

  /**
   * Runs `fn` with the task terms named in `weights` set to those weights, and puts the weights they had back
   * after (also when `fn` throws): a plan made with another strategy's weights leaves the cost as it was.
   */
  withWeights<T>(weights: Readonly<Record<string, number>>, fn: () => T): T {
    const had = Object.keys(weights).map((name) => [name, this.weight(name)] as const);
    try {
      for (const [name, w] of Object.entries(weights)) this.setWeight(name, w);
      return fn();
    } finally {
      for (const [name, w] of had) this.weights.set(name, w);
    }
  }

  /** Scores `C` imagined trajectories against `goal [1, d]` (see the class comment for the rule). */
  evaluate(traj: LatentTrajectory, goal: tf.Tensor2D): CostEvaluation {
    const { states, actions } = traj;
    if (states.rank !== 3 || actions.rank !== 3 || states.shape[0] !== actions.shape[0]) {
      throw new Error(
        `Cost.evaluate: expected states [C, H, d] and actions [C, H, k] with the same C ` +
          `(got states [${states.shape}], actions [${actions.shape}])`,
      );
    }
    const [c, , d] = states.shape;
    if (goal.rank !== 2 || goal.shape[0] !== 1 || goal.shape[1] !== d) {
      throw new Error(
        `Cost.evaluate: goal must be [1, ${d}] like the states' last axis (got [${goal.shape}])`,
      );
    }
    return tf.tidy(() => {
      const terms: Record<string, tf.Tensor1D> = {};
      const weighted: tf.Tensor[] = [];
      for (const term of this.terms) {
        const value = term.evaluate(traj, goal);
        if (value.rank !== 1 || value.shape[0] !== c) {
          throw new Error(`Cost.evaluate: term "${term.name}" returned [${value.shape}]; expected [${c}]`);
        }
        terms[term.name] = value;
        weighted.push(tf.mul(value, this.weights.get(term.name) as number));
      }
      const task = (weighted.length > 0 ? tf.addN(weighted) : tf.zeros([c])) as tf.Tensor1D;

      const violations: Record<string, tf.Tensor1D> = {};
      const penalties: tf.Tensor[] = [];
      const all: tf.Tensor[] = [];
      const hard: tf.Tensor[] = [];
      for (const g of this.guardrails) {
        const v = g.violation(traj);
        if (v.rank !== 1 || v.shape[0] !== c) {
          throw new Error(`Cost.evaluate: guardrail "${g.name}" returned [${v.shape}]; expected [${c}]`);
        }
        violations[g.name] = v;
        penalties.push(tf.mul(v, g.penalty));
        all.push(v);
        if (g.mode === "constraint") hard.push(v);
      }
      if (all.length === 0) {
        return { total: tf.clone(task), task, terms, violations, feasible: tf.ones([c]) as tf.Tensor1D };
      }
      // step(x) is 1 for x > 0 and 0 otherwise, with a zero gradient.
      const violating = tf.step(tf.addN(all));
      // Capped so that an infinite task cost cannot turn 0 * spread into NaN.
      const spread = tf.minimum(tf.add(tf.sub(tf.max(task), tf.min(task)), this.margin), 1e30);
      const offset = stopGradient(tf.mul(violating, spread));
      const total = tf.addN([task, ...penalties, offset]) as tf.Tensor1D;
      const feasible = (hard.length > 0 ? tf.sub(1, tf.step(tf.addN(hard))) : tf.ones([c])) as tf.Tensor1D;
      return { total, task, terms, violations, feasible };
    });
  }

  private unknownTerm(name: string, where: string): string {
    return `Cost.${where}: no task term named "${name}" (terms: ${this.termNames.join(", ") || "none"})`;
  }
}
