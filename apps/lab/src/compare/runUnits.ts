/**
 * The runs a comparison needs: its cells (an arm at a budget for a training seed) grouped by training seed and
 * run key, each group's training config (with the learned agent parts its cells need), and the finished run
 * in the runs folder to reuse for it, if any.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { checkAgentExtras, fullExperimentSchema } from "@hjepa/configurator";
import { InputError, isHjepaError } from "@hjepa/errors";
import {
  type AgentConfig,
  type ComparisonConfig,
  type ExperimentConfig,
  RunFolder,
  slug,
} from "@hjepa/experiment";
import { canonicalJson } from "../jobs/job.ts";
import type { PlannedArm } from "./plan.ts";
import { runKey } from "./runIdentity.ts";

/** One arm at one budget for one training seed. */
export interface Cell {
  arm: number;
  budget: number;
  seed: number;
  config: ExperimentConfig;
}

/** A run the comparison needs: one training seed and run key, and the cells evaluated on it. */
export interface RunUnit {
  seed: number;
  key: string;
  /** The config it is (or was) trained with; its agent section holds the learned parts the cells need. */
  config: ExperimentConfig;
  /** Where the comparison trains it when no finished run can be reused: runs/<name>-s<seed>-<key>. */
  target: string;
  /** A finished run with this key that holds the parts every cell needs, or null (train `target`). */
  reuse: string | null;
  cells: Cell[];
}

/** The learned agent parts (made once per run by training or `hjepa prepare`) and their learned settings. */
const LEARNED_PARTS = [
  {
    path: "agent.landmarks",
    section: (a: AgentConfig) => a.landmarks as Record<string, unknown> | null,
    learned: ["samples", "radius", "capacity", "transitions", "window"],
  },
  {
    path: "agent.guardrails.hazard",
    section: (a: AgentConfig) => a.guardrails.hazard as Record<string, unknown> | null,
    learned: ["epochs", "samples", "margin"],
  },
] as const;

/** Cells grouped by training seed and run key, each group with the run to reuse or to train. */
export function groupRuns(
  comparison: ComparisonConfig,
  arms: PlannedArm[],
  file: string,
  runsDir: string,
): RunUnit[] {
  const units = new Map<string, RunUnit>();
  for (const [a, arm] of arms.entries()) {
    for (const [b, budget] of arm.budgets.entries()) {
      for (const [s, seed] of comparison.seeds.entries()) {
        const config = budget.configs[s] as ExperimentConfig;
        const key = runKey(config);
        const id = `${seed}|${key}`;
        let unit = units.get(id);
        if (unit === undefined) {
          const target = join(runsDir, `${slug(config.name)}-s${seed}-${key.slice(0, 12)}`);
          unit = { seed, key, config, target, reuse: null, cells: [] };
          units.set(id, unit);
        }
        unit.cells.push({ arm: a, budget: b, seed, config });
      }
    }
  }
  const finished = finishedRuns(runsDir);
  for (const unit of units.values()) {
    unit.config = trainingConfig(unit, arms, file);
    unit.reuse = findReusable(unit, finished);
    const own = finished.find((r) => r.dir === unit.target);
    if (own === undefined && existsSync(join(unit.target, "config.json"))) {
      let key: string | null = null;
      try {
        key = runKey(RunFolder.open(unit.target).validConfig(fullExperimentSchema));
      } catch {
        // An unreadable folder at our path is a create that was killed: the train job replaces it.
      }
      if (key !== null && key !== unit.key)
        throw new InputError(
          `${unit.target}: holds a run of another config; move it away or give --runs DIR`,
        );
    }
  }
  return [...units.values()];
}

/**
 * The config a run is trained with: the first cell's, with the learned parts every cell on it needs. Cells
 * that need one part made with different learned settings cannot share the run: an `InputError` naming them.
 */
function trainingConfig(unit: RunUnit, arms: PlannedArm[], file: string): ExperimentConfig {
  const first = unit.cells[0] as Cell;
  const agent = structuredClone(first.config.agent);
  for (const part of LEARNED_PARTS) {
    let chosen: { cell: Cell; section: Record<string, unknown> } | null = null;
    for (const cell of unit.cells) {
      const section = part.section(cell.config.agent);
      if (section === null) continue;
      if (chosen === null) {
        chosen = { cell, section };
        continue;
      }
      const differ = part.learned.filter(
        (k) => canonicalJson(section[k]) !== canonicalJson(chosen?.section[k]),
      );
      if (differ.length > 0) {
        const name = (c: Cell) => `"${arms[c.arm]?.name}"${labelOf(arms, c)}`;
        const values = (s: Record<string, unknown>) =>
          differ.map((k) => `${k}=${JSON.stringify(s[k])}`).join(", ");
        throw new InputError(
          `${file}: arm ${name(cell)} needs ${part.path} made with ${values(section)}, arm ${name(chosen.cell)} ` +
            `with ${values(chosen.section)}, on the same run (seed ${unit.seed}): a run's learned agent parts are ` +
            "made once, by training; give the arms the same learned settings, or set a training setting in one " +
            "arm so that it trains its own run",
        );
      }
    }
    const made = chosen === null ? null : structuredClone(chosen.section);
    if (part.path === "agent.landmarks") agent.landmarks = made as AgentConfig["landmarks"];
    else agent.guardrails.hazard = made as AgentConfig["guardrails"]["hazard"];
  }
  return { ...first.config, agent };
}

function labelOf(arms: PlannedArm[], c: Cell): string {
  const label = arms[c.arm]?.budgets[c.budget]?.label;
  return label ? ` budget "${label}"` : "";
}

interface FinishedRun {
  dir: string;
  key: string;
  run: RunFolder;
}

/** The finished runs directly under `runsDir` (folders that are not readable runs are skipped). */
function finishedRuns(runsDir: string): FinishedRun[] {
  if (!existsSync(runsDir)) return [];
  const out: FinishedRun[] = [];
  for (const name of readdirSync(runsDir).sort()) {
    const dir = join(runsDir, name);
    if (!existsSync(join(dir, "config.json")) || !existsSync(join(dir, "manifest.json"))) continue;
    try {
      const run = RunFolder.open(dir);
      if (run.manifest.status !== "finished") continue;
      out.push({ dir, key: runKey(run.validConfig(fullExperimentSchema)), run });
    } catch {
      // Not a run this hjepa can read: not a candidate.
    }
  }
  return out;
}

/** A finished run with the unit's key whose saved agent parts fit every cell: its own target first. */
function findReusable(unit: RunUnit, finished: FinishedRun[]): string | null {
  const candidates = finished
    .filter((r) => r.key === unit.key)
    .sort((a, b) => Number(b.dir === unit.target) - Number(a.dir === unit.target));
  for (const candidate of candidates) {
    const fits = unit.cells.every((cell) => {
      try {
        checkAgentExtras(candidate.run, cell.config);
        return true;
      } catch (e) {
        if (isHjepaError(e)) return false;
        throw e;
      }
    });
    if (fits) return candidate.dir;
  }
  return null;
}
