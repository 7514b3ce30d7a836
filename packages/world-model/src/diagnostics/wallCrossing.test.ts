import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PlanningEnv } from "@hjepa/envs";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import type { FrameEncoder, WorldModelData } from "../data.ts";
import { toyConfig, toyData, toyEnv } from "../testing.ts";
import { trainWorldModel } from "../train/trainer.ts";
import { fitStateProbe } from "./stateProbe.ts";
import { formatWallCrossing, type WallCrossingReport, wallCrossing } from "./wallCrossing.ts";

// The toy TwoRooms experiment with `traverse` data, so that held-out windows go through the door.
const toy = toyConfig();
const config = { ...toy, data: { ...toy.data, episodes: 200, policy: "traverse" } };
let data: WorldModelData;
let env: PlanningEnv;

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
  data = (await toyData(config, mkdtempSync(join(tmpdir(), "hjepa-walls-")))).data;
  env = toyEnv(config).core;
});

// TwoRooms (7 x 13 cells) in state mode observes [x / 13, y / 7]: an identity encoder and an exact decoder.
const identity: FrameEncoder = { encoder: { dim: 2 }, encode: (obs) => tf.clone(obs) as tf.Tensor2D };
const exact = {
  predict: (z: ArrayLike<number>, n: number) =>
    Float64Array.from({ length: 2 * n }, (_, i) => (z[i] as number) * (i % 2 === 0 ? 13 : 7)),
};

describe("wallCrossing", () => {
  it("charges a model that never moves with exactly the windows that changed room, the probe with none", () => {
    const r = wallCrossing({
      data,
      env,
      encoder: identity,
      decoder: exact,
      rollout: (s0) => tf.clone(s0),
      horizon: 32,
      samples: 256,
      rng: new Rng(1),
    });
    expect(r.regionKind).toBe("room");
    // The env replays the dataset's actions from the window's start to the recorded end (float32 states).
    expect(r.replayGap).toBeLessThan(1e-5);
    expect(r.probeMismatch).toBe(0);
    expect(r.probeError).toBeLessThan(1e-5);
    expect(r.crossed).toBeGreaterThan(0);
    expect(r.imaginedMismatch).toBe(r.crossed);
    expect(r.modelOnlyMismatch).toBe(r.crossed);
    expect(r.imaginedMismatchCrossed).toBe(1);
    expect(r.imaginedMismatchStayed).toBe(0);
    expect(r.probeR2).toBeNull();
  });

  it("counts a model that walks through walls (actions integrated without walls)", () => {
    // Full action = 0.5 map units per axis; in observation units 0.5 / 13 and 0.5 / 7.
    const ghost = (s0: tf.Tensor2D, actions: tf.Tensor3D) =>
      tf.tidy(() => tf.add(s0, tf.mul(tf.sum(actions, 1), tf.tensor1d([0.5 / 13, 0.5 / 7]))));
    const opts = { data, env, encoder: identity, decoder: exact, horizon: 32, samples: 256 };
    const r = wallCrossing({ ...opts, rollout: ghost, rng: new Rng(1) });
    const still = wallCrossing({ ...opts, rollout: (s0) => tf.clone(s0), rng: new Rng(1) });
    // The ghost ends windows inside walls and beyond the map, where the true dynamics never are.
    expect(r.imaginedInWall).toBeGreaterThan(0.2);
    expect(still.imaginedInWall).toBe(0);
    expect(r.probeInWall).toBe(0);
    expect(r.probeMismatch).toBe(0);
    expect(r.imaginedMismatch).toBe(r.modelOnlyMismatch);
    expect(r.crossed).toBe(still.crossed);
  });

  it("decodes a trained level 1 with an MLP probe: it beats standing still, is seeded and leaks nothing", async () => {
    const trained = toyConfig({
      train: { steps: 200, batchSize: 64, lr: 0.002 },
      model: { encoder: { type: "mlp", hidden: [64], dim: 8 }, predictor: { hidden: [64] } },
    });
    const { model } = await trainWorldModel({ config: trained, data });
    const probeOptions = { trainFrames: 1024, testFrames: 256, mlp: { hidden: [32, 32], steps: 400 } };
    const probe = fitStateProbe(data, model, new Rng(3), probeOptions);
    expect(probe.r2.mean).toBeGreaterThan(0.95);
    const opts = { data, env, encoder: model, decoder: probe, horizon: 8, samples: 128 };
    const imagine = (s0: tf.Tensor2D, actions: tf.Tensor3D) => model.rollout(s0, actions);
    let r: WallCrossingReport | null = null;
    await withLeakCheck(() => {
      r = wallCrossing({ ...opts, rollout: imagine, rng: new Rng(2) });
    });
    const report = r as unknown as WallCrossingReport;
    expect(wallCrossing({ ...opts, rollout: imagine, rng: new Rng(2) })).toEqual(report);
    const still = wallCrossing({ ...opts, rollout: (s0) => tf.clone(s0), rng: new Rng(2) });
    expect(formatWallCrossing(report)).toMatch(
      /^H=8: imagined end in another room \d+\.\d% \(probe on the true end /,
    );
    expect(report.imaginedError).toBeLessThan(still.imaginedError);
    expect(report.imaginedMismatch).toBeGreaterThanOrEqual(report.modelOnlyMismatch);
    // Without a decoder it fits its own probe and reports its held-out R^2.
    const own = wallCrossing({
      ...opts,
      decoder: undefined,
      probeOptions,
      rollout: imagine,
      rng: new Rng(2),
    });
    expect(own.probeR2).toBeGreaterThan(0.95);
    model.dispose();
  });
});
