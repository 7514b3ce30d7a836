import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { WorldModel } from "@hjepa/contracts";
import { HazardClassifier, TemporalDistanceCritic } from "@hjepa/cost";
import { CheckpointError, fileSystemError, oneLine, onFileSystem } from "@hjepa/errors";
import {
  type AgentConfig,
  agentSchema,
  criticSchema,
  type ExperimentConfig,
  experimentSchema,
  RunFolder,
  writeJsonAtomic,
} from "@hjepa/experiment";
import { removeOnExit, removeStaleTemps, tempPathFor } from "@hjepa/experiment/crashSafety";
import { readModelJson } from "@hjepa/tensor";
import { type JepaWorldModel, latestCheckpoint, type WorldModelData } from "@hjepa/world-model";
import type { AgentExtras } from "./extras.ts";
import { loadLandmarks } from "./landmarksFile.ts";
import { fitAndSaveParts } from "./saveParts.ts";

/**
 * The agent's learned parts belong to the run: `prepareRun` computes them once from the run's model and dataset
 * and saves them in `RUN/agent/` (`hazard/`, `landmarks/` and `critic/` in the weights format of `@hjepa/tensor`,
 * whose model.json records the weights' sha256, and `prepared.json`: the settings, seed and model checkpoint they
 * were made from). `loadAgentExtras` loads them for `hjepa eval`, which never trains; a part the config needs
 * that is missing, corrupted or made from other settings is a `CheckpointError` naming `hjepa prepare`.
 */
export const AGENT_DIR = "agent";
export const PREPARED_FILE = "prepared.json";

type HazardSettings = NonNullable<AgentConfig["guardrails"]["hazard"]>;
type LandmarkSettings = NonNullable<AgentConfig["landmarks"]>;
type CriticSettings = NonNullable<AgentConfig["critic"]>;

/** What `RUN/agent/prepared.json` holds. */
export interface PreparedAgent {
  version: 1;
  createdAt: string;
  /** The model checkpoint the parts were made with: its folder and its weights' sha256. */
  checkpoint: { name: string; weightsSha256: string | null };
  /** The config's seed and data section (the named streams "hazard" and "landmarks" of the seed drew them). */
  seed: number;
  data: ExperimentConfig["data"];
  /**
   * The config sections the parts were made from (null: not asked for, not made; `critic` is absent from
   * files written before the critic existed).
   */
  agent: {
    guardrails: { hazard: HazardSettings | null };
    landmarks: LandmarkSettings | null;
    critic?: CriticSettings | null;
  };
  parts: {
    hazard: {
      folder: string;
      sha256: string;
      dim: number;
      hidden: number;
      windows: number;
      hazards: number;
      accuracy: number;
    } | null;
    landmarks: {
      folder: string;
      sha256: string;
      size: number;
      dim: number;
      radius: number;
      /** Observed moves between landmarks recorded (0 without `agent.landmarks.transitions`). */
      transitions: number;
    } | null;
    critic?: {
      folder: string;
      sha256: string;
      dim: number;
      /**
       * Observed transitions of the training windows, and over them at the end of training: the mean critic
       * distance of a step over its cost, and the fraction of steps within 1 + slack of their cost.
       */
      transitions: number;
      stepDistance: number;
      withinSlack: number;
    } | null;
  };
}

/** Each learned part: where its settings live and which of them change what is learned. */
const PARTS = [
  {
    key: "hazard",
    what: "hazard classifier",
    path: "agent.guardrails.hazard",
    section: (a: PreparedAgent["agent"] | AgentConfig) =>
      a.guardrails.hazard as Record<string, unknown> | null,
    // mode and threshold are read when planning: changing them needs no prepare.
    learned: ["epochs", "samples", "margin"],
  },
  {
    key: "landmarks",
    what: "landmarks",
    path: "agent.landmarks",
    section: (a: PreparedAgent["agent"] | AgentConfig) => a.landmarks as Record<string, unknown> | null,
    learned: ["samples", "radius", "capacity", "transitions", "window"],
  },
  {
    key: "critic",
    what: "critic",
    path: "agent.critic",
    section: (a: PreparedAgent["agent"] | AgentConfig) =>
      (a.critic ?? null) as Record<string, unknown> | null,
    // Every critic setting is a training setting.
    learned: Object.keys(criticSchema.shape),
  },
] as const;

/**
 * The learned settings' defaults: a prepared.json written before a setting existed was made with its default
 * (landmarks prepared before `transitions` recorded none).
 */
const LEARNED_DEFAULTS = agentSchema.parse({ guardrails: { hazard: {} }, landmarks: {}, critic: {} });

/** Settings compare by value (`hidden` is a list). */
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A learned setting that changes nothing given the others: `window` without `transitions`. */
function irrelevant(key: string, settings: Record<string, unknown>): boolean {
  return key === "window" && settings.transitions === false;
}

/**
 * Computes the learned parts `config.agent` asks for (hazard classifier, landmarks, critic) from the run's `model` (its
 * latest checkpoint) and `data` (its dataset; may be null when the config asks for no part) and saves them in
 * `RUN/agent/`, replacing what was there. The folder is built under a temp name and renamed into place, so an
 * interrupted prepare leaves the previous parts or none, never half-written ones. Returns prepared.json.
 */
export async function prepareRun(
  run: RunFolder,
  config: ExperimentConfig,
  model: WorldModel | JepaWorldModel,
  data: WorldModelData | null,
  opts: { onCriticStep?: (step: number, total: number) => void } = {},
): Promise<PreparedAgent> {
  const checkpoint = checkpointIdentity(run);
  const agentDir = join(run.dir, AGENT_DIR);
  const hazardSettings = config.agent.guardrails.hazard;
  const landmarkSettings = config.agent.landmarks;
  const criticSettings = config.agent.critic;
  if ((hazardSettings || landmarkSettings || criticSettings) && data === null)
    throw new Error("prepareRun: the config asks for learned agent parts but no dataset was given");
  removeStaleTemps(run.dir, agentDir);
  const tmp = tempPathFor(agentDir);
  const keep = removeOnExit(tmp);
  let fitted: Awaited<ReturnType<typeof fitAndSaveParts>> | null = null;
  try {
    mkdirSync(tmp);
    fitted = await fitAndSaveParts(tmp, config, model, data, opts.onCriticStep);
    const prepared: PreparedAgent = {
      version: 1,
      createdAt: new Date().toISOString(),
      checkpoint,
      seed: config.seed,
      data: config.data,
      agent: { guardrails: { hazard: hazardSettings }, landmarks: landmarkSettings, critic: criticSettings },
      parts: fitted.parts,
    };
    writeJsonAtomic(join(tmp, PREPARED_FILE), prepared, "write the agent's prepared.json");
    replaceFolder(tmp, agentDir);
    return prepared;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw fileSystemError(e, agentDir, "save the agent's learned parts");
  } finally {
    keep();
    fitted?.dispose();
  }
}

/**
 * Checks, without loading any weights, that the run holds every learned part `config` (the run's config with
 * any `--set`) needs, made from the same learned settings and the run's latest checkpoint. Returns
 * prepared.json (null when the config needs no part); throws a `CheckpointError` naming `hjepa prepare` else.
 */
export function checkAgentExtras(run: RunFolder, config: ExperimentConfig): PreparedAgent | null {
  const needed = PARTS.filter((p) => p.section(config.agent) !== null);
  if (needed.length === 0) return null;
  const fix = `run: ${prepareCommand(run, config.agent)}`;
  const file = join(run.dir, AGENT_DIR, PREPARED_FILE);
  if (!existsSync(file)) {
    const names = needed.map((p) => p.what).join(" and ");
    throw new CheckpointError(
      `${run.dir}: the agent's ${names} ${needed.length > 1 ? "are" : "is"} not saved in the run ` +
        `(made before hjepa prepare existed, or never prepared); ${fix}`,
    );
  }
  const prepared = readPrepared(file, fix);
  const current = checkpointIdentity(run);
  if (
    prepared.checkpoint.name !== current.name ||
    prepared.checkpoint.weightsSha256 !== current.weightsSha256
  ) {
    const which =
      prepared.checkpoint.name === current.name
        ? `whose weights have changed since`
        : `the run's latest is ${current.name}`;
    throw new CheckpointError(
      `${file}: the agent's parts were made with the model checkpoint ${prepared.checkpoint.name}, ${which}; ${fix}`,
    );
  }
  for (const p of needed) {
    const made = p.section(prepared.agent);
    const want = p.section(config.agent) as Record<string, unknown>;
    if (made === null || prepared.parts[p.key] == null) {
      throw new CheckpointError(
        `${file}: no ${p.what} was prepared (${p.path} was null when the run was prepared); ${fix}`,
      );
    }
    const had = { ...(p.section(LEARNED_DEFAULTS) as Record<string, unknown>), ...made };
    const changed = p.learned.filter(
      (k) => !same(had[k], want[k]) && !(irrelevant(k, had) && irrelevant(k, want)),
    );
    if (changed.length > 0) {
      const show = (s: Record<string, unknown>) =>
        changed.map((k) => `${p.path}.${k}=${JSON.stringify(s[k])}`).join(", ");
      throw new CheckpointError(
        `${file}: the ${p.what} ${p.key === "landmarks" ? "were" : "was"} made with ${show(had)}, ` +
          `the config asks for ${show(want)}; ${fix}`,
      );
    }
  }
  return prepared;
}

/**
 * The learned parts `config` needs, loaded from the run (`checkAgentExtras`, then each part's weights against
 * its recorded sha256). Never trains. The caller disposes `hazard` and `critic`.
 */
export async function loadAgentExtras(
  run: RunFolder | string,
  config: ExperimentConfig,
): Promise<AgentExtras> {
  const folder = typeof run === "string" ? RunFolder.open(run) : run;
  const prepared = checkAgentExtras(folder, config);
  const extras: AgentExtras = { hazard: null, landmarks: null };
  if (prepared === null) return extras;
  const fix = `run: ${prepareCommand(folder, config.agent)}`;
  const dir = join(folder.dir, AGENT_DIR);
  try {
    const hazardPart = prepared.parts.hazard;
    if (config.agent.guardrails.hazard && hazardPart) {
      const partDir = join(dir, hazardPart.folder);
      await checkRecordedSha(partDir, hazardPart.sha256);
      extras.hazard = await HazardClassifier.load(partDir);
    }
    const landmarkPart = prepared.parts.landmarks;
    if (config.agent.landmarks && landmarkPart) {
      const partDir = join(dir, landmarkPart.folder);
      await checkRecordedSha(partDir, landmarkPart.sha256);
      extras.landmarks = await loadLandmarks(partDir);
    }
    const criticPart = prepared.parts.critic;
    if (config.agent.critic && criticPart) {
      const partDir = join(dir, criticPart.folder);
      await checkRecordedSha(partDir, criticPart.sha256);
      extras.critic = await TemporalDistanceCritic.load(partDir);
    }
  } catch (e) {
    extras.hazard?.dispose();
    extras.critic?.dispose();
    if (e instanceof CheckpointError) throw new CheckpointError(`${oneLine(e.message)}; ${fix}`);
    throw e;
  }
  return extras;
}

/**
 * The command that prepares what `agent` asks for: `hjepa prepare RUN`, plus a `--set` for each learned setting
 * in which `agent` differs from the run's own config (a section the run does not have starts from `={}`).
 */
export function prepareCommand(run: RunFolder, agent: AgentConfig): string {
  const own = run.validConfig(experimentSchema).agent;
  const defaults = LEARNED_DEFAULTS;
  const sets: string[] = [];
  for (const p of PARTS) {
    const want = p.section(agent);
    if (want === null) continue;
    const have = p.section(own);
    if (have === null) sets.push(`${p.path}={}`);
    const base = have ?? (p.section(defaults) as Record<string, unknown>);
    for (const k of p.learned)
      if (!same(want[k], base[k])) sets.push(`${p.path}.${k}=${JSON.stringify(want[k])}`);
  }
  return `hjepa prepare ${run.dir}${sets.map((s) => ` --set ${s}`).join("")}`;
}

/** The run's latest checkpoint: its folder name and the sha256 its model.json records for the weights. */
function checkpointIdentity(run: RunFolder): PreparedAgent["checkpoint"] {
  const dir = latestCheckpoint(run.checkpointsDir);
  if (dir === null)
    throw new CheckpointError(
      `${run.dir}: no checkpoint (checkpoints/latest.json is missing); train it first`,
    );
  const file = join(dir, "model.json");
  const text = onFileSystem(file, "read the checkpoint", () => readFileSync(file, "utf8"));
  let json: { hjepa?: { weightsSha256?: unknown } };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (e) {
    throw new CheckpointError(`${file}: not valid JSON (${oneLine((e as Error).message)})`);
  }
  const sha = json?.hjepa?.weightsSha256;
  return {
    name: dir.slice(run.checkpointsDir.length + 1),
    weightsSha256: typeof sha === "string" ? sha : null,
  };
}

function readPrepared(file: string, fix: string): PreparedAgent {
  const text = onFileSystem(file, "read the agent's prepared.json", () => readFileSync(file, "utf8"));
  let json: PreparedAgent;
  try {
    json = JSON.parse(text) as PreparedAgent;
  } catch (e) {
    throw new CheckpointError(`${file}: not valid JSON (${oneLine((e as Error).message)}); ${fix}`);
  }
  const ok =
    json?.version === 1 &&
    typeof json.checkpoint?.name === "string" &&
    typeof json.agent?.guardrails === "object" &&
    json.agent.landmarks !== undefined &&
    json.agent.guardrails.hazard !== undefined &&
    typeof json.parts === "object" &&
    json.parts !== null &&
    PARTS.every((p) => json.parts[p.key] == null || typeof json.parts[p.key]?.sha256 === "string");
  if (!ok)
    throw new CheckpointError(
      `${file}: expected {version: 1, checkpoint, agent, parts} as written by hjepa prepare; ${fix}`,
    );
  return json;
}

/** A part's folder must be the one prepared.json recorded (its model.json's weights sha256). */
async function checkRecordedSha(dir: string, sha256: string): Promise<void> {
  const recorded = (await readModelJson(dir)).hjepa?.weightsSha256;
  if (recorded !== sha256)
    throw new CheckpointError(
      `${dir}/model.json: weights sha256 ${String(recorded).slice(0, 12)}... is not the one prepared.json ` +
        `recorded (${sha256.slice(0, 12)}...): the folder was replaced or a prepare was interrupted`,
    );
}

/**
 * Puts the complete folder `tmp` at `target`: the old folder is moved aside, the new one renamed in, the old
 * removed. A crash between the two renames leaves no `target` (the next prepare makes it; `eval` says so) and
 * the old one under a temp name that `removeStaleTemps` removes.
 */
function replaceFolder(tmp: string, target: string): void {
  let old: string | null = null;
  if (existsSync(target)) {
    old = tempPathFor(target);
    renameSync(target, old);
  }
  try {
    renameSync(tmp, target);
  } catch (e) {
    if (old !== null) renameSync(old, target);
    throw e;
  }
  if (old !== null) rmSync(old, { recursive: true, force: true });
}
