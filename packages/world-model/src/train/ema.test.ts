import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { emaTau, emaUpdate } from "./ema.ts";

describe.each(["cpu", "wasm"] as const)("emaUpdate on %s", (backend) => {
  beforeAll(async () => {
    await initTensors({ backend });
  });

  it("sets target = tau * target + (1 - tau) * online in place, leaving no tensors behind", async () => {
    const target = [tf.variable(tf.tensor1d([1, 2])), tf.variable(tf.tensor2d([0, -4], [2, 1]))];
    const online = [tf.variable(tf.tensor1d([3, 6])), tf.variable(tf.tensor2d([10, 4], [2, 1]))];
    const ids = target.map((v) => v.id);
    await withLeakCheck(() => {
      emaUpdate(target, online, 0.75);
    });
    expect(target.map((v) => v.id)).toEqual(ids);
    expect(Array.from(target[0].dataSync())).toEqual([1.5, 3]);
    expect(Array.from(target[1].dataSync())).toEqual([2.5, -2]);
    expect(Array.from(online[0].dataSync())).toEqual([3, 6]);
    emaUpdate(target, online, 1);
    expect(Array.from(target[0].dataSync())).toEqual([1.5, 3]);
    emaUpdate(target, online, 0);
    expect(Array.from(target[1].dataSync())).toEqual([10, 4]);
    tf.dispose([...target, ...online]);
  });

  it("rejects mismatched lists, shapes and tau outside [0, 1]", () => {
    const a = tf.variable(tf.zeros([2]));
    const b = tf.variable(tf.zeros([3]));
    expect(() => emaUpdate([a], [a, b], 0.5)).toThrow(/target has 1 variable\(s\) but online has 2/);
    expect(() => emaUpdate([a], [b], 0.5)).toThrow(
      /target\[0\] .* has shape \[2\] but online\[0\] has shape \[3\]/,
    );
    expect(() => emaUpdate([a], [a], 1.5)).toThrow(/tau must be a number in \[0, 1\] \(got 1.5\)/);
    tf.dispose([a, b]);
  });
});

describe("emaTau", () => {
  it("rises along a half cosine from start to end and stays at end", () => {
    const options = { start: 0.99, end: 1, totalSteps: 100 };
    expect(emaTau(0, options)).toBeCloseTo(0.99, 12);
    expect(emaTau(50, options)).toBeCloseTo(0.995, 12);
    expect(emaTau(25, options)).toBeCloseTo(1 - 0.01 * 0.5 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(emaTau(100, options)).toBe(1);
    expect(emaTau(1000, options)).toBe(1);
    expect(emaTau(0, { totalSteps: 10 })).toBeCloseTo(0.99, 12);
  });

  it("rejects bad options", () => {
    expect(() => emaTau(0, { totalSteps: 0 })).toThrow(/totalSteps must be an integer > 0 \(got 0\)/);
    expect(() => emaTau(0, { totalSteps: 5, start: 2 })).toThrow(
      /start must be a number in \[0, 1\] \(got 2\)/,
    );
  });
});
