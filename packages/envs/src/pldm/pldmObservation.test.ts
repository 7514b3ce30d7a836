import { Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { pldmGeometry } from "./pldmGeometry.ts";
import { drawPLDMDot, PLDM_DOT_STD, pldmWallMask, renderPLDMObs } from "./pldmObservation.ts";

const g = pldmGeometry();
const N = 65;
const at = (obs: Uint8Array, i: number, j: number, c: number) => obs[(i * N + j) * 2 + c];

describe("PLDM observation", () => {
  it("draws the wall channel exactly as the spec: borders 4 and 60, columns 31..33 outside rows 6..14", () => {
    const obs = renderPLDMObs(g, 20, 30, pldmWallMask(g));
    let count = 0;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const border = i === 4 || i === 60 || j === 4 || j === 60;
        const middle = j >= 31 && j <= 33 && (i < 6 || i > 14);
        expect(at(obs, i, j, 1)).toBe(border || middle ? 255 : 0);
        if (border || middle) count++;
      }
    }
    // 2 full rows + 2 full columns (130 + 126) + 3 middle columns over 56 rows minus the 6 border crossings.
    expect(count).toBe(418);
    expect([
      at(obs, 5, 32, 1),
      at(obs, 6, 32, 1),
      at(obs, 14, 33, 1),
      at(obs, 15, 31, 1),
      at(obs, 0, 32, 1),
    ]).toEqual([255, 0, 0, 255, 255]);
  });

  it("draws the agent dot as trunc(255 exp(-d^2 / (2 1.3^2))) with pixel (i, j) at x = j, y = i", () => {
    const obs = renderPLDMObs(g, 20, 30, pldmWallMask(g));
    expect(at(obs, 30, 20, 0)).toBe(255);
    expect(at(obs, 30, 21, 0)).toBe(189); // d^2 = 1
    expect(at(obs, 29, 20, 0)).toBe(189);
    expect(at(obs, 31, 21, 0)).toBe(141); // d^2 = 2
    expect(at(obs, 32, 20, 0)).toBe(78); // d^2 = 4
    expect(at(obs, 30, 23, 0)).toBe(17); // d^2 = 9
    expect(at(obs, 30, 24, 0)).toBe(2); // d^2 = 16
    expect(at(obs, 30, 25, 0)).toBe(0);
    const half = renderPLDMObs(g, 20.5, 30, pldmWallMask(g));
    expect([at(half, 30, 20, 0), at(half, 30, 21, 0), at(half, 31, 21, 0)]).toEqual([236, 236, 176]);
    let sum = 0;
    for (let k = 0; k < N * N; k++) sum += obs[2 * k] as number;
    // About 255 * 2 pi 1.3^2 (the Gaussian's mass), less the truncation.
    expect(sum).toBeGreaterThan(2500);
    expect(sum).toBeLessThan(2 * Math.PI * 1.69 * 255);
  });
});

describe("windowed dot rendering", () => {
  it("equals a full pass of PLDM's formula over every pixel", () => {
    const rng = new Rng(7);
    const inv = 1 / (2 * PLDM_DOT_STD * PLDM_DOT_STD);
    let mismatches = 0;
    for (let k = 0; k < 200; k++) {
      const x = rng.uniform(-3, 68);
      const y = rng.uniform(-3, 68);
      const fast = new Uint8Array(65 * 65 * 2);
      drawPLDMDot(g, x, y, fast);
      for (let i = 0; i < 65; i++) {
        for (let j = 0; j < 65; j++) {
          const v = 255 * Math.exp(-((j - x) ** 2 + (i - y) ** 2) * inv);
          if (fast[(i * 65 + j) * 2] !== Math.trunc(Math.min(255, Math.max(0, v)))) mismatches++;
        }
      }
    }
    expect(mismatches).toBe(0);
  });
});
