import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "./backend.ts";
import { fans, glorotUniform, heNormal, heUniform, normal, uniform, zeros } from "./init.ts";
import { valuesOn } from "./testing.ts";
import { tf } from "./tf.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

function stats(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let sq = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    sq += values[i] * values[i];
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(sq / values.length - mean * mean), min, max };
}

describe("fans", () => {
  it("follows the Keras convention for vectors, matrices and conv filters", () => {
    expect(fans([])).toEqual({ fanIn: 1, fanOut: 1 });
    expect(fans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(fans([64, 32])).toEqual({ fanIn: 64, fanOut: 32 });
    expect(fans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
  });
});

describe("seeded initialisers", () => {
  it("give bit-identical values on wasm and cpu for the same seed, and differ for another seed", async () => {
    const make = (seed: number) => () => {
      const rng = new Rng(seed);
      return tf.concat([
        tf.reshape(glorotUniform([16, 8], rng), [-1]),
        tf.reshape(heNormal([3, 3, 4, 8], rng), [-1]),
        tf.reshape(heUniform([10, 5], rng), [-1]),
        normal([20], rng, { mean: 1, std: 2 }),
        uniform([20], rng, { low: -3, high: 3 }),
      ]);
    };
    const wasm = await valuesOn("wasm", make(7));
    const cpu = await valuesOn("cpu", make(7));
    const other = await valuesOn("cpu", make(8));
    expect(Array.from(wasm.values)).toEqual(Array.from(cpu.values));
    expect(Array.from(other.values)).not.toEqual(Array.from(cpu.values));
  });

  it("have the documented ranges and spreads", () => {
    const rng = new Rng(0);
    const g = glorotUniform([200, 100], rng);
    const gs = stats(g.dataSync());
    const limit = Math.sqrt(6 / 300);
    expect(gs.max).toBeLessThanOrEqual(limit);
    expect(gs.min).toBeGreaterThanOrEqual(-limit);
    expect(gs.std).toBeCloseTo(limit / Math.sqrt(3), 3);
    const h = heNormal([3, 3, 32, 64], rng);
    expect(stats(h.dataSync()).std).toBeCloseTo(Math.sqrt(2 / 288), 2);
    const hu = heUniform([500, 10], rng);
    expect(stats(hu.dataSync()).max).toBeLessThanOrEqual(Math.sqrt(6 / 500));
    const nrm = normal([20000], rng, { mean: 3, std: 0.5 });
    const ns = stats(nrm.dataSync());
    expect(ns.mean).toBeCloseTo(3, 1);
    expect(ns.std).toBeCloseTo(0.5, 2);
    const z = zeros([2, 3]);
    expect(Array.from(z.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(z.dtype).toBe("float32");
    tf.dispose([g, h, hu, nrm, z]);
  });

  it("reject bad shapes and parameters with a clear message", () => {
    const rng = new Rng(0);
    expect(() => glorotUniform([2, 1.5], rng)).toThrow(
      /glorotUniform: shape must be non-negative integers \(got \[2,1.5\]\)/,
    );
    expect(() => heNormal([0, 4], rng)).toThrow(/heNormal: shape \[0,4\] has a zero fan/);
    expect(() => normal([2], rng, { std: -1 })).toThrow(/std must be >= 0 \(got -1\)/);
    expect(() => uniform([2], rng, { low: 1, high: 0 })).toThrow(/needs low <= high \(got 1, 0\)/);
  });
});
