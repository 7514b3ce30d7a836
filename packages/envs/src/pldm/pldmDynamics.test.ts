import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { dataStep, evalStep } from "./pldmDynamics.ts";
import { isFreeState, isInWall, pldmGeometry, sampleFreePosition } from "./pldmGeometry.ts";

const g = pldmGeometry();

/** The two bounce noises the next eval step will draw from `rng` (without advancing it). */
function peekNoise(rng: Rng): [number, number] {
  const c = rng.clone();
  return [c.normal(0, 0.5), c.normal(0, 0.5)];
}

describe("PLDM eval dynamics", () => {
  it("moves by the action in free space, without noise", () => {
    const rng = new Rng(1);
    const before = rng.state();
    expect(evalStep(g, [20, 20], [1.5, -1], rng)).toEqual([21.5, 19]);
    expect(rng.state()).toEqual(before);
  });

  it("passes through the door", () => {
    const rng = new Rng(2);
    let p: [number, number] = [29, 10];
    for (let t = 0; t < 3; t++) p = evalStep(g, p, [1.8, 0], rng);
    expect(p[0]).toBeCloseTo(34.4, 12);
    expect(p[1]).toBe(10);
  });

  it("bounces off the middle wall back into the room with half-normal noise along the normal", () => {
    const back: number[] = [];
    const along: number[] = [];
    for (let s = 0; s < 2000; s++) {
      const rng = new Rng(s);
      const [nx, ny] = peekNoise(rng);
      const [x, y] = evalStep(g, [30, 30], [1.5, 0], rng);
      expect(x).toBe(nx === 0 ? 30.7 : 31 - Math.abs(nx));
      expect(y).toBe(30 + ny);
      back.push(31 - x);
      along.push(y - 30);
    }
    const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;
    expect(mean(back)).toBeCloseTo(0.5 * Math.sqrt(2 / Math.PI), 1); // 0.399
    expect(Math.abs(mean(along))).toBeLessThan(0.05);
    // From the right room the normal points to +x.
    const rng = new Rng(3);
    const [nx] = peekNoise(rng);
    expect(evalStep(g, [34, 40], [-1.5, 0.5], rng)[0]).toBe(33 + Math.abs(nx));
  });

  it("bounces off the door frame back into the door, without clamping", () => {
    for (let s = 0; s < 50; s++) {
      const rng = new Rng(s);
      const [nx, ny] = peekNoise(rng);
      // Straight down into the lower wall: crossing y = 14 at x = 32.
      expect(evalStep(g, [32, 13.5], [0, 1.5], rng)).toEqual([32 + nx, 14 - Math.abs(ny)]);
      // Diagonal from the left room: crosses y = 14 at x = 31.5, before reaching x = 31's wall part.
      const r2 = new Rng(s);
      expect(evalStep(g, [30.5, 13], [1.5, 1.5], r2)).toEqual([31.5 + nx, 14 - Math.abs(ny)]);
      // Up into the upper stub: crosses y = 6 at x = 32 + 0.3 * 0.5 / 1.2.
      const r3 = new Rng(s);
      const [x, y] = evalStep(g, [32, 6.5], [0.3, -1.2], r3);
      expect(x).toBeCloseTo(32.125 + nx, 12);
      expect(y).toBe(6 + Math.abs(ny));
    }
  });

  it("clamps to 0.3 px inside a border line when the noise pushes past it", () => {
    let clamped = 0;
    for (let s = 0; s < 400; s++) {
      const rng = new Rng(s);
      const [nx, ny] = peekNoise(rng);
      // Corner: x = 4 is hit first (t = 1/3) at y = 4.5 - 1/3; y = 4 is also active.
      const [x, y] = evalStep(g, [4.5, 4.5], [-1.5, -1], rng);
      const yRaw = 4.5 - 1 / 3 + ny;
      expect(x).toBe(nx === 0 ? 4.3 : 4 + Math.abs(nx));
      expect(y).toBeCloseTo(yRaw <= 4 ? 4.3 : yRaw, 12);
      if (yRaw <= 4) clamped++;
      expect(isFreeState(g, x, y)).toBe(true);
    }
    // P(N(0, 0.5^2) < -1/6) = 0.37.
    expect(clamped / 400).toBeGreaterThan(0.3);
    expect(clamped / 400).toBeLessThan(0.45);
  });

  it("handles vertical moves exactly (no NaN), also from a state on a wall line", () => {
    const rng = new Rng(4);
    const [nx, ny] = peekNoise(rng);
    expect(evalStep(g, [20, 59], [0, 1.5], rng)).toEqual([20 + nx, 60 - Math.abs(ny)]);
    for (const start of [
      [31, 20],
      [33, 20],
      [4, 30],
    ] as const) {
      const p = evalStep(g, start, [0, 1], new Rng(5));
      expect(p.every(Number.isFinite)).toBe(true);
      expect(isFreeState(g, p[0], p[1])).toBe(true);
    }
  });

  it("never leaves the agent in the wall or outside the borders (random walks with random actions)", () => {
    const rng = new Rng(6);
    let inDoorBand = 0;
    for (let ep = 0; ep < 40; ep++) {
      let p = sampleFreePosition(g, rng);
      for (let t = 0; t < 1000; t++) {
        // Bias towards the wall so that many steps hit it or the door frame.
        const ax = rng.uniform(-1.8, 1.8) + (p[0] < 32 ? 0.4 : -0.4);
        const a: [number, number] = [Math.max(-1.8, Math.min(1.8, ax)), rng.uniform(-1.8, 1.8)];
        p = evalStep(g, p, a, rng);
        if (!isFreeState(g, p[0], p[1]))
          throw new Error(`left the free space at [${p}] (episode ${ep}, step ${t})`);
        if (p[0] >= 31 && p[0] <= 33) inDoorBand++;
      }
    }
    expect(inDoorBand).toBeGreaterThan(100);
  });
});

describe("PLDM dynamics near the door", () => {
  it("never end in the wall from any free start around the door, for a grid of actions", () => {
    const rng = new Rng(8);
    let n = 0;
    for (let x = 28.01; x <= 36; x += 0.29) {
      for (let y = 4.03; y <= 18; y += 0.29) {
        if (!isFreeState(g, x, y)) continue;
        for (let ax = -1.8; ax <= 1.8; ax += 0.3) {
          for (let ay = -1.8; ay <= 1.8; ay += 0.3) {
            const p = evalStep(g, [x, y], [ax, ay], rng);
            const q = dataStep(g, [x, y], [ax, ay]);
            if (!isFreeState(g, p[0], p[1]) || !isFreeState(g, q[0], q[1])) {
              throw new Error(`from [${x}, ${y}] by [${ax}, ${ay}]: eval [${p}], data [${q}]`);
            }
            n++;
          }
        }
      }
    }
    expect(n).toBeGreaterThan(100_000);
  });
});

describe("PLDM data dynamics", () => {
  const stays: [string, [number, number], [number, number]][] = [
    ["touches the left border", [4.5, 30], [-0.5, 0]],
    ["crosses the right border", [59, 30], [1.5, 0]],
    ["crosses the top border", [20, 4.6], [0.2, -1]],
    ["touches the bottom border", [20, 59], [0, 1]],
    ["crosses the lower door frame", [32, 13], [0, 1.5]],
    ["crosses the upper door frame", [31.5, 7], [0.5, -1.5]],
    ["crosses face x=31 below the door", [30, 20], [1.5, 0]],
    ["crosses face x=31 above the door", [30, 5], [1.5, 0]],
    ["crosses face x=33 from the right", [34, 40], [-1.5, 0.5]],
    ["touches face x=31 below the door", [30, 20], [1, 0]],
  ];
  for (const [what, p, a] of stays) {
    it(`stays in place when the step ${what}`, () => {
      expect(dataStep(g, p, a)).toEqual(p);
    });
  }

  it("moves freely otherwise, including through the door and onto the door frame's edge", () => {
    expect(dataStep(g, [20, 20], [0, 1])).toEqual([20, 21]);
    expect(dataStep(g, [30, 10], [1.5, 0])).toEqual([31.5, 10]);
    expect(dataStep(g, [32.5, 10], [1.5, 0.5])).toEqual([34, 10.5]);
    expect(dataStep(g, [32, 13], [0, 1])).toEqual([32, 14]);
  });

  it("keeps a free start out of the wall under random actions", () => {
    const rng = new Rng(7);
    for (let ep = 0; ep < 20; ep++) {
      let p = sampleFreePosition(g, rng);
      for (let t = 0; t < 1000; t++) {
        p = dataStep(g, p, [rng.uniform(-1.8, 1.8), rng.uniform(-1.8, 1.8)]);
        expect(isInWall(g, p[0], p[1]) || !isFreeState(g, p[0], p[1])).toBe(false);
      }
    }
  });
});
