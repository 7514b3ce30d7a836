import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointError, InputError } from "@hjepa/errors";
import { type ExperimentConfig, experimentSchema, levelOne, RunFolder } from "@hjepa/experiment";
import { envShapes, makeRunEnv, prepareData } from "@hjepa/runs";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { JepaWorldModel, saveCheckpoint, type WorldModelData } from "@hjepa/world-model";
import { type Box, Rng } from "gymnasium-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAgent } from "./buildAgent.ts";
import { loadAgentExtras, prepareRun } from "./preparedRun.ts";

const root = mkdtempSync(join(tmpdir(), "hjepa-critic-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A toy TwoRooms run whose agent asks for a critic, small enough to prepare in seconds. */
const config: ExperimentConfig = experimentSchema.parse({
  name: "critic",
  seed: 3,
  env: { id: "hjepa/TwoRooms-v0", kwargs: { obsMode: "state" } },
  data: { episodes: 12, steps: 30, policy: "momentum", seed: 0 },
  world: { levels: [{ model: { encoder: { type: "mlp", hidden: [16], dim: 6 } }, train: { steps: 5 } }] },
  agent: {
    critic: { samples: 240, window: 6, embedding: 4, hidden: [16], steps: 20, batchSize: 32 },
    energy: { critic: { weight: 2 } },
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

function withAgent(patch: (agent: Record<string, unknown>) => void): ExperimentConfig {
  const raw = structuredClone(config) as unknown as { agent: Record<string, unknown> };
  patch(raw.agent);
  return experimentSchema.parse(raw);
}

describe("the critic as a learned agent part", () => {
  it("is saved in the run by prepareRun and loaded by loadAgentExtras with the same numbers", async () => {
    const run = RunFolder.create({ name: "critic", config, root });
    const state = { step: 5, adamStep: 5, rngs: {}, firstLoss: null, elapsed: 0 };
    await saveCheckpoint(run.checkpointsDir, Object.fromEntries(model.params.entries()), state, { step: 5 });
    const prepared = await prepareRun(run, config, model, data);
    expect(prepared.parts.critic?.transitions).toBe(40 * 5);
    expect(prepared.agent.critic).toEqual(config.agent.critic);

    await withLeakCheck(async () => {
      const loaded = await loadAgentExtras(run.dir, config);
      const again = await loadAgentExtras(run.dir, config);
      const s = tf.randomNormal([8, 6], 0, 1, "float32", 1) as tf.Tensor2D;
      const g = tf.randomNormal([1, 6], 0, 1, "float32", 2) as tf.Tensor2D;
      const a = loaded.critic?.distance(s, g);
      const b = again.critic?.distance(s, g);
      expect(a?.shape).toEqual([8]);
      expect(Array.from(a?.dataSync() ?? [])).toEqual(Array.from(b?.dataSync() ?? []));
      tf.dispose([s, g, a, b].filter((t) => t !== undefined));
      loaded.critic?.dispose();
      again.critic?.dispose();
    });

    // A training setting changed since the prepare: eval refuses and names the prepare to run.
    const changed = withAgent((a) => {
      (a.critic as { steps: number }).steps = 40;
    });
    const e = await loadAgentExtras(run, changed).catch((x: unknown) => x as Error);
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as Error).message).toMatch(
      /agent\.critic\.steps=20, the config asks for agent\.critic\.steps=40/,
    );
    expect((e as Error).message).toMatch(/hjepa prepare .* --set agent\.critic\.steps=40/);
    // Settings read when planning (the energy's weights) need no prepare.
    const reweighted = withAgent((a) => {
      (a.energy as { critic: { weight: number } }).critic.weight = 5;
    });
    (await loadAgentExtras(run, reweighted)).critic?.dispose();
  });

  it("the config chooses the energy at every level: L2 to the goal, the critic, or their weighted sum", () => {
    const { env } = makeRunEnv(config);
    const actionSpace = env.actionSpace as Box;
    env.close();
    const critic = (s: tf.Tensor2D) => tf.zeros([s.shape[0]]) as tf.Tensor1D;
    const terms = (agent: ExperimentConfig["agent"]) =>
      buildAgent({ model, agent, actionSpace, critic }).levels.map((l) => [
        ...l.cost.termNames.map((n) => `${n}:${l.cost.weight(n)}`),
      ]);
    expect(terms(config.agent)).toEqual([["energy:1", "critic:2"]]);
    const criticOnly = withAgent((a) => {
      (a.energy as { weight: number }).weight = 0;
    });
    expect(terms(criticOnly.agent)).toEqual([["critic:2"]]);
    const l2Only = withAgent((a) => {
      (a.energy as { critic: null }).critic = null;
    });
    expect(terms(l2Only.agent)).toEqual([["energy:1"]]);
    // The near-goal rule by the critic is data in the config, handed to the hierarchy with the critic.
    const nearGoal = withAgent((a) => {
      a.hierarchy = { nearGoal: { rule: "critic", within: 6 } };
    });
    const parts = buildAgent({ model, agent: nearGoal.agent, actionSpace, critic });
    expect(parts.configure({ step: 0, episode: null as never, goal: new Float32Array(0) }).nearGoal).toEqual({
      rule: "critic",
      tolerance: 0.05,
      within: 6,
    });
    expect(parts.critic).toBe(critic);
    expect(() => buildAgent({ model, agent: config.agent, actionSpace })).toThrow(InputError);
  });

  it("refuses a config that uses a critic it does not train, or has no task cost", () => {
    const raw = structuredClone(config) as unknown as { agent: Record<string, unknown> };
    raw.agent.critic = null;
    const r = experimentSchema.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["agent", "critic"]);
    expect(r.error?.issues[0]?.message).toMatch(/agent\.energy\.critic needs the critic/);
    const none = structuredClone(raw);
    none.agent.energy = { weight: 0 };
    expect(experimentSchema.safeParse(none).error?.issues.map((i) => i.path.join("."))).toEqual([
      "agent.energy.weight",
    ]);
  });
});
