import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError, oneLine } from "@hjepa/errors";
import { fileSha256, RunFolder } from "@hjepa/experiment";
import { MetricSet } from "./metricSet.ts";

/** Kinds of metrics.jsonl records logged at steps during training (the last one of each is the "final" line). */
const CURVES = new Set(["train", "diagnostics"]);

export function readJsonFile(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (e) {
    throw new CheckpointError(
      `${file}: cannot read it as JSON (${oneLine((e as Error).message)}); expected ${what}`,
    );
  }
}

/** Every file under `dir`, sorted, as paths relative to `dir` ("step-0000010/weights.bin"). */
function files(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(dir, name)).isDirectory()) out.push(...files(join(dir, name), rel));
    else out.push(rel);
  }
  return out;
}

/**
 * A training run's results: the final losses and held-out diagnostics of every level (and every earlier logged
 * step, one line per quantity), the per-level report and imagination against walls, every checkpoint's weights
 * by sha256 and its saved state (Adam step, random streams), and the agent's learned parts (landmarks, hazard
 * classifier) by sha256 with the numbers prepared.json records. Times (elapsed, dates) go beside.
 */
export function runMetrics(dir: string): MetricSet {
  const run = RunFolder.open(dir);
  const set = new MetricSet();
  set.add("manifest status", run.manifest.status);
  set.add("manifest startedAt", run.manifest.startedAt, "timing");
  set.add("manifest endedAt", run.manifest.endedAt, "timing");

  const records = run.metrics();
  const last = new Map<string, number>();
  records.forEach((r, i) => {
    if (CURVES.has(String(r.kind))) last.set(`${r.kind}|${r.level ?? 1}`, i);
  });
  records.forEach((r, i) => {
    const { kind, level, step, ...rest } = r;
    const where = `${kind} level ${level ?? 1}`;
    if (CURVES.has(String(kind)) && typeof step === "number") {
      if (last.get(`${kind}|${level ?? 1}`) === i) set.addJson(`${where} final (step ${step})`, rest);
      else set.addJson(`${where} step ${step}`, rest, `${where}, earlier steps`);
    } else {
      // The per-level report and imagination against walls: one line per quantity over levels and horizons.
      const name = level === undefined ? String(kind) : where;
      set.addJson(name, step === undefined ? rest : { step, ...rest }, String(kind));
    }
  });

  for (const rel of files(run.checkpointsDir)) {
    const path = join(run.checkpointsDir, rel);
    const name = `checkpoints/${rel}`;
    const base = rel.slice(rel.lastIndexOf("/") + 1);
    if (base === "state.json")
      set.addJson(name, readJsonFile(path, "a checkpoint's state"), "checkpoints: state.json");
    else if (base === "latest.json") set.addJson(name, readJsonFile(path, "a checkpoint pointer"));
    else set.add(`${name} sha256`, fileSha256(path), "checksum", `checkpoints: ${base} sha256`);
  }

  const agent = join(dir, "agent");
  for (const rel of files(agent)) {
    const path = join(agent, rel);
    if (rel === "prepared.json")
      set.addJson("agent/prepared.json", readJsonFile(path, "the agent's prepared parts"));
    else set.add(`agent/${rel} sha256`, fileSha256(path), "checksum");
  }
  return set;
}
