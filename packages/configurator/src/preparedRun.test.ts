import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointError, InputError } from "@hjepa/errors";
import { type ExperimentConfig, experimentSchema, levelOne, RunFolder } from "@hjepa/experiment";
import { envShapes, makeRunEnv, prepareData } from "@hjepa/runs";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { JepaWorldModel, saveCheckpoint, type WorldModelData } from "@hjepa/world-model";
import { Rng } from "gymnasium-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareAgentExtras } from "./extras.ts";
import { checkAgentExtras, loadAgentExtras, prepareRun } from "./preparedRun.ts";

const root = mkdtempSync(join(tmpdir(), "hjepa-prepared-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A toy FourRoomsHazard run (hazard guardrail with a margin, landmarks), small enough to prepare in seconds. */
const config: ExperimentConfig = experimentSchema.parse({
  name: "prepared",
  seed: 4,
  env: { id: "hjepa/FourRoomsHazard-v0", kwargs: { obsMode: "state" } },
  data: { episodes: 16, steps: 40, policy: "momentum", seed: 0 },
  world: {
    levels: [{ model: { encoder: { type: "mlp", hidden: [16], dim: 6 } }, train: { steps: 5 } }],
  },
  agent: {
    guardrails: { hazard: { epochs: 4, samples: 300, margin: 1 } },
    landmarks: { samples: 200, radius: 0.25, capacity: 400 },
  },
});

let model: JepaWorldModel;
let data: WorldModelData;

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
  const { env } = makeRunEnv(config);
  const { obsShape, actionSpec } = envShapes(env);
  env.close();
  model = new JepaWorldModel(levelOne(config).model, obsShape, actionSpec, new Rng(config.seed));
  data = (await prepareData(config, { root })).data;
});
afterAll(() => model.dispose());

/** A run folder of the toy config with one checkpoint (`step`) of the test's model. */
async function savedRun(step = 5): Promise<RunFolder> {
  const run = RunFolder.create({ name: "prepared", config, root });
  await checkpoint(run, step);
  return run;
}

async function checkpoint(run: RunFolder, step: number): Promise<void> {
  const state = { step, adamStep: step, rngs: {}, firstLoss: null, elapsed: 0 };
  await saveCheckpoint(run.checkpointsDir, Object.fromEntries(model.params.entries()), state, { step });
}

/** `config` with its agent section changed by `patch` (as `--set` would). */
function withAgent(patch: (agent: Record<string, unknown>) => void): ExperimentConfig {
  const raw = structuredClone(config) as unknown as { agent: Record<string, unknown> };
  patch(raw.agent);
  return experimentSchema.parse(raw);
}

async function refused(run: RunFolder, c: ExperimentConfig, pattern: RegExp): Promise<void> {
  const e = await loadAgentExtras(run, c).catch((x: unknown) => x as Error);
  expect(e).toBeInstanceOf(CheckpointError);
  expect((e as Error).message).toMatch(pattern);
  expect((e as Error).message).not.toContain("\n");
}

describe("prepareRun and loadAgentExtras", () => {
  it("round-trip: the loaded classifier predicts the same numbers and the landmarks are the same", async () => {
    const run = await savedRun();
    const prepared = await prepareRun(run, config, model, data);
    expect(prepared.checkpoint.name).toBe("step-0000005");
    expect(prepared.agent.guardrails.hazard).toEqual(config.agent.guardrails.hazard);
    expect(prepared.parts.hazard?.windows).toBe(300);
    expect(prepared.parts.hazard?.hazards).toBeGreaterThan(0);
    expect(readdirSync(join(run.dir, "agent")).sort()).toEqual(["hazard", "landmarks", "prepared.json"]);
    // Nothing but the agent folder was added: no temp folder is left in the run.
    expect(readdirSync(run.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);

    // The same config and seed give the same parts when computed again in memory.
    const fresh = prepareAgentExtras(config, model, data);
    await withLeakCheck(async () => {
      const loaded = await loadAgentExtras(run.dir, config);
      const reps = tf.randomNormal([64, model.encoder.dim], 0, 2, "float32", 1);
      const a = loaded.hazard?.predict(reps as tf.Tensor2D);
      const b = fresh.hazard?.predict(reps as tf.Tensor2D);
      expect(Array.from(a?.dataSync() ?? [])).toEqual(Array.from(b?.dataSync() ?? []));
      expect(a?.shape).toEqual([64]);
      tf.dispose([reps, a, b].filter((t) => t !== undefined));
      loaded.hazard?.dispose();
      expect(loaded.landmarks?.size).toBe(fresh.landmarks?.size);
      expect(loaded.landmarks?.size).toBeGreaterThan(1);
      expect(Array.from(loaded.landmarks?.toArray() ?? [])).toEqual(
        Array.from(fresh.landmarks?.toArray() ?? []),
      );
      expect(loaded.landmarks?.radius).toBe(fresh.landmarks?.radius);
      expect(loaded.landmarks?.capacity).toBe(400);
    });
    fresh.hazard?.dispose();

    // Settings read when planning (mode, threshold) need no prepare; a config without parts loads none.
    const planningOnly = withAgent((a) => {
      (a.guardrails as { hazard: { threshold: number } }).hazard.threshold = 0.2;
    });
    const again = await loadAgentExtras(run, planningOnly);
    expect(again.hazard).not.toBeNull();
    again.hazard?.dispose();
    const none = withAgent((a) => {
      a.guardrails = { actionBounds: true, hazard: null };
      a.landmarks = null;
    });
    const bare = RunFolder.create({ name: "bare", config, root });
    expect(await loadAgentExtras(bare, none)).toEqual({ hazard: null, landmarks: null });
  });

  it("with transitions, saves and loads the experience graph: the moves between landmarks the data made", async () => {
    const graph = withAgent((a) => {
      a.landmarks = { samples: 400, radius: 0.5, capacity: 400, transitions: true, window: 8 };
    });
    const run = await savedRun();
    await prepareRun(run, graph, model, data);
    const fresh = prepareAgentExtras(graph, model, data);
    const loaded = await loadAgentExtras(run.dir, graph);
    const moves = fresh.landmarks?.transitionArrays();
    expect(fresh.landmarks?.transitions).toBeGreaterThan(10);
    expect(loaded.landmarks?.transitionArrays()).toEqual(moves);
    // Each move is one env step of the data: its action has the env's action size (2 for PointMaze).
    expect(loaded.landmarks?.transitionActionSize).toBe(2);
    // Without transitions the same settings record none, and changing the flag needs a prepare.
    expect(prepareAgentExtras(config, model, data).landmarks?.transitions).toBe(0);
    await refused(run, config, /hjepa prepare/);
    fresh.hazard?.dispose();
    loaded.hazard?.dispose();
    // A prepared.json from before transitions existed (no transitions, no window) was made without them.
    await prepareRun(run, config, model, data);
    const file = join(run.dir, "agent", "prepared.json");
    const old = JSON.parse(readFileSync(file, "utf8"));
    delete old.agent.landmarks.transitions;
    delete old.agent.landmarks.window;
    writeFileSync(file, JSON.stringify(old));
    const again = await loadAgentExtras(run.dir, config);
    expect(again.landmarks?.transitions).toBe(0);
    again.hazard?.dispose();
    await refused(run, graph, /agent\.landmarks\.transitions=false.*agent\.landmarks\.transitions=true/);
  });

  it("refuses a run never prepared, changed learned settings and a newer checkpoint, naming hjepa prepare", async () => {
    const old = await savedRun();
    await refused(
      old,
      config,
      /hazard classifier and landmarks are not saved in the run .*; run: hjepa prepare \S+$/,
    );
    const run = await savedRun();
    await prepareRun(run, config, model, data);
    const radius = withAgent((a) => {
      (a.landmarks as { radius: number }).radius = 0.5;
    });
    await refused(
      run,
      radius,
      /landmarks were made with agent\.landmarks\.radius=0\.25, the config asks for agent\.landmarks\.radius=0\.5; run: hjepa prepare \S+ --set agent\.landmarks\.radius=0\.5$/,
    );
    expect(() => checkAgentExtras(run, radius)).toThrow(CheckpointError);
    const margin = withAgent((a) => {
      (a.guardrails as { hazard: { margin: number } }).hazard.margin = 0;
    });
    await refused(run, margin, /hazard classifier was made with agent\.guardrails\.hazard\.margin=1, /);

    // Prepared without landmarks; an eval that asks for them is told how to add them to the run.
    const noLandmarks = withAgent((a) => {
      a.landmarks = null;
    });
    const plain = RunFolder.create({ name: "plain", config: noLandmarks, root });
    await checkpoint(plain, 5);
    await prepareRun(plain, noLandmarks, model, data);
    await refused(
      plain,
      config,
      /no landmarks was prepared .*; run: hjepa prepare \S+ --set agent\.landmarks=\{\} --set agent\.landmarks\.samples=200 --set agent\.landmarks\.capacity=400$/,
    );

    // Training went on after the parts were made: they belong to the old model.
    await checkpoint(run, 10);
    await refused(
      run,
      config,
      /made with the model checkpoint step-0000005, the run's latest is step-0000010; run: hjepa prepare/,
    );
  });

  it("refuses corrupted parts and prepared.json with a CheckpointError naming the file", async () => {
    const run = await savedRun();
    await prepareRun(run, config, model, data);
    const agent = join(run.dir, "agent");
    const bin = join(agent, "hazard", "weights.bin");
    const bytes = readFileSync(bin);
    const flipped = Buffer.from(bytes);
    flipped[7] = (flipped[7] as number) ^ 0xff;
    writeFileSync(bin, flipped);
    await refused(run, config, /hazard\/weights\.bin: content does not match .*; run: hjepa prepare/);
    writeFileSync(bin, bytes);
    const marks = join(agent, "landmarks", "weights.bin");
    writeFileSync(marks, readFileSync(marks).subarray(0, 16));
    await refused(run, config, /landmarks\/weights\.bin: 16 bytes, expected \d+/);
    writeFileSync(join(agent, "prepared.json"), '{"version": 1,');
    await refused(run, config, /prepared\.json: not valid JSON .*; run: hjepa prepare/);
  });

  it("leaves the previous parts as they were when a prepare fails (bad settings)", async () => {
    const run = await savedRun();
    await prepareRun(run, config, model, data);
    const before = readFileSync(join(run.dir, "agent", "prepared.json"), "utf8");
    const tooSmall = withAgent((a) => {
      (a.landmarks as { capacity: number }).capacity = 1;
    });
    await expect(prepareRun(run, tooSmall, model, data)).rejects.toThrow(InputError);
    expect(readFileSync(join(run.dir, "agent", "prepared.json"), "utf8")).toBe(before);
    expect(readdirSync(run.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect(existsSync(join(run.dir, "agent", "hazard", "model.json"))).toBe(true);
    const loaded = await loadAgentExtras(run, config);
    loaded.hazard?.dispose();
  });
});
