import { readFileSync } from "node:fs";
import { oneLine, onFileSystem } from "@hjepa/errors";
import { z } from "zod";
import { ConfigError, validateConfig } from "./config.ts";
import { OverrideError, parseOverride } from "./overrides.ts";
import { posInt } from "./schemaParts.ts";

/**
 * A comparison file (configs/comparisons/*.json): which experiment config to train, with which training seeds,
 * which arms to evaluate on which saved task set, and the compute per env step they are matched at. `hjepa
 * compare` reads it (`loadComparison`), trains what is missing and evaluates every arm on the same tasks.
 */

/** A comparison's name is a folder name (runs/comparisons/<name>): one plain path segment. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * `--set`-style overrides as a JSON object: `{"agent.hierarchy.use": 1, "agent.planner": "cem"}`. Keys are field
 * paths (`a.b[0].c`), values are JSON values (not strings to parse).
 */
export const overrideSetSchema = z
  .record(z.string(), z.unknown())
  .default({})
  .superRefine((set, ctx) => {
    for (const key of Object.keys(set)) {
      try {
        parseOverride(`${key}=null`);
      } catch (e) {
        if (!(e instanceof OverrideError)) throw e;
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "is not a field path like agent.levels[0].budget",
        });
        continue;
      }
      if (key === "seed")
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "cannot be set by an arm: every arm is trained with each of the comparison's seeds",
        });
    }
  });

/** One point of an arm's budget curve: a label and the overrides that set its compute. */
export const comparisonBudgetSchema = z
  .object({
    label: z.string().min(1).max(40),
    set: overrideSetSchema,
  })
  .strict();

/**
 * An arm: overrides of the experiment config. Paths under `agent` change only how it plans (the arms share the
 * runs); any other path changes training, and the arm gets runs of its own.
 */
export const comparisonArmSchema = z
  .object({
    name: z.string().min(1).max(60),
    description: z.string().default(""),
    /** Another experiment config for this arm (default: the comparison's `experiment`); same env. */
    experiment: z.string().min(1).optional(),
    set: overrideSetSchema,
    /** Budget curve: the arm is evaluated once per budget (its `set` then the budget's); absent: once. */
    budgets: z.array(comparisonBudgetSchema).min(1).optional(),
  })
  .strict();

export const COMPARISON_VERSION = 1;

export const comparisonSchema = z
  .object({
    version: z.literal(COMPARISON_VERSION).default(COMPARISON_VERSION),
    name: z.string().regex(NAME, "must be a plain folder name of letters, digits, . _ - (at most 100)"),
    description: z.string().default(""),
    /** The experiment config (relative paths: from the repository root that holds the comparison file). */
    experiment: z.string().min(1),
    /** Training seeds: every arm is trained (or its run reused) and evaluated once per seed. */
    seeds: z.array(z.number().int().min(0)).min(1),
    /** A saved task set (`hjepa tasks`), for the experiment's env. */
    tasks: z.string().min(1),
    /** Distance bins to evaluate (default: every bin of the task set). */
    bins: z.array(z.string().min(1)).min(1).optional(),
    /** Evaluate only the first N tasks of each bin. */
    limit: posInt.optional(),
    /**
     * The matched compute, in cost units per env step (a level-1 predictor call on one candidate is 1). An arm
     * whose measured mean exceeds it is flagged in the table, never left out.
     */
    computePerStep: z.number().positive(),
    /** The arm every other arm is compared with (paired by task and seed). */
    reference: z.string().min(1),
    /** Example episodes drawn on the map per arm (the first tasks, the first seed). */
    pictures: z.number().int().min(0).max(20).default(2),
    arms: z.array(comparisonArmSchema).min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<number>();
    c.seeds.forEach((s, i) => {
      if (seen.has(s))
        ctx.addIssue({ code: "custom", path: ["seeds", i], message: `seed ${s} is listed twice` });
      seen.add(s);
    });
    const names = new Set<string>();
    c.arms.forEach((arm, i) => {
      if (names.has(arm.name))
        ctx.addIssue({ code: "custom", path: ["arms", i, "name"], message: `"${arm.name}" is used twice` });
      names.add(arm.name);
      const labels = new Set<string>();
      arm.budgets?.forEach((b, k) => {
        if (labels.has(b.label))
          ctx.addIssue({
            code: "custom",
            path: ["arms", i, "budgets", k, "label"],
            message: `"${b.label}" is used twice in this arm`,
          });
        labels.add(b.label);
      });
    });
    if (!names.has(c.reference))
      ctx.addIssue({
        code: "custom",
        path: ["reference"],
        message: `must name one of the arms (${[...names].map((n) => `"${n}"`).join(", ")})`,
      });
  });

export type ComparisonConfig = z.output<typeof comparisonSchema>;
export type ComparisonArmConfig = ComparisonConfig["arms"][number];
export type ComparisonBudgetConfig = NonNullable<ComparisonArmConfig["budgets"]>[number];

/**
 * Reads and validates a comparison file. Every problem is one line naming the file, the field and what is
 * expected (`configs/comparisons/x.json: arms[1].set.agent..budget is not a field path ...`): a `ConfigError`.
 */
export function loadComparison(file: string): ComparisonConfig {
  const text = onFileSystem(file, "read the comparison file", () => readFileSync(file, "utf8"));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      `${file}: not valid JSON (${oneLine((e as Error).message)}); expected a comparison`,
    );
  }
  return validateConfig(comparisonSchema, raw, file);
}
