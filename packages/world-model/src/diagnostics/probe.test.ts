import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { fitLinearProbe, linearProbeR2, r2 } from "./probe.ts";

/** x [n, dx] Gaussian with column scales and offsets (so standardisation matters); y = x W + b + noise. */
function linearData(n: number, dx: number, dy: number, rng: Rng, noise: number, w: number[], b: number[]) {
  const x = new Float64Array(n * dx);
  const y = new Float64Array(n * dy);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dx; j++) x[i * dx + j] = (1 + 10 * j) * rng.normal() + 5 * j;
    for (let k = 0; k < dy; k++) {
      let v = b[k] + noise * rng.normal();
      for (let j = 0; j < dx; j++) v += x[i * dx + j] * w[j * dy + k];
      y[i * dy + k] = v;
    }
  }
  return { x, y };
}

describe("r2", () => {
  it("matches a hand computation and handles constant targets without NaN", () => {
    // Target [1, 2, 3] (SS_tot 2), predictions [1, 2, 4] (SS_res 1): R^2 = 0.5. Constant column hit exactly: 1.
    const s = r2([1, 5, 2, 5, 3, 5], [1, 5, 2, 5, 4, 5], 3, 2);
    expect(Array.from(s.perDim)).toEqual([0.5, 1]);
    expect(s.mean).toBe(0.75);
    expect(r2([5, 5], [5, 6], 2, 1).mean).toBe(0);
  });
});

describe("fitLinearProbe", () => {
  const dx = 6;
  const dy = 2;
  const w = [0.5, -1, 2, 0, -0.3, 0.7, 0.05, 0.01, 0, 1, 1.5, -0.2];
  const b = [3, -7];

  it("recovers a known linear map (R^2 > 0.999 held out, weights in input units)", () => {
    const rng = new Rng(1);
    const train = linearData(2000, dx, dy, rng, 0.01, w, b);
    const test = linearData(500, dx, dy, rng, 0.01, w, b);
    // Nearly unregularised, the fit is least squares and recovers the weights themselves.
    const exact = fitLinearProbe(train.x, train.y, 2000, dx, dy, { ridge: 1e-9 });
    for (let i = 0; i < dx * dy; i++) expect(Math.abs(exact.weights[i] - w[i])).toBeLessThan(1e-3);
    expect(Math.abs(exact.bias[0] - b[0])).toBeLessThan(0.01);
    expect(Math.abs(exact.bias[1] - b[1])).toBeLessThan(0.01);
    // The default ridge shrinks standardised weights by ~0.1%, which leaves R^2 above 0.999.
    const probe = fitLinearProbe(train.x, train.y, 2000, dx, dy);
    const score = r2(test.y, probe.predict(test.x, 500), 500, dy);
    expect(score.mean).toBeGreaterThan(0.999);
    expect(linearProbeR2(train.x, train.y, test.x, test.y, dx, dy).mean).toBeCloseTo(score.mean, 12);
  });

  it("gives held-out R^2 ~ 0 on targets that are pure noise", () => {
    const rng = new Rng(2);
    const make = (n: number) => ({
      x: Float32Array.from({ length: n * 8 }, () => rng.normal()),
      y: Float32Array.from({ length: n }, () => rng.normal()),
    });
    const train = make(2000);
    const test = make(1000);
    const score = linearProbeR2(train.x, train.y, test.x, test.y, 8, 1);
    expect(Math.abs(score.mean)).toBeLessThan(0.02);
  });

  it("copes with a constant input (ridge) and fails clearly without ridge on collinear inputs", () => {
    const n = 50;
    const x = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = i;
      x[i * 2 + 1] = 4;
      y[i] = 2 * i + 1;
    }
    const probe = fitLinearProbe(x, y, n, 2, 1);
    expect(probe.weights[1]).toBe(0);
    expect(r2(y, probe.predict(x, n), n, 1).mean).toBeGreaterThan(0.999);
    const collinear = Float64Array.from({ length: n * 2 }, (_, i) => Math.floor(i / 2));
    expect(() => fitLinearProbe(collinear, y, n, 2, 1, { ridge: 0 })).toThrow(
      /normal equations are singular at input 1 .* expected ridge > 0/,
    );
  });

  it("rejects mismatched sizes with messages that name the array", () => {
    expect(() => fitLinearProbe(new Float64Array(6), new Float64Array(2), 3, 2, 1)).toThrow(
      /fitLinearProbe: y has 2 values; expected n \* d = 3 \* 1 = 3/,
    );
    expect(() => linearProbeR2(new Float64Array(5), [1], [1, 2], [1], 2, 1)).toThrow(
      /linearProbeR2: trainX has 5 values; expected a positive multiple of 2/,
    );
  });
});
