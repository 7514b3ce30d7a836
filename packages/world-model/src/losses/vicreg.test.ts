import { expectArraysClose, initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { covarianceLoss, varianceLoss } from "./vicreg.ts";

describe.each(["cpu", "wasm"] as const)("VICReg terms on %s", (backend) => {
  beforeAll(async () => {
    await initTensors({ backend });
  });

  const read = (f: () => tf.Scalar): number => {
    const t = tf.tidy(f);
    const v = t.dataSync()[0];
    t.dispose();
    return v;
  };

  it("variance loss matches a hand computation (unbiased variance, eps inside the sqrt)", async () => {
    await withLeakCheck(() => {
      // Column 0 = [0, 1, 0, 1]: unbiased variance 1/3. Column 1 is constant: variance 0, std sqrt(eps).
      const z = tf.tensor2d([0, 0, 1, 0, 0, 0, 1, 0], [4, 2]);
      const expected = (1 - Math.sqrt(1 / 3 + 1e-4) + (1 - Math.sqrt(1e-4))) / 2;
      expect(read(() => varianceLoss(z))).toBeCloseTo(expected, 6);
      expect(read(() => varianceLoss(z, { gamma: 0.5 }))).toBeCloseTo((0.5 - 0.01) / 2, 6);
      expect(read(() => varianceLoss(z, { eps: 0 }))).toBeCloseTo((1 - Math.sqrt(1 / 3) + 1) / 2, 6);
      z.dispose();
    });
  });

  it("variance loss is zero when every std is above gamma", () => {
    const z = tf.tensor2d([1, 1, 1, -1, -1, 1, -1, -1], [4, 2]); // unbiased std sqrt(4/3) > 1
    expect(read(() => varianceLoss(z))).toBe(0);
    z.dispose();
  });

  it("covariance loss matches a hand computation", () => {
    // Columns [1, 2, 3] and [2, 4, 6]: variances 1 and 4, covariance 2; off-diagonal squares 2 * 4 = 8, / d = 4.
    const z = tf.tensor2d([1, 2, 2, 4, 3, 6], [3, 2]);
    expect(read(() => covarianceLoss(z))).toBeCloseTo(4, 5);
    const decorrelated = tf.tensor2d([1, 1, 1, -1, -1, 1, -1, -1], [4, 2]);
    expect(read(() => covarianceLoss(decorrelated))).toBeCloseTo(0, 7);
    z.dispose();
    decorrelated.dispose();
  });

  it("covariance loss of three features matches the formula sum_{i!=j} C_ij^2 / d", () => {
    const values = [0.5, -1, 2, 1.5, 0, -0.5, -2, 1, 1, 0, 3, -1, 1, -1, 0.25];
    const n = 5;
    const d = 3;
    const mean = [0, 0, 0];
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += values[i * d + j] / n;
    let off = 0;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        if (a === b) continue;
        let c = 0;
        for (let i = 0; i < n; i++) c += (values[i * d + a] - mean[a]) * (values[i * d + b] - mean[b]);
        off += (c / (n - 1)) ** 2;
      }
    }
    const z = tf.tensor2d(values, [n, d]);
    expect(read(() => covarianceLoss(z))).toBeCloseTo(off / d, 5);
    z.dispose();
  });

  it("a rank-3 [N, T, d] input is the same as its [N*T, d] flattening", async () => {
    await withLeakCheck(() => {
      const values = Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 3)));
      const z3 = tf.tensor3d(values, [2, 4, 3]);
      const z2 = tf.tensor2d(values, [8, 3]);
      expect(read(() => varianceLoss(z3))).toBeCloseTo(
        read(() => varianceLoss(z2)),
        6,
      );
      expect(read(() => covarianceLoss(z3))).toBeCloseTo(
        read(() => covarianceLoss(z2)),
        5,
      );
      tf.dispose([z3, z2]);
    });
  });

  it("gives a finite gradient at total collapse that spreads the samples apart", async () => {
    await withLeakCheck(() => {
      const z = tf.tensor2d([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [3, 2]);
      const g = tf.grad((x: tf.Tensor) => varianceLoss(x))(z);
      expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      // All samples equal: the centred values are zero, so the gradient is zero too (a stationary point).
      expectArraysClose(g, new Float32Array(6), 1e-6);
      const spread = tf.tensor2d([0.5, 0.5, 0.51, 0.5, 0.49, 0.5], [3, 2]);
      const gsTensor = tf.grad((x: tf.Tensor) => varianceLoss(x))(spread);
      const gs = gsTensor.dataSync();
      // Descent (minus the gradient) pushes the larger sample up and the smaller down.
      expect(gs[2]).toBeLessThan(0);
      expect(gs[4]).toBeGreaterThan(0);
      tf.dispose([z, g, spread, gsTensor]);
    });
  });

  it("rejects bad shapes and options with messages that name them", () => {
    const v = tf.tensor1d([1, 2, 3]);
    const one = tf.tensor2d([1, 2], [1, 2]);
    expect(() => varianceLoss(v)).toThrow(
      /varianceLoss: z must have shape \[N, d\] or \[N, T, d\] \(got shape \[3\]\)/,
    );
    expect(() => covarianceLoss(one)).toThrow(/covarianceLoss: z needs at least 2 sample/);
    expect(() => varianceLoss(one, { eps: -1 })).toThrow(/eps must be a finite number >= 0/);
    tf.dispose([v, one]);
  });
});
