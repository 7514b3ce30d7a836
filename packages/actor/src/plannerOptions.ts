import {
  type ComponentIssue,
  ComponentOptionError,
  formatComponentPath,
  safeParseOptions,
} from "@hjepa/contracts";
import { z } from "zod";

/**
 * Planner options: how every planner parses its options (`parsePlannerOptions`, `PlannerOptionError`) and the
 * option shapes several planners share, with the wording the planner READMEs use.
 */

/**
 * Planner options the user gave that are not valid, one line per problem: `planner: field rule (got value)`.
 * `option` and `rule` are those of the first problem, so that a caller can name the field without reading the
 * message; `issues` has all of them.
 */
export class PlannerOptionError extends ComponentOptionError {
  override name = "PlannerOptionError";
  readonly option: string;
  readonly rule: string;
  constructor(
    readonly planner: string,
    issues: readonly ComponentIssue[],
  ) {
    super(issues);
    this.message = issues
      .map((i) => `${planner}: ${formatComponentPath(i.path)} ${i.message} (got ${JSON.stringify(i.value)})`)
      .join("\n");
    this.option = formatComponentPath(issues[0]?.path ?? []);
    this.rule = issues[0]?.message ?? "";
  }
}

/**
 * The options of `planner` parsed by its zod schema (defaults filled), or a `PlannerOptionError`. Every
 * planner parses its options with this, whether it is built by name (`makePlanner`) or called directly.
 */
export function parsePlannerOptions<S extends z.ZodType>(
  planner: string,
  schema: S,
  options: unknown,
): z.output<S> {
  const r = safeParseOptions(planner, schema, options ?? {});
  if (!r.success) throw new PlannerOptionError(planner, r.issues);
  return r.data;
}

/** A zod number whose every failure says `rule` (the wording the planner READMEs use). */
function ruled(rule: string) {
  const e = { error: rule };
  return { e, num: z.number(e) };
}
/** A positive integer. */
export function positiveInt() {
  const { e, num } = ruled("must be a positive integer");
  return num.int(e).positive(e);
}
/** A positive finite number. */
export function positiveNumber() {
  const { e, num } = ruled("must be a positive number");
  return num.positive(e);
}
/** A number >= 0. */
export function nonNegativeNumber() {
  const { e, num } = ruled("must be a non-negative number");
  return num.min(0, e);
}
/** A number in [0, 1). */
export function fraction() {
  const { e, num } = ruled("must be a number in [0, 1)");
  return num.min(0, e).lt(1, e);
}
/** A sample or population size: an integer >= 2. */
export function sampleCount() {
  const { e, num } = ruled("must be an integer >= 2");
  return num.int(e).min(2, e);
}

/**
 * The two CEMs' `population` (sequences per round; absent: the budget split over the rounds) and `elites`
 * (a fraction of the population in (0, 1), or a count; default 0.1).
 */
export function cemOptionShape() {
  const elites = ruled("must be a fraction in (0, 1) or a positive integer");
  return {
    population: sampleCount().optional(),
    elites: elites.num
      .positive(elites.e)
      .refine((v) => v < 1 || Number.isInteger(v), elites.e)
      .default(0.1),
  };
}

/** The `warmStartFill` option shared by planners: repeat the last action or zero (default "repeat"). */
export function warmStartFillOption() {
  return z.enum(["repeat", "zero"], { error: 'must be "repeat" or "zero"' }).default("repeat");
}
