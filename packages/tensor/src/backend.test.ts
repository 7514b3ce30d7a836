import { InputError } from "@hjepa/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertSingleTfjsCore, initTensors } from "./backend.ts";
import { tf } from "./tf.ts";

const saved = process.env.HJEPA_BACKEND;
beforeAll(() => {
  delete process.env.HJEPA_BACKEND;
});
afterAll(() => {
  if (saved === undefined) delete process.env.HJEPA_BACKEND;
  else process.env.HJEPA_BACKEND = saved;
});

describe("initTensors", () => {
  it("auto: skips the unbuilt native packages and lands on wasm, saying why", async () => {
    const r = await initTensors();
    expect(r.backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(r.reason).toMatch(
      /^requested 'auto': @tensorflow\/tfjs-node-gpu unavailable \(installed at .*, but its native binding was never built/,
    );
    expect(r.reason).toMatch(/@tensorflow\/tfjs-node unavailable \(not installed\)/);
    expect(r.reason).toMatch(/using wasm \(SIMD, 1 thread; patched kernels: BatchMatMul, /);
  });

  it("is idempotent: the same request returns the same result without restarting, also when concurrent", async () => {
    const first = await initTensors({ backend: "auto" });
    const [a, b] = await Promise.all([initTensors({ backend: "auto" }), initTensors({ backend: "auto" })]);
    expect(a).toBe(first);
    expect(b).toBe(first);
  });

  it("switches to cpu and back to wasm on request", async () => {
    expect(await initTensors({ backend: "cpu" })).toEqual({
      backend: "cpu",
      reason: "requested 'cpu': using cpu (pure JavaScript, slowest)",
      summary: "backend cpu (pure JavaScript, slowest)",
    });
    expect(tf.getBackend()).toBe("cpu");
    const wasm = await initTensors({ backend: "wasm" });
    expect(wasm.backend).toBe("wasm");
    // An explicit request tries no native package, so the short line has nothing to explain.
    expect(wasm.summary).toBe("backend wasm");
    expect(tf.getBackend()).toBe("wasm");
  });

  it("registers gradients and chained tensor methods, which tfjs-core's Node build lacks", async () => {
    await initTensors({ backend: "wasm" });
    expect(tf.getGradient("Relu")).toBeDefined();
    expect(typeof (tf.ones([1]) as unknown as { reshape: unknown }).reshape).toBe("function");
    const g = tf.tidy(() =>
      Array.from(
        tf
          .grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2]))
          .dataSync(),
      ),
    );
    expect(g).toEqual([2, -4]);
  });

  it("'tensorflow' fails clearly when no native binding works", async () => {
    await expect(initTensors({ backend: "tensorflow" })).rejects.toBeInstanceOf(InputError);
    await expect(initTensors({ backend: "tensorflow" })).rejects.toThrow(
      /initTensors: backend 'tensorflow' \(requested 'tensorflow'\) needs @tensorflow\/tfjs-node-gpu or @tensorflow\/tfjs-node, and neither works: .*Install and build one/,
    );
    expect(tf.getBackend()).toBe("wasm");
  });

  it("HJEPA_BACKEND overrides the argument and is validated", async () => {
    process.env.HJEPA_BACKEND = "cpu";
    try {
      const r = await initTensors({ backend: "wasm" });
      expect(r.backend).toBe("cpu");
      expect(r.reason).toBe("HJEPA_BACKEND=cpu (overrides 'wasm'): using cpu (pure JavaScript, slowest)");
      process.env.HJEPA_BACKEND = "gpu";
      await expect(initTensors()).rejects.toBeInstanceOf(InputError);
      await expect(initTensors()).rejects.toThrow(
        "HJEPA_BACKEND environment variable: unknown backend 'gpu'; expected one of auto, wasm, cpu, tensorflow",
      );
    } finally {
      delete process.env.HJEPA_BACKEND;
    }
    await expect(initTensors({ backend: "wasm", threads: 0 })).rejects.toBeInstanceOf(InputError);
    await expect(initTensors({ backend: "wasm", threads: 0 })).rejects.toThrow(
      "initTensors({ threads }): threads must be a positive integer (got 0)",
    );
    const wasm = await initTensors({ backend: "wasm" });
    expect(wasm.backend).toBe("wasm");
    // An explicit request tries no native package, so the short line has nothing to explain.
    expect(wasm.summary).toBe("backend wasm");
  });

  it("uses one copy of @tensorflow/tfjs-core for core and both backends", () => {
    expect(() => assertSingleTfjsCore()).not.toThrow();
    expect(tf.engine().registryFactory.cpu).toBeDefined();
    expect(tf.engine().registryFactory.wasm).toBeDefined();
  });
});
