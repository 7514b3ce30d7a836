import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "../backend.ts";
import { normal } from "../init.ts";
import { expectBackendsClose, expectNoLeaks } from "../testing.ts";
import { tf } from "../tf.ts";
import { installWasmPatches, uninstallWasmPatches } from "./wasmPatches.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

type Case = [number[], number[], boolean, boolean];

/** Shapes of a and b as stored, and the transpose flags. */
const CASES: Case[] = [];
for (const [m, k, n] of [
  [1, 1, 1],
  [5, 7, 3],
  [33, 64, 17],
  [128, 96, 80],
  [256, 2, 256],
]) {
  for (const ta of [false, true]) {
    for (const tb of [false, true]) CASES.push([ta ? [k, m] : [m, k], tb ? [n, k] : [k, n], ta, tb]);
  }
}
// Batch dimensions: b broadcast, a broadcast, equal batches small and large, rank 4.
CASES.push(
  [[2, 3, 5, 7], [7, 4], false, false],
  [[2, 3, 7, 5], [4, 7], true, true],
  [[6, 9], [4, 9, 5], false, false],
  [[9, 6], [4, 5, 9], true, true],
  [[1, 5, 7], [3, 7, 2], false, false],
  [[3, 5, 7], [1, 2, 7], false, true],
  [[4, 8, 6], [4, 8, 3], true, false],
  [[4, 40, 50], [4, 50, 60], false, false],
  [[4, 50, 40], [4, 60, 50], true, true],
  [[2, 2, 33, 40], [2, 2, 40, 35], false, false],
);

function product([sa, sb, ta, tb]: Case, seed: number): () => tf.Tensor {
  return () => {
    const rng = new Rng(seed);
    return tf.matMul(normal(sa, rng), normal(sb, rng), ta, tb);
  };
}

describe("patched wasm BatchMatMul", () => {
  it("matches the cpu backend within 1e-5 for every shape, transpose and batch layout", async () => {
    for (const [i, c] of CASES.entries()) {
      await expectBackendsClose("wasm", product(c, i), {
        what: `matMul [${c[0]}]x[${c[1]}] tA=${c[2]} tB=${c[3]}`,
      });
    }
  });

  it("gives the same numbers as the stock wasm kernel and leaks no tensor or wasm buffer", async () => {
    tf.env().set("IS_TEST", true); // the engine then also checks each kernel for leaked data ids
    try {
      for (const [i, c] of CASES.entries()) {
        uninstallWasmPatches();
        const stock = await expectBackendsClose("wasm", product(c, i), { reference: "cpu" });
        installWasmPatches();
        const patched = expectNoLeaks(() => tf.tidy(() => product(c, i)().dataSync().slice()));
        expect(patched.length).toBeGreaterThan(0);
        expect(stock).toBeLessThan(1e-5);
      }
    } finally {
      tf.env().set("IS_TEST", false);
      installWasmPatches();
    }
  });

  it("survives a weight reused through a reshape (stock wasm aborts the process)", async () => {
    await tf.setBackend("wasm");
    const w = tf.tensor2d(
      Array.from({ length: 24 }, (_, i) => i),
      [4, 6],
    );
    const first = tf.tidy(() =>
      tf
        .matMul(tf.ones([2, 4]), w)
        .dataSync()
        .slice(),
    );
    const second = tf.tidy(() =>
      tf
        .matMul(tf.ones([2, 8]), tf.reshape(w, [8, 3]))
        .dataSync()
        .slice(),
    );
    w.dispose();
    expect(Array.from(first.slice(0, 6))).toEqual([36, 40, 44, 48, 52, 56]);
    expect(Array.from(second.slice(0, 3))).toEqual([84, 92, 100]);
  });

  it("names both shapes when the inner dimensions differ", async () => {
    await tf.setBackend("wasm");
    const a = tf.ones([3, 5, 7]);
    const b = tf.ones([1, 2, 7]);
    expect(() => tf.matMul(a, b, true, true)).toThrow(/a \[3,5,7\].*has 5, b \[1,2,7\].*has 7/);
    tf.dispose([a, b]);
  });
});
