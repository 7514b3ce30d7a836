import { beforeAll, describe, expect, it } from "vitest";
import { initTensors } from "./backend.ts";
import {
  expectArraysClose,
  expectBackendsClose,
  expectNoLeaks,
  maxRelativeError,
  valuesOn,
  withLeakCheck,
} from "./testing.ts";
import { tf } from "./tf.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

describe("leak checks", () => {
  it("pass tidy work, fail a kept tensor, and honour an allowance", async () => {
    expect(expectNoLeaks(() => tf.tidy(() => tf.add(tf.ones([2]), 1).dataSync()[0]))).toBe(2);
    let kept: tf.Tensor | undefined;
    expect(() =>
      expectNoLeaks(() => {
        kept = tf.ones([3]);
      }),
    ).toThrow(/expectNoLeaks: 1 tensor\(s\) leaked: tf\.memory\(\)\.numTensors went from \d+ to \d+/);
    kept?.dispose();
    const t = expectNoLeaks(() => tf.ones([1]), 1);
    t.dispose();
    await expect(
      withLeakCheck(async () => {
        kept = tf.ones([1]);
      }),
    ).rejects.toThrow(/withLeakCheck: 1 tensor\(s\) leaked/);
    kept?.dispose();
    await expect(expectNoLeaks(async () => 5)).resolves.toBe(5);
  });
});

describe("numeric comparison", () => {
  it("measures error relative to the largest expected magnitude", () => {
    expect(maxRelativeError([1, 2, 4], [1, 2, 4])).toBe(0);
    expect(maxRelativeError([1, 0.001, 4.004], [1, 0, 4])).toBeCloseTo(0.001, 9);
    expect(maxRelativeError([0.5], [0])).toBe(0.5);
    expect(maxRelativeError([Number.NaN], [1])).toBe(Number.POSITIVE_INFINITY);
  });

  it("expectArraysClose names the worst element, and checks tensor shapes", () => {
    expect(() => expectArraysClose([1, 2, 3.1], [1, 2, 3], 1e-3, "demo")).toThrow(
      /expectArraysClose\(demo\): relative error 3\.333e-2 > 0\.001 \(worst at index 2: actual 3\.1, expected 3; 3 elements\)/,
    );
    expectArraysClose([1, 2, 3 + 1e-7], [1, 2, 3]);
    const a = tf.ones([2, 3]);
    const b = tf.ones([3, 2]);
    expect(() => expectArraysClose(a, b)).toThrow(/shapes differ: actual \[2,3\], expected \[3,2\]/);
    tf.dispose([a, b]);
  });

  it("valuesOn and expectBackendsClose run one function on two backends and restore the active one", async () => {
    await tf.setBackend("wasm");
    const r = await valuesOn("cpu", () => tf.mul(tf.tensor1d([1, 2, 3]), 2));
    expect(tf.getBackend()).toBe("wasm");
    expect(r.shape).toEqual([3]);
    expect(Array.from(r.values)).toEqual([2, 4, 6]);
    expect(await expectBackendsClose("wasm", () => tf.matMul(tf.ones([3, 4]), tf.ones([4, 2])))).toBe(0);
  });
});
