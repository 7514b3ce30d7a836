import { isHjepaError } from "@hjepa/errors";
import { readComparisonFile } from "../compare/comparisonFile.ts";
import { modelIdentity } from "../compare/runIdentity.ts";
import { contentHash } from "../jobs/job.ts";
import { MetricSet } from "./metricSet.ts";

/**
 * A comparison's results: what was compared (env, task set by sha256 and ids, seeds, arms and their settings,
 * each seed's run key), every result row (per arm, budget, bin and seed; pooled rows one line each, per-seed rows
 * one line per quantity), every paired difference, the example episodes, and each seed's trained weights and
 * agent parts by sha256 where the run folder is here (`runDir` finds it from comparison.json's `runs[].dir`).
 * Timing and the session's date and seconds go beside.
 */
export function comparisonMetrics(dir: string, runDir: (shown: string) => string | null): MetricSet {
  const file = readComparisonFile(dir);
  const set = new MetricSet();
  set.add("env", file.env);
  set.add("tasks sha256", file.tasks.sha256);
  set.add("tasks ids", file.tasks.ids.join(","));
  set.add("tasks bins", file.tasks.bins.join(","));
  set.add("seeds", file.seeds.join(","));
  set.add("computePerStep", file.computePerStep);
  for (const arm of file.arms)
    for (const b of arm.budgets) {
      const name = `arm ${arm.name}${b.label === null ? "" : ` @ ${b.label}`}`;
      set.add(`${name} computePerStep`, b.computePerStep);
      set.add(`${name} set (sha256)`, contentHash(b.set));
    }
  for (const r of file.runs) set.add(`run seed ${r.seed} key`, r.key);
  for (const { arm, budget, bin, seed, ...numbers } of file.results) {
    const name = `${arm}${budget === null ? "" : ` @ ${budget}`}, ${bin}, seed ${seed}`;
    set.addJson(name, numbers, seed === "pooled" ? undefined : "results per seed");
  }
  for (const { arm, budget, bin, reference: _r, ...numbers } of file.paired)
    set.addJson(`paired ${arm}${budget === null ? "" : ` @ ${budget}`} vs reference, ${bin}`, numbers);
  file.examples.forEach((e, i) => {
    set.addJson(`example ${i} (${e.arm}, ${e.taskId})`, e, "examples");
  });
  set.add("session createdAt", file.session.createdAt, "timing");
  set.add("session seconds", file.session.seconds, "timing");
  for (const r of file.runs) {
    const found = runDir(r.dir);
    if (found === null) {
      set.notes.push(`run seed ${r.seed}: ${r.dir} is not here; its weights are not compared`);
      continue;
    }
    try {
      const identity = modelIdentity(found);
      for (const [folder, c] of Object.entries(identity.checkpoints)) {
        set.add(`run seed ${r.seed} ${folder} latest`, c.checkpoint, "metric", undefined, true);
        set.add(`run seed ${r.seed} ${folder} weights sha256`, c.weightsSha256, "checksum", undefined, true);
      }
      for (const [part, sha] of Object.entries(identity.parts ?? {}))
        set.add(`run seed ${r.seed} agent part ${part} sha256`, sha, "checksum", undefined, true);
    } catch (e) {
      if (!isHjepaError(e)) throw e;
      set.notes.push(`run seed ${r.seed}: ${r.dir} has no readable checkpoint (${e.message}); not compared`);
    }
  }
  return set;
}
