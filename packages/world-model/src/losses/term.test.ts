import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateLoss, type LossContext, type LossTerm } from "./term.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

/** The terms below read nothing from the context. */
const ctx = { rng: new Rng(0) } as unknown as LossContext;
const constant = (name: string, weight: number, value: number, extra: Partial<LossTerm> = {}): LossTerm => ({
  name,
  weight,
  compute: () => tf.scalar(value),
  ...extra,
});
const read = (values: Record<string, tf.Scalar>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.dataSync()[0] as number]));

describe("evaluateLoss", () => {
  it("reports every term unweighted, in order after the total, and sums weight * value", async () => {
    await withLeakCheck(() => {
      const values = tf.tidy(() =>
        evaluateLoss([constant("a", 2, 1.5), constant("b", 0.5, 4), constant("c", 1, -1)], ctx),
      );
      expect(Object.keys(values)).toEqual(["total", "a", "b", "c"]);
      expect(read(values)).toEqual({ total: 4, a: 1.5, b: 4, c: -1 });
      tf.dispose(Object.values(values));
    });
  });

  it("does not compute a term of weight 0 (reported as 0) unless its value comes for free", async () => {
    await withLeakCheck(() => {
      const never = constant("skipped", 0, 1, {
        compute: () => {
          throw new Error("computed a term of weight 0");
        },
      });
      const values = tf.tidy(() =>
        evaluateLoss([never, constant("free", 0, 3, { reportUnweighted: true }), constant("x", 1, 2)], ctx),
      );
      expect(read(values)).toEqual({ total: 2, skipped: 0, free: 3, x: 2 });
      tf.dispose(Object.values(values));
    });
  });

  it("adds a group's weighted members into one summand and reports each member", async () => {
    await withLeakCheck(() => {
      const values = tf.tidy(() =>
        evaluateLoss(
          [constant("a", 1, 1), { group: "g", terms: [constant("v", 2, 3), constant("w", 0.5, 2)] }],
          ctx,
        ),
      );
      expect(read(values)).toEqual({ total: 8, a: 1, v: 3, w: 2 });
      tf.dispose(Object.values(values));
    });
  });

  it("refuses two terms of one name, a term named total and an empty group", () => {
    const run = (parts: Parameters<typeof evaluateLoss>[0]) => () => tf.tidy(() => evaluateLoss(parts, ctx));
    expect(run([constant("a", 1, 1), constant("a", 1, 2)])).toThrow(/loss term name "a" is taken/);
    expect(run([constant("total", 1, 1)])).toThrow(/loss term name "total" is taken/);
    expect(run([{ group: "g", terms: [] }])).toThrow(/loss group "g" has no terms/);
  });
});
