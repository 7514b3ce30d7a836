import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { clipByGlobalNorm } from "./clip.ts";

describe.each(["cpu", "wasm"] as const)("clipByGlobalNorm on %s", (backend) => {
  beforeAll(async () => {
    await initTensors({ backend });
  });

  // Global norm sqrt(3^2 + 4^2 + 12^2) = 13.
  const make = () => ({ a: tf.tensor1d([3, 4]), b: tf.tensor2d([12], [1, 1]) });

  it("reports the norm before clipping and scales every gradient by maxNorm / norm", async () => {
    await withLeakCheck(() => {
      const grads = make();
      const { grads: out, norm } = clipByGlobalNorm(grads, 6.5);
      expect(norm).toBeCloseTo(13, 5);
      expect(Array.from(out.a.dataSync())).toEqual([1.5, 2]);
      expect(Array.from(out.b.dataSync())).toEqual([6]);
      expect(out.b.shape).toEqual([1, 1]);
      const after = Math.hypot(...out.a.dataSync(), ...out.b.dataSync());
      expect(after).toBeCloseTo(6.5, 5);
      tf.dispose([grads.a, grads.b, out.a, out.b]);
    });
  });

  it("leaves gradients under maxNorm, or with maxNorm <= 0 or Infinity, unchanged (as new tensors)", async () => {
    await withLeakCheck(() => {
      const grads = make();
      for (const maxNorm of [13.5, 0, -1, Number.POSITIVE_INFINITY]) {
        const { grads: out, norm } = clipByGlobalNorm(grads, maxNorm);
        expect(norm).toBeCloseTo(13, 5);
        expect(out.a).not.toBe(grads.a);
        expect(Array.from(out.a.dataSync())).toEqual([3, 4]);
        expect(Array.from(out.b.dataSync())).toEqual([12]);
        tf.dispose([out.a, out.b]);
      }
      tf.dispose([grads.a, grads.b]);
    });
  });

  it("returns a non-finite norm and unscaled gradients when a gradient is not finite", () => {
    const grads = { a: tf.tensor1d([1, Number.NaN]) };
    const { grads: out, norm } = clipByGlobalNorm(grads, 1);
    expect(Number.isNaN(norm)).toBe(true);
    expect(out.a.dataSync()[0]).toBe(1);
    tf.dispose([grads.a, out.a]);
  });

  it("gives norm 0 for no gradients and rejects a NaN maxNorm", () => {
    expect(clipByGlobalNorm({}, 1)).toEqual({ grads: {}, norm: 0 });
    expect(() => clipByGlobalNorm({}, Number.NaN)).toThrow(/maxNorm must be a number \(got NaN\)/);
  });
});
