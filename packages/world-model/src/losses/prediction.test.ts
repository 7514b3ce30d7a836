import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { predictionLoss } from "./prediction.ts";

describe.each(["cpu", "wasm"] as const)("predictionLoss on %s", (backend) => {
  beforeAll(async () => {
    await initTensors({ backend });
  });

  it("is the mean elementwise error of each kind", async () => {
    await withLeakCheck(() => {
      const pred = tf.tensor2d([0, 1, 2, 3], [2, 2]);
      const target = tf.tensor2d([0, 0, 0, 0.5], [2, 2]); // errors 0, 1, 2, 2.5
      const value = (kind?: "mse" | "l1" | "smoothL1", beta?: number): number => {
        const loss = predictionLoss(pred, target, kind === undefined ? {} : { kind, beta });
        const v = loss.dataSync()[0];
        loss.dispose();
        return v;
      };
      expect(value("mse")).toBeCloseTo((0 + 1 + 4 + 6.25) / 4, 6);
      expect(value()).toBeCloseTo(11.25 / 4, 6);
      expect(value("l1")).toBeCloseTo((0 + 1 + 2 + 2.5) / 4, 6);
      // beta 1: |e| < 1 -> 0.5 e^2, else |e| - 0.5.
      expect(value("smoothL1")).toBeCloseTo((0 + 0.5 + 1.5 + 2) / 4, 6);
      // beta 4: all quadratic, 0.5 e^2 / 4.
      expect(value("smoothL1", 4)).toBeCloseTo((0.5 * 11.25) / 4 / 4, 6);
      tf.dispose([pred, target]);
    });
  });

  it("has gradients for every kind (smoothL1: e / beta inside beta, sign(e) outside)", async () => {
    await withLeakCheck(() => {
      const target = tf.tensor1d([0, 0, 0, 0]);
      const grad = tf.grad((p: tf.Tensor) => predictionLoss(p, target, { kind: "smoothL1", beta: 1 }));
      const p = tf.tensor1d([0.5, -0.25, 2, -3]);
      const g = grad(p);
      // d/dp mean(huber(p)) = huber'(p) / 4
      expect(Array.from(g.dataSync())).toEqual([0.5 / 4, -0.25 / 4, 1 / 4, -1 / 4]);
      tf.dispose([g, p, target]);
    });
  });

  it("rejects mismatched shapes and unknown kinds", () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3, 2]);
    expect(() => predictionLoss(a, b)).toThrow(/pred shape \[2, 3\] differs from target shape \[3, 2\]/);
    expect(() => predictionLoss(a, a, { kind: "huber" as "mse" })).toThrow(/unknown kind 'huber'/);
    tf.dispose([a, b]);
  });
});
