import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "./backend.ts";
import { tf } from "./tf.ts";
import { createToyMlp, toyBatch, toyLoss } from "./toyMlp.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

interface Run {
  initialWeights: Float32Array;
  losses: number[];
}

/** Trains a 2 -> 32 -> 32 -> 4 MLP with Adam for `steps` steps on `backend` from seed 42. */
async function train(backend: string, steps = 10): Promise<Run> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const rng = new Rng(42);
  const mlp = createToyMlp([2, 32, 32, 4], rng);
  const [x, y] = toyBatch(rng, 64, 2, 4);
  const optimizer = tf.train.adam(0.01);
  const initialWeights = Float32Array.from(mlp.params.flatMap((p) => Array.from(p.dataSync())));
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const cost = optimizer.minimize(() => toyLoss(mlp, x, y), true, mlp.params);
    losses.push(cost?.dataSync()[0] ?? Number.NaN);
    cost?.dispose();
  }
  optimizer.dispose();
  mlp.dispose();
  tf.dispose([x, y]);
  expect(tf.memory().numTensors).toBe(before);
  return { initialWeights, losses };
}

describe("determinism of a seeded training run", () => {
  it("repeats bit for bit on the same backend (wasm and cpu)", async () => {
    for (const backend of ["wasm", "cpu"]) {
      const a = await train(backend);
      const b = await train(backend);
      expect(b.losses).toEqual(a.losses);
      expect(a.losses[9]).toBeLessThan(a.losses[0]);
    }
  });

  it("starts from bit-identical weights on wasm and cpu, and stays within 1e-5 (not bit-exact) across them", async () => {
    const wasm = await train("wasm");
    const cpu = await train("cpu");
    expect(Array.from(wasm.initialWeights)).toEqual(Array.from(cpu.initialWeights));
    // The cpu backend sums dot products in float64 and rounds once; XNNPACK rounds in float32. The losses
    // therefore differ in the last bits from the first step on (measured: ~1e-7 relative over 10 steps).
    const rel = wasm.losses.map((l, i) => Math.abs(l - cpu.losses[i]) / Math.abs(cpu.losses[i]));
    expect(Math.max(...rel)).toBeLessThan(1e-5);
  });
});
