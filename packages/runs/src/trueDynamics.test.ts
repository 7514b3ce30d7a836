import { evalStep, PLDMTwoRoomsEnv } from "@hjepa/envs";
import { InputError } from "@hjepa/errors";
import { experimentSchema } from "@hjepa/experiment";
import { initTensors, tf } from "@hjepa/tensor";
import { describePrimitiveActions } from "@hjepa/world-model";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { toyConfig } from "./testing.ts";
import { pldmTrueDynamics, TrueDynamicsWorldModel, trueDynamicsModel } from "./trueDynamics.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

function pldmModel(kwargs: Record<string, unknown>, seed = 1) {
  const env = new PLDMTwoRoomsEnv(kwargs);
  const model = new TrueDynamicsWorldModel(
    pldmTrueDynamics(env),
    [...env.observationSpace.shape],
    describePrimitiveActions(env.actionSpace),
    new Rng(seed),
  );
  return { env, model };
}

function pldmConfig(kwargs: Record<string, unknown>) {
  const toy = toyConfig();
  return experimentSchema.parse({ ...toy, env: { id: "hjepa/PLDMTwoRooms-v0", kwargs } });
}

describe("true-dynamics world model", () => {
  it("reads the agent's position back from PLDM's pixel observations within 0.05 px", () => {
    const { env, model } = pldmModel({ obsMode: "pixels" });
    const rng = new Rng(7);
    const states = Array.from({ length: 40 }, () => env.sampleFreeState(rng));
    const obs = new Int32Array(states.length * 65 * 65 * 2);
    states.forEach((s, i) => {
      obs.set(env.observe(s) as Uint8Array, i * 65 * 65 * 2);
    });
    const before = tf.memory().numTensors;
    const input = tf.tensor(obs, [states.length, 65, 65, 2], "int32");
    const z = model.encode(input);
    const got = z.arraySync();
    input.dispose();
    z.dispose();
    expect(tf.memory().numTensors).toBe(before);
    states.forEach((s, i) => {
      const [x, y] = got[i] as number[];
      expect(Math.hypot(x - (s[0] as number), y - (s[1] as number))).toBeLessThan(0.05);
    });
  });

  it("predicts every candidate with the env's own transition, bounces and their noise included", () => {
    const { env, model } = pldmModel({ obsMode: "state" }, 11);
    // A free move, a move into the middle wall (bounce with noise) and one into the top border.
    const s = [10, 30, 30, 40, 20, 5];
    const a = [1, -0.5, 1.8, 0, 0.3, -1.8];
    const before = tf.memory().numTensors;
    const st = tf.tensor2d(s, [3, 2]);
    const at = tf.tensor2d(a, [3, 2]);
    const next = model.levels[0].predict(st, at);
    const got = Array.from(next.dataSync());
    tf.dispose([st, at, next]);
    expect(tf.memory().numTensors).toBe(before);
    const rng = new Rng(11);
    const want = [0, 1, 2].flatMap((r) =>
      evalStep(
        env.geometry,
        [s[2 * r] as number, s[2 * r + 1] as number],
        [a[2 * r] as number, a[2 * r + 1] as number],
        rng,
      ),
    );
    expect(got[0]).toBeCloseTo(11, 5);
    expect(got[1]).toBeCloseTo(29.5, 5);
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i] as number, 4);
    // The wall and the border stop the dot: it stays on its side of both.
    expect(got[2]).toBeLessThan(31);
    expect(got[5]).toBeGreaterThan(4);
  });

  it("rolls a plan out step by step and cannot walk through the middle wall", () => {
    const { model } = pldmModel({ obsMode: "state" });
    const level = model.levels[0];
    const before = tf.memory().numTensors;
    const s0 = tf.tensor2d([10, 40, 10, 40], [2, 2]);
    // Candidate 0: 10 steps of +1 px in x; candidate 1: 30 steps of +1.8 px in x, into the wall.
    const h = 30;
    const acts = new Float32Array(2 * h * 2);
    for (let t = 0; t < h; t++) {
      acts[t * 2] = t < 10 ? 1 : 0;
      acts[(h + t) * 2] = 1.8;
    }
    const actions = tf.tensor3d(acts, [2, h, 2]);
    const traj = level.rollout(s0, actions);
    const out = traj.arraySync();
    tf.dispose([s0, actions, traj]);
    expect(tf.memory().numTensors).toBe(before);
    const first = out[0] as number[][];
    expect(first[9]?.[0]).toBeCloseTo(20, 4);
    expect(first[29]?.[0]).toBeCloseTo(20, 4);
    for (const p of out[1] as number[][]) expect(p[0]).toBeLessThan(31);
  });

  it("data dynamics keep a blocked move in place, as PLDM's data generator does", () => {
    const { model } = pldmModel({ obsMode: "state", dynamics: "data" });
    const st = tf.tensor2d([30, 40], [1, 2]);
    const at = tf.tensor2d([1.8, 0], [1, 2]);
    const next = model.levels[0].predict(st, at);
    expect(Array.from(next.dataSync())).toEqual([30, 40]);
    tf.dispose([st, at, next]);
  });

  it("is built from a run's config for PLDM Two-Rooms, and refused for an env without exposed dynamics", () => {
    const model = trueDynamicsModel(pldmConfig({ obsMode: "pixels" }));
    expect(model.obsShape).toEqual([65, 65, 2]);
    const level = model.levels[0];
    expect(level.dim).toBe(2);
    expect(level.costPerCall).toBe(1);
    expect(level.actions.kind).toBe("box");
    expect(() => trueDynamicsModel(toyConfig())).toThrow(InputError);
  });
});
