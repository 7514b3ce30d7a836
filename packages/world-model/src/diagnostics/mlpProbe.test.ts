import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { fitMlpProbe, mlpProbeR2 } from "./mlpProbe.ts";
import { linearProbeR2 } from "./probe.ts";

/** x uniform in [-2, 2]^2 (plus a constant and a noise column), y = [x0^2 + x1^2, sin(2 x0) * x1]. */
function bowl(n: number, rng: Rng) {
  const x = new Float64Array(n * 4);
  const y = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-2, 2);
    const b = rng.uniform(-2, 2);
    x.set([a, b, 3, rng.normal()], i * 4);
    y.set([a * a + b * b, Math.sin(2 * a) * b], i * 2);
  }
  return { x, y };
}

describe("fitMlpProbe", () => {
  it("fits a nonlinear function that a linear probe cannot read (held-out R^2 0.98 vs ~0)", () => {
    const rng = new Rng(1);
    const train = bowl(2000, rng);
    const test = bowl(500, rng);
    const linear = linearProbeR2(train.x, train.y, test.x, test.y, 4, 2);
    const { r2, probe } = mlpProbeR2(train.x, train.y, test.x, test.y, 4, 2, new Rng(2));
    // Both targets are even in one input, so no straight line through them explains anything.
    expect(linear.mean).toBeLessThan(0.05);
    expect(r2.perDim[0]).toBeGreaterThan(0.98);
    expect(r2.perDim[1]).toBeGreaterThan(0.95);
    expect(probe.sizes).toEqual([4, 64, 64, 2]);
    expect(probe.trainLoss).toBeLessThan(0.02);
  });

  it("is reproduced exactly by its seed and predicts in the targets' units", () => {
    const rng = new Rng(3);
    const { x, y } = bowl(300, rng);
    const opts = { hidden: [16], steps: 300 };
    const a = fitMlpProbe(x, y, 300, 4, 2, new Rng(4), opts);
    const b = fitMlpProbe(x, y, 300, 4, 2, new Rng(4), opts);
    const c = fitMlpProbe(x, y, 300, 4, 2, new Rng(5), opts);
    expect(Array.from(b.predict(x, 300))).toEqual(Array.from(a.predict(x, 300)));
    expect(Array.from(c.predict(x, 300))).not.toEqual(Array.from(a.predict(x, 300)));
    // Shifting and scaling the targets moves the predictions the same way (standardised inside).
    const shifted = Float64Array.from(y, (v, i) => (i % 2 === 0 ? 100 + 10 * v : v));
    const s = fitMlpProbe(x, shifted, 300, 4, 2, new Rng(4), opts).predict(x, 300);
    const p = a.predict(x, 300);
    for (let i = 0; i < 20; i += 2) expect(s[i]).toBeCloseTo(100 + 10 * p[i], 6);
  });

  it("rejects bad shapes and options with the argument's name", () => {
    expect(() => fitMlpProbe([1, 2, 3], [1], 1, 2, 1, new Rng(0))).toThrow(
      "fitMlpProbe: x has 3 values; expected n * d = 1 * 2 = 2 (row-major)",
    );
    expect(() => fitMlpProbe([1, 2], [1], 1, 2, 1, new Rng(0), { hidden: [0] })).toThrow(
      "fitMlpProbe: hidden must be integers >= 1 (got [0])",
    );
    expect(() => mlpProbeR2([1, 2, 3], [1], [1, 2], [1], 2, 1, new Rng(0))).toThrow(
      "mlpProbeR2: trainX has 3 values; expected a positive multiple of 2",
    );
  });
});
