import { ParamStore } from "@hjepa/perception";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { emaTau } from "../train/ema.ts";
import { EmaTarget } from "./emaTarget.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

/** A one-variable "network" in its own scope of `root`. */
const net = (root: ParamStore, scope: string, value: number) => {
  const params = root.scope(scope);
  params.add("w", tf.fill([2], value));
  return { params };
};
const w = (n: { params: ParamStore }) =>
  Array.from((n.params.entries()[0] as [string, tf.Variable])[1].dataSync());

describe("EmaTarget", () => {
  it("starts as a frozen copy of the online network and follows it with the scheduled momentum", async () => {
    await withLeakCheck(() => {
      const root = new ParamStore();
      const online = net(root, "online", 1);
      const target = new EmaTarget(online, net(root, "target", 5), { start: 0.5, end: 1 });
      expect(w(target.copy)).toEqual([1, 1]);
      expect([...root.trainable().keys()]).toEqual(["online/w"]);
      tf.tidy(() => (online.params.entries()[0] as [string, tf.Variable])[1].assign(tf.fill([2], 3)));
      target.afterStep(0, 10);
      const tau = emaTau(0, { start: 0.5, end: 1, totalSteps: 10 });
      expect(w(target.copy)[0]).toBeCloseTo(tau * 1 + (1 - tau) * 3, 6);
      target.afterStep(10, 10);
      expect(w(target.copy)[0]).toBeCloseTo(tau * 1 + (1 - tau) * 3, 6);
      root.dispose();
    });
  });

  it("refuses a copy of another architecture", () => {
    const root = new ParamStore();
    const copy = { params: root.scope("copy") };
    expect(() => new EmaTarget(net(root, "online", 1), copy, { start: 0.9, end: 1 })).toThrow(
      /the copy has 0 parameters, the online network 1/,
    );
    root.dispose();
  });
});
