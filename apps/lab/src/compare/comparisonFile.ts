import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, oneLine, onFileSystem } from "@hjepa/errors";
import { issueLines, writeFileAtomic, writeJsonAtomic } from "@hjepa/experiment";
import type { ComparisonReportInput, TrajectoryPlotInput } from "@hjepa/report";
import { z } from "zod";
import type { PairedRow, ResultRow } from "./aggregate.ts";
import { comparisonTable } from "./table.ts";

/**
 * `comparison.json`: what `hjepa compare` measured, schema-checked when written and when read back (`hjepa
 * report DIR` re-renders the report from it). Everything but `session` and each row's `timing` is the same on
 * every run of the same comparison (interrupted and resumed or not); those two hold times and where it ran.
 */
export const COMPARISON_FILE = "comparison.json";
export const COMPARISON_MD = "comparison.md";

const interval = z.tuple([z.number().min(-1).max(1), z.number().min(-1).max(1)]);
const budgetLabel = z.string().nullable();

const resultRowSchema = z
  .object({
    arm: z.string(),
    budget: budgetLabel,
    computePerStep: z.number().positive(),
    bin: z.string(),
    seed: z.union([z.number().int(), z.literal("pooled")]),
    episodes: z.number().int().nonnegative(),
    successes: z.number().int().nonnegative(),
    successRate: z.number().min(0).max(1),
    ci95: interval,
    spl: z.number().min(0).max(1),
    violations: z.number().nonnegative(),
    violationRate: z.number().min(0).max(1),
    predictorCallsPerDecision: z.number().nonnegative(),
    costUnitsPerStep: z.number().nonnegative(),
    overCompute: z.boolean(),
    meanSteps: z.number().nonnegative(),
    timing: z.object({
      msPerDecision: z.number().nonnegative(),
      planningMsPerEpisode: z.number().nonnegative(),
    }),
  })
  .strict();

const pairedRowSchema = z
  .object({
    arm: z.string(),
    budget: budgetLabel,
    bin: z.string(),
    reference: z.object({ arm: z.string(), budget: budgetLabel }).strict(),
    pairs: z.number().int().nonnegative(),
    both: z.number().int().nonnegative(),
    onlyArm: z.number().int().nonnegative(),
    onlyReference: z.number().int().nonnegative(),
    neither: z.number().int().nonnegative(),
    difference: z.number().min(-1).max(1),
    ci95: interval,
  })
  .strict();

export const comparisonFileSchema = z
  .object({
    version: z.literal(1),
    name: z.string().min(1),
    description: z.string(),
    /** The comparison file, relative to the repository root when inside it. */
    source: z.string(),
    comparison: z.record(z.string(), z.unknown()),
    env: z.string(),
    tasks: z
      .object({
        file: z.string(),
        sha256: z.string(),
        bins: z.array(z.string()).min(1),
        ids: z.array(z.string()).min(1),
      })
      .strict(),
    seeds: z.array(z.number().int()).min(1),
    computePerStep: z.number().positive(),
    reference: z.object({ arm: z.string(), budget: budgetLabel }).strict(),
    arms: z
      .array(
        z
          .object({
            name: z.string(),
            description: z.string(),
            experiment: z.string(),
            budgets: z
              .array(
                z
                  .object({
                    label: budgetLabel,
                    computePerStep: z.number().positive(),
                    set: z.record(z.string(), z.unknown()),
                  })
                  .strict(),
              )
              .min(1),
          })
          .strict(),
      )
      .min(1),
    /** The run each seed's arms were evaluated on, and the code it was trained with. */
    runs: z.array(
      z
        .object({
          seed: z.number().int(),
          key: z.string(),
          dir: z.string(),
          arms: z.array(z.string()),
          commit: z.string().nullable(),
          lockfileSha256: z.string().nullable(),
        })
        .strict(),
    ),
    results: z.array(resultRowSchema).min(1),
    paired: z.array(pairedRowSchema),
    /** Example episodes on the map (the report's trajectory plots; checked by @hjepa/report when drawn). */
    examples: z.array(z.looseObject({ arm: z.string(), taskId: z.string() })),
    /** How the intervals are computed, in words (shown under the table). */
    methods: z.array(z.string()),
    session: z
      .object({
        createdAt: z.string(),
        command: z.array(z.string()),
        workers: z.number().int().positive(),
        seconds: z.number().nonnegative(),
        commit: z.string().nullable(),
        dirty: z.boolean().nullable(),
        lockfileSha256: z.string().nullable(),
        notes: z.array(z.string()),
      })
      .strict(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const arms = new Set(f.arms.map((a) => a.name));
    f.results.forEach((r, i) => {
      if (!arms.has(r.arm))
        ctx.addIssue({ code: "custom", path: ["results", i, "arm"], message: "is not an arm" });
      if (r.successes > r.episodes)
        ctx.addIssue({ code: "custom", path: ["results", i, "successes"], message: "exceeds episodes" });
    });
  });

export type ComparisonFile = Omit<
  z.output<typeof comparisonFileSchema>,
  "results" | "paired" | "examples"
> & {
  results: ResultRow[];
  paired: PairedRow[];
  examples: TrajectoryPlotInput[];
};

/** Checks `value` against the schema; a problem is an `InputError` per field naming `source`. */
export function checkComparisonFile(value: unknown, source: string): ComparisonFile {
  const r = comparisonFileSchema.safeParse(value);
  if (!r.success) throw new InputError(issueLines(r.error, value, source).join("\n"));
  return r.data as unknown as ComparisonFile;
}

/** Writes comparison.json (checked first) and comparison.md beside it, each atomically. */
export function writeComparisonFiles(dir: string, file: ComparisonFile): { json: string; md: string } {
  const json = join(dir, COMPARISON_FILE);
  checkComparisonFile(file, json);
  writeJsonAtomic(json, file, "write comparison.json");
  const md = join(dir, COMPARISON_MD);
  writeFileAtomic(md, comparisonMarkdown(file), "write comparison.md");
  return { json, md };
}

export function isComparisonFolder(dir: string): boolean {
  return existsSync(join(dir, COMPARISON_FILE));
}

export function readComparisonFile(dir: string): ComparisonFile {
  const path = join(dir, COMPARISON_FILE);
  const text = onFileSystem(path, "read the comparison results", () => readFileSync(path, "utf8"));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(
      `${path}: not valid JSON (${oneLine((e as Error).message)}); expected hjepa compare's results`,
    );
  }
  return checkComparisonFile(raw, path);
}

/** comparison.md: title, what was compared, the table, how to read it, and notes. */
export function comparisonMarkdown(file: ComparisonFile): string {
  const { markdown, notes } = comparisonTable(file);
  const seeds = file.seeds.join(", ");
  const perSeed = file.tasks.ids.length;
  const lines = [
    `# ${file.name}`,
    "",
    ...(file.description ? [file.description, ""] : []),
    `${file.env}: ${perSeed} tasks (${file.tasks.bins.join(", ")}) of \`${file.tasks.file}\` per training seed ` +
      `(seeds ${seeds}), ${file.arms.length} arms matched at ${file.computePerStep} cost units per env step. ` +
      `Made by \`hjepa compare --config ${file.source}\`.`,
    "",
    markdown,
    "",
    ...notes,
    ...file.methods.map((m) => `- ${m}`),
    "",
    ...file.arms.map((a) => `- **${a.name}**: ${a.description || "(no description)"} ${setText(a.budgets)}`),
    "",
  ];
  const runNotes = file.session.notes;
  if (runNotes.length > 0) lines.push(...runNotes.map((n) => `- note: ${n}`), "");
  return lines.join("\n");
}

function setText(budgets: ComparisonFile["arms"][number]["budgets"]): string {
  return budgets
    .map((b) => {
      const sets = Object.entries(b.set).map(([k, v]) => `\`${k}=${JSON.stringify(v)}\``);
      const what = sets.length > 0 ? sets.join(", ") : "the experiment config as it is";
      return b.label === null ? `(${what})` : `(${b.label}: ${what})`;
    })
    .join(" ");
}

/** The report's input: arms at their first budget in the per-bin plots, every budget in the compute curves. */
export function reportInput(file: ComparisonFile): ComparisonReportInput {
  const table = comparisonTable(file);
  const arms = file.arms.map((a) => ({
    name: a.name,
    budget: (a.budgets[0] as { computePerStep: number }).computePerStep,
    description: a.description || undefined,
  }));
  return {
    title: `${file.name}: ${file.arms.map((a) => a.name).join(" vs ")}`,
    meta: [
      ["comparison", file.source],
      ["env", file.env],
      ["tasks", `${file.tasks.file} (${file.tasks.bins.join(", ")}; ${file.tasks.ids.length} per seed)`],
      ["training seeds", file.seeds.join(", ")],
      ["matched compute", `${file.computePerStep} cost units per env step`],
      ["commit", `${file.session.commit ?? "unknown"}${file.session.dirty ? " (with local changes)" : ""}`],
      ["created", file.session.createdAt],
    ],
    arms,
    bins: file.tasks.bins,
    results: file.results.map((r) => ({
      arm: r.arm,
      budget: r.computePerStep,
      bin: r.bin,
      seed: r.seed,
      successes: r.successes,
      episodes: r.episodes,
      ci95: r.ci95,
      spl: r.spl,
      msPerDecision: r.timing.msPerDecision,
      msPerEpisode: r.timing.planningMsPerEpisode,
      costUnitsPerStep: r.costUnitsPerStep,
    })),
    // One paragraph per note (the page's markdown has tables and paragraphs, no lists).
    tableMarkdown: [
      table.markdown,
      ...table.notes,
      ...file.methods,
      ...file.session.notes.map((n) => `note: ${n}`),
    ].join("\n\n"),
    examples: file.examples,
  };
}

/** `hjepa report DIR` for a comparison folder: the plots and index.html again from comparison.json. */
export async function renderComparisonFolder(dir: string): Promise<{ index: string; files: string[] }> {
  const file = readComparisonFile(dir);
  const { renderComparisonReport } = await import("@hjepa/report");
  return renderComparisonReport(reportInput(file), dir);
}
