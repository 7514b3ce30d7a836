import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runEpisode } from "@hjepa/agent";
import { buildAgent, prepareAgentExtras } from "@hjepa/configurator";
import { experimentSchema, migrateConfig } from "@hjepa/experiment";
import { makeRunEnv, prepareData } from "@hjepa/runs";
import { initTensors } from "@hjepa/tensor";
import { trainWorldModel } from "@hjepa/world-model";
import { type Box, type Discrete, Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";

/** A toy TwoRooms world model, trained in seconds, then planned with MPPI end to end. */
describe("agent on TwoRooms", () => {
  it("reaches a goal in the other room, and the same seed gives the same trajectory", async () => {
    await initTensors({ backend: "wasm" });
    const config = experimentSchema.parse(
      // Written in the single-level (version 1) form: migrated on load, as an old config file would be.
      migrateConfig(
        {
          name: "toy-agent",
          seed: 2,
          backend: "wasm",
          env: { id: "hjepa/TwoRooms-v0", kwargs: { obsMode: "state" } },
          data: { episodes: 300, steps: 60, policy: "momentum", seed: 0 },
          model: { encoder: { type: "mlp", hidden: [64], dim: 8 }, predictor: { hidden: [64, 64] } },
          loss: { prediction: 1, variance: 1, covariance: 0.04 },
          train: { steps: 500, batchSize: 64, horizon: 8, lr: 0.002, warmupSteps: 20 },
          agent: { planner: "mppi", horizon: 32, budget: 4096, plannerOptions: { iterations: 2 } },
        },
        "agent.test",
      ).config,
    );
    const { data } = await prepareData(config, { root: mkdtempSync(join(tmpdir(), "hjepa-agent-")) });
    const { model } = await trainWorldModel({ config, data });
    const { env, core } = makeRunEnv(config);
    const parts = buildAgent({ model, agent: config.agent, actionSpace: env.actionSpace as Box });
    // Start in the left room, goal in the right room (the door is at x in [6, 7], y in [3, 4]).
    const task = { start: [2.5, 2.5], goal: [10.5, 4.5], seed: 0, maxSteps: 120 };
    const a = runEpisode(env, core, parts, { ...task, rng: new Rng(5) });
    expect(core.oracle().distance(task.start, task.goal)).toBeGreaterThan(8);
    expect(a.success).toBe(true);
    expect(a.decisions.every((d) => d.predictorCalls <= config.agent.budget)).toBe(true);
    const b = runEpisode(env, core, parts, { ...task, rng: new Rng(5) });
    expect(b.trajectory).toEqual(a.trajectory);
    env.close();
    model.dispose();
  });
});

/** A toy GridMaze world model; the graph planner searches the landmark graph its one-step predictions span. */
describe("agent on a 9x9 GridMaze", () => {
  it("reaches the farthest cell from a corner with graph search over landmarks", async () => {
    await initTensors({ backend: "wasm" });
    const config = experimentSchema.parse(
      // Written in the single-level (version 1) form: migrated on load, as an old config file would be.
      migrateConfig(
        {
          name: "toy-grid-agent",
          seed: 3,
          backend: "wasm",
          env: { id: "hjepa/GridMaze-v0", kwargs: { obsMode: "onehot", size: 9, mazeSeed: 4 } },
          data: { episodes: 400, steps: 30, policy: "momentum", seed: 0 },
          model: { encoder: { type: "mlp", hidden: [64], dim: 16 }, predictor: { hidden: [64, 64] } },
          loss: { prediction: 1, teacherForcing: 2, variance: 1, covariance: 0.04 },
          train: { steps: 600, batchSize: 64, horizon: 4, lr: 0.002, warmupSteps: 20 },
          agent: { planner: "graph", horizon: 40, budget: 1024, landmarks: { samples: 4000 } },
        },
        "agent.test",
      ).config,
    );
    const { data } = await prepareData(config, { root: mkdtempSync(join(tmpdir(), "hjepa-grid-agent-")) });
    const { model } = await trainWorldModel({ config, data });
    const { env, core } = makeRunEnv(config);
    const extras = prepareAgentExtras(config, model, data);
    expect(extras.hazard).toBeNull();
    const parts = buildAgent({
      model,
      agent: config.agent,
      actionSpace: env.actionSpace as Discrete,
      landmarks: extras.landmarks,
    });
    // The start is the first free cell; the goal the free cell farthest from it by the oracle.
    const free: number[][] = [];
    for (let r = 0; r < 9; r++) {
      for (let c = 0; c < 9; c++) {
        try {
          core.observe([r, c]);
          if (core.oracle().distance([1, 1], [r, c]) < Infinity) free.push([r, c]);
        } catch {
          // a wall
        }
      }
    }
    const start = [1, 1];
    const goal = free.reduce((a, b) =>
      core.oracle().distance(start, b) > core.oracle().distance(start, a) ? b : a,
    );
    const optimal = core.oracle().distance(start, goal);
    expect(optimal).toBeGreaterThanOrEqual(12);
    // Every free cell of the maze is one landmark.
    expect(extras.landmarks?.size).toBe(free.length);
    const run = runEpisode(env, core, parts, { start, goal, seed: 0, maxSteps: 60, rng: new Rng(1) });
    expect(run.success).toBe(true);
    expect(run.steps).toBe(optimal);
    expect(run.decisions.every((d) => d.predictorCalls <= config.agent.budget)).toBe(true);
    env.close();
    model.dispose();
  });
});
