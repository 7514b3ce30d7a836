import { describe, expect, it } from "vitest";
import { benchConvTrainStep, benchMatmul, benchTrainStep } from "./bench.ts";
import { wasmPatchesInstalled } from "./kernels/wasmPatches.ts";
import { tf } from "./tf.ts";

describe("benchmarks (smoke: shapes of the results, not speed)", () => {
  it("report matmul GFLOP/s per transpose and restore backend, patches and tensor count", async () => {
    const rows = await benchMatmul("wasm", [16, [8, 4, 2]], { minMs: 1, wasmPatches: false });
    expect(rows.map((r) => [r.size, r.transposeA, r.transposeB])).toEqual([
      [[16, 16, 16], false, false],
      [[16, 16, 16], true, false],
      [[16, 16, 16], false, true],
      [[8, 4, 2], false, false],
      [[8, 4, 2], true, false],
      [[8, 4, 2], false, true],
    ]);
    expect(rows.every((r) => r.gflops > 0 && r.msPerOp > 0 && !r.wasmPatches)).toBe(true);
    expect(wasmPatchesInstalled()).toBe(true);
    expect(tf.memory().numTensors).toBe(0);
  });

  it("report ms per training step for the MLP and the CNN, and name what stock wasm cannot run", async () => {
    const mlp = await benchTrainStep("cpu", { sizes: [2, 8, 3], batch: 4, minMs: 1 });
    expect(mlp.msPerStep).toBeGreaterThan(0);
    const cnn = await benchConvTrainStep("wasm", { batch: 2, minMs: 1 });
    expect(cnn.msPerStep).toBeGreaterThan(0);
    const stock = await benchConvTrainStep("wasm", { batch: 2, minMs: 1, wasmPatches: false });
    expect(stock.error).toBe("kernels not registered for 'wasm': Conv2DBackpropFilter");
    expect(tf.memory().numTensors).toBe(0);
  });
});
