import { describe, expect, it } from "vitest";
import { assertSeed, npRandom, Rng } from "./rng.ts";

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.float());
}

function meanStd(xs: number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
  return [m, Math.sqrt(v)];
}

/** Modified Bessel function of the first kind, by its power series (enough terms for kappa <= 10). */
function besselI(order: number, x: number): number {
  let sum = 0;
  let term = (x / 2) ** order / factorial(order);
  for (let k = 0; k < 60; k++) {
    sum += term;
    term *= (x / 2) ** 2 / ((k + 1) * (k + 1 + order));
  }
  return sum;
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

describe("Rng", () => {
  it("gives the same stream for the same seed and different streams for different seeds", () => {
    expect(draws(new Rng(42), 100)).toEqual(draws(new Rng(42), 100));
    const a = draws(new Rng(1), 100);
    const b = draws(new Rng(2), 100);
    expect(a.filter((v, i) => v === b[i]).length).toBe(0);
    // Seeds above 2^32 are distinct from their low 32 bits.
    expect(new Rng(2 ** 32 + 1).float()).not.toBe(new Rng(1).float());
  });

  it("draws floats in [0, 1) with mean 1/2 and variance 1/12", () => {
    const xs = draws(new Rng(7), 50_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const [m, s] = meanStd(xs);
    expect(m).toBeCloseTo(0.5, 2);
    expect(s).toBeCloseTo(Math.sqrt(1 / 12), 2);
    const u = new Rng(7).uniform(-3, -1);
    expect(u).toBeGreaterThanOrEqual(-3);
    expect(u).toBeLessThan(-1);
  });

  it("draws integers in [low, high) uniformly (chi-square on 10 buckets)", () => {
    const rng = new Rng(2024);
    const n = 100_000;
    const counts = new Array(10).fill(0);
    for (let i = 0; i < n; i++) counts[rng.int(10)]++;
    const expected = n / 10;
    const chi2 = counts.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
    // 99.9th percentile of chi-square with 9 degrees of freedom.
    expect(chi2).toBeLessThan(27.88);
    for (let i = 0; i < 1000; i++) {
      const v = rng.int(-3, 4);
      expect(Number.isInteger(v) && v >= -3 && v < 4).toBe(true);
    }
    const big = rng.int(0, 2 ** 40);
    expect(big >= 0 && big < 2 ** 40 && Number.isInteger(big)).toBe(true);
    expect(() => rng.int(5, 5)).toThrow(/low < high/);
    expect(() => rng.int(0.5, 3)).toThrow(/integers/);
  });

  it("draws normals with the requested mean and std, and exponentials with mean 1/rate", () => {
    const rng = new Rng(3);
    const [m, s] = meanStd(Array.from({ length: 100_000 }, () => rng.normal(3, 2)));
    expect(Math.abs(m - 3)).toBeLessThan(0.03);
    expect(Math.abs(s - 2)).toBeLessThan(0.03);
    const [me] = meanStd(Array.from({ length: 100_000 }, () => rng.exponential(4)));
    expect(Math.abs(me - 0.25)).toBeLessThan(0.005);
  });

  it("keeps truncated normals inside [low, high], also when the interval is far in the tail", () => {
    const rng = new Rng(11);
    const xs = Array.from({ length: 20_000 }, () => rng.truncNormal(0, 1, -0.5, 1));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    // The density is symmetric about 0 and the interval is not: the mean is positive.
    expect(meanStd(xs)[0]).toBeGreaterThan(0.1);
    const tail = Array.from({ length: 20 }, () => rng.truncNormal(0, 1, 40, 41));
    expect(tail.every((x) => x >= 40 && x <= 41)).toBe(true);
    expect(() => rng.truncNormal(0, 1, 2, 1)).toThrow(/low <= high/);
  });

  it("draws von Mises angles with mean direction mu and mean resultant length I1(k)/I0(k)", () => {
    const rng = new Rng(5);
    for (const [mu, kappa] of [
      [1, 2],
      [-2.5, 8],
      [3, 0.5],
    ] as const) {
      let c = 0;
      let s = 0;
      let outside = 0;
      const n = 40_000;
      for (let i = 0; i < n; i++) {
        const t = rng.vonMises(mu, kappa);
        if (!(t > -Math.PI && t <= Math.PI)) outside++;
        c += Math.cos(t);
        s += Math.sin(t);
      }
      expect(outside).toBe(0);
      const meanDir = Math.atan2(s, c);
      const r = Math.hypot(c, s) / n;
      expect(Math.abs(Math.atan2(Math.sin(meanDir - mu), Math.cos(meanDir - mu)))).toBeLessThan(0.03);
      expect(Math.abs(r - besselI(1, kappa) / besselI(0, kappa))).toBeLessThan(0.01);
    }
    // kappa -> 0 is the uniform distribution on the circle: mean resultant length ~ 0.
    let c = 0;
    for (let i = 0; i < 20_000; i++) c += Math.cos(rng.vonMises(0, 0));
    expect(Math.abs(c / 20_000)).toBeLessThan(0.02);
  });

  it("bernoulli, choice and shuffle", () => {
    const rng = new Rng(9);
    let hits = 0;
    for (let i = 0; i < 20_000; i++) hits += rng.bernoulli(0.3) ? 1 : 0;
    expect(Math.abs(hits / 20_000 - 0.3)).toBeLessThan(0.015);
    expect(["a", "b", "c"]).toContain(rng.choice(["a", "b", "c"]));
    expect(() => rng.choice([])).toThrow(/non-empty/);
    const arr = Array.from({ length: 20 }, (_, i) => i);
    const shuffled = rng.shuffle([...arr]);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(arr);
    expect(shuffled).not.toEqual(arr);
  });

  it("spawns children that are reproducible and independent of each other", () => {
    const [a1, b1] = new Rng(100).spawn(2) as [Rng, Rng];
    const [a2, b2] = new Rng(100).spawn(2) as [Rng, Rng];
    const a1Draws = draws(a1, 50);
    expect(a1Draws).toEqual(draws(a2, 50));
    // Drawing from a child does not move its sibling: b1 (after a1 drew) equals b2 (untouched sibling).
    expect(draws(b1, 50)).toEqual(draws(b2, 50));
    expect(a1Draws).not.toEqual(draws(new Rng(100).spawn(2)[1] as Rng, 50));
    // Children differ from the parent's own continuation.
    const parent = new Rng(100);
    const child = parent.spawn();
    expect(draws(child, 20)).not.toEqual(draws(parent, 20));
    // Low correlation between sibling streams.
    const [x, y] = new Rng(1).spawn(2) as [Rng, Rng];
    const xs = draws(x, 20_000);
    const ys = draws(y, 20_000);
    const [mx, sx] = meanStd(xs);
    const [my, sy] = meanStd(ys);
    const corr =
      xs.reduce((acc, v, i) => acc + (v - mx) * ((ys[i] as number) - my), 0) / (xs.length * sx * sy);
    expect(Math.abs(corr)).toBeLessThan(0.03);
  });

  it("round-trips its state through state()/fromState(), JSON and clone(), including the cached normal", () => {
    const rng = new Rng(77);
    rng.normal(); // leaves the second Box-Muller value cached
    const snapshot = JSON.parse(JSON.stringify(rng.state()));
    const copy = rng.clone();
    const restored = Rng.fromState(snapshot);
    const expected = [rng.normal(), rng.float(), rng.int(1000), rng.normal()];
    expect([copy.normal(), copy.float(), copy.int(1000), copy.normal()]).toEqual(expected);
    expect([restored.normal(), restored.float(), restored.int(1000), restored.normal()]).toEqual(expected);
    // Equal states compare equal whether fresh, advanced or restored.
    expect(Rng.fromState(new Rng(5).state()).state()).toEqual(new Rng(5).state());
    expect(restored.state()).toEqual(rng.state());
    expect(() =>
      Rng.fromState({ s: [1, 2, 3, 0.5] as [number, number, number, number], spare: null }),
    ).toThrow(/four 32-bit integers/);
  });

  it("nextSeed gives valid seeds and seeds are validated", () => {
    const rng = new Rng(0);
    for (let i = 0; i < 100; i++) expect(() => assertSeed(rng.nextSeed())).not.toThrow();
    expect(() => new Rng(-1)).toThrow(/non-negative integer/);
    expect(() => new Rng(1.5)).toThrow(/non-negative integer/);
    expect(() => assertSeed("3", "reset seed")).toThrow(/reset seed must be/);
  });

  it("npRandom uses the given seed, or draws one from entropy", () => {
    const { rng, seed } = npRandom(12);
    expect(seed).toBe(12);
    expect(rng.float()).toBe(new Rng(12).float());
    const fresh = npRandom();
    expect(Number.isSafeInteger(fresh.seed)).toBe(true);
    expect(fresh.rng.float()).toBe(new Rng(fresh.seed).float());
    expect(npRandom(null).seed).not.toBe(npRandom(null).seed);
  });
});

describe("Rng.derive", () => {
  it("gives the same stream for the same parent state and name, without advancing the parent", () => {
    const parent = new Rng(5);
    const before = parent.state();
    const a = parent.derive("hazard");
    expect(parent.state()).toEqual(before);
    const b = new Rng(5).derive("hazard");
    expect(Array.from({ length: 8 }, () => a.nextUint32())).toEqual(
      Array.from({ length: 8 }, () => b.nextUint32()),
    );
  });

  it("gives unrelated streams for different names and different parents", () => {
    const draw = (r: Rng) => Array.from({ length: 4 }, () => r.nextUint32());
    const p = new Rng(5);
    expect(draw(p.derive("hazard"))).not.toEqual(draw(p.derive("landmarks")));
    expect(draw(new Rng(5).derive("x"))).not.toEqual(draw(new Rng(6).derive("x")));
    expect(draw(p.derive("hazard"))).not.toEqual(draw(p.clone()));
  });
});
