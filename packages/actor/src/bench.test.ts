import { initTensors, withLeakCheck } from "@hjepa/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { benchPlanner } from "./bench.ts";
import "./index.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

describe("benchPlanner", () => {
  it("times every built-in planner on a random residual-MLP predictor without leaking", async () => {
    for (const name of ["cem", "mppi", "gradient", "categorical-cem", "beam"]) {
      const ms = await withLeakCheck(() =>
        benchPlanner(name, {
          candidates: 8,
          horizon: 4,
          dim: 16,
          iterations: 2,
          plans: 2,
          warmup: 1,
          hidden: [16],
        }),
      );
      expect(ms).toBeGreaterThan(0);
      expect(Number.isFinite(ms)).toBe(true);
    }
  });
});
