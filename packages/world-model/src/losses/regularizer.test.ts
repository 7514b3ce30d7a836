import { ComponentOptionError } from "@hjepa/contracts";
import { lossSchema, modelSchema } from "@hjepa/experiment";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { JepaWorldModel } from "../jepa.ts";
import { registerRegularizer, regularizerRegistry, regularizerTerms } from "./regularizer.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

// A toy regulariser: `scale` times the mean squared representation.
registerRegularizer("test-mean-square", {
  schema: z
    .object({
      type: z.literal("test-mean-square"),
      weight: z.number().min(0).default(1),
      scale: z.number().positive().default(2),
    })
    .strict(),
  create: ({ scale }) => ({ compute: (ctx) => tf.mul(tf.mean(tf.square(ctx.regularized())), scale) }),
});

describe("regularizer registry", () => {
  it("builds one weighted term per configured regulariser, named by its type, defaults filled", () => {
    const [term] = regularizerTerms([{ type: "test-mean-square", weight: 0.5 }]);
    expect(term?.name).toBe("test-mean-square");
    expect(term?.weight).toBe(0.5);
    expect(regularizerTerms(undefined)).toEqual([]);
    expect(regularizerRegistry.parse("test-mean-square", { type: "test-mean-square" })).toEqual({
      type: "test-mean-square",
      weight: 1,
      scale: 2,
    });
  });

  it("refuses an unknown type or option, naming the config path", () => {
    expect(() => regularizerTerms([{ type: "nope" }])).toThrow(ComponentOptionError);
    expect(() => regularizerTerms([{ type: "nope" }])).toThrow(
      /loss\.regularizers\[0\]\.type must be one of/,
    );
    expect(() => regularizerTerms([{ type: "test-mean-square", scal: 1 }])).toThrow(
      /loss\.regularizers\[0\]\.scal is not an option of test-mean-square/,
    );
  });

  it("enters level 1's objective: reported under its type and added to the total with its weight", async () => {
    await withLeakCheck(() => {
      const model = new JepaWorldModel(
        modelSchema.parse({ encoder: { type: "mlp", hidden: [8], dim: 4 }, predictor: { hidden: [8] } }),
        [2],
        { kind: "continuous", dim: 2 },
        new Rng(0),
      );
      const obs = tf.randomUniform([3, 4, 2], 0, 1, "float32", 3) as tf.Tensor3D;
      const actions = tf.randomUniform([3, 3, 2], -1, 1, "float32", 4) as tf.Tensor3D;
      const read = (extra: object) => {
        const t = model.loss({ obs, actions }, lossSchema.parse(extra), new Rng(1));
        const out = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.dataSync()[0] as number]));
        tf.dispose(Object.values(t));
        return out;
      };
      const without = read({});
      const withIt = read({ regularizers: [{ type: "test-mean-square", weight: 0.5 }] });
      const value = withIt["test-mean-square"] as number;
      expect(value).toBeGreaterThan(0);
      expect(withIt.total).toBeCloseTo((without.total as number) + 0.5 * value, 5);
      expect(without).not.toHaveProperty("test-mean-square");
      tf.dispose([obs, actions]);
      model.dispose();
    });
  });
});
