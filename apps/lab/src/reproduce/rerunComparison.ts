/**
 * Running a comparison again from its comparison.json: the comparison as it was saved (arms, seeds, task set,
 * matched compute), its experiment config and task set paths made absolute against the folder its comparison
 * file was in, written to `<out>/reproduce-source.json` and run by `hjepa compare` into `out`, with its runs
 * trained again in `<out>/runs` (or, with `reuseRuns`, the original runs evaluated again).
 */
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { InputError } from "@hjepa/errors";
import { writeJsonAtomic } from "@hjepa/experiment";
import { readComparisonFile } from "../compare/comparisonFile.ts";
import { comparisonRoot, planComparison } from "../compare/plan.ts";
import type { Rerun } from "./rerun.ts";
import { shownPathFinder } from "./target.ts";

export const SOURCE_FILE = "reproduce-source.json";

interface SavedComparison {
  experiment?: string;
  tasks: string;
  arms: { experiment?: string }[];
}

/**
 * Writes the saved comparison as a file `hjepa compare` runs, and checks it against what was saved: the task
 * set's sha256 and each seed's run key (the hash of its training config: a changed experiment config changes
 * it). Returns the file, the runs folder and one warning line per difference.
 */
export async function prepareRecompare(
  originalDir: string,
  out: string,
  reuseRuns: boolean,
): Promise<{ source: string; runsDir: string; warnings: string[] }> {
  const file = readComparisonFile(originalDir);
  const find = await shownPathFinder(originalDir);
  const original = find(file.source);
  if (original === null)
    throw new InputError(
      `${originalDir}/comparison.json: its comparison file ${file.source} is not here (looked beside the folder, ` +
        "in this repository and the current folder); the experiment and task set paths are relative to it",
    );
  const root = comparisonRoot(original);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(root, p));
  const saved = structuredClone(file.comparison) as unknown as SavedComparison;
  if (saved.experiment !== undefined) saved.experiment = abs(saved.experiment);
  saved.tasks = abs(saved.tasks);
  for (const arm of saved.arms) if (arm.experiment !== undefined) arm.experiment = abs(arm.experiment);

  let runsDir = join(out, "runs");
  if (reuseRuns) {
    const found = file.runs.map((r) => find(r.dir)).find((d) => d !== null);
    if (found === undefined || found === null)
      throw new InputError(
        `--reuse-runs: none of ${originalDir}'s runs is here (${file.runs.map((r) => r.dir).join(", ")})`,
      );
    runsDir = dirname(found);
  }
  mkdirSync(out, { recursive: true });
  const source = join(out, SOURCE_FILE);
  writeJsonAtomic(source, saved, "write the comparison to reproduce");

  const plan = planComparison(source, { runsDir });
  const warnings: string[] = [];
  if (plan.tasks.sha256 !== file.tasks.sha256)
    warnings.push(`warning: the task set ${plan.tasks.file} has changed since (its sha256 differs)`);
  for (const r of file.runs) {
    const unit = plan.units.find((u) => u.seed === r.seed && u.key.startsWith(r.key));
    if (unit === undefined)
      warnings.push(
        `warning: seed ${r.seed}: no run with its key ${r.key} is planned: its experiment config has changed since`,
      );
  }
  return { source, runsDir, warnings };
}

/** Runs the prepared comparison; `interrupted` when Ctrl-C stopped it (finished jobs are kept in `out`). */
export async function recompare(
  source: string,
  out: string,
  runsDir: string,
  workers: number,
): Promise<Omit<Rerun, "backend">> {
  const { compareCommand } = await import("../compare/command.ts");
  const outcome = await compareCommand({ config: source, out, runsDir, workers });
  if (outcome === null)
    process.stderr.write(
      `continue it with: hjepa compare --config ${source} --out ${out} --runs ${runsDir}, ` +
        `then: hjepa reproduce ORIGINAL --against ${out}\n`,
    );
  return { dir: out, interrupted: outcome === null };
}
