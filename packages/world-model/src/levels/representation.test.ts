import { InputError } from "@hjepa/errors";
import { representationSchema } from "@hjepa/experiment";
import { ParamStore } from "@hjepa/perception";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { covarianceLoss, varianceLoss } from "../losses/vicreg.ts";
import { makeRepresentation } from "./representation.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

const below = () =>
  tf.tensor2d(
    Array.from({ length: 24 }, (_, i) => Math.cos(i * 1.3) * (1 + (i % 4))),
    [6, 4],
  );
const read = (t: tf.Scalar) => t.dataSync()[0] as number;

describe("level representations", () => {
  it("identity is the level below's representation, with nothing to learn or regularise", async () => {
    await withLeakCheck(() => {
      const params = new ParamStore();
      const rep = makeRepresentation({ type: "identity" }, 4, params, new Rng(0));
      expect(rep.dim).toBe(4);
      expect(params.count()).toBe(0);
      const z = below();
      const s = rep.apply(z);
      expect(Array.from(s.dataSync())).toEqual(Array.from(z.dataSync()));
      const reg = rep.regularizer(s);
      expect([read(reg.variance), read(reg.covariance), read(reg.total)]).toEqual([0, 0, 0]);
      tf.dispose([z, s, reg.variance, reg.covariance, reg.total]);
    });
  });

  it("projection maps to dim with its own weighted VICReg variance and covariance terms", async () => {
    await withLeakCheck(() => {
      const params = new ParamStore();
      const config = representationSchema.parse({
        type: "projection",
        dim: 3,
        hidden: [5],
        variance: 2,
        covariance: 0.5,
      });
      const rep = makeRepresentation(config, 4, params, new Rng(0));
      expect(rep.dim).toBe(3);
      expect(params.count()).toBe(4 * 5 + 5 + 5 * 3 + 3);
      const z = below();
      const s = rep.apply(z);
      expect(s.shape).toEqual([6, 3]);
      const reg = rep.regularizer(s);
      const v = tf.tidy(() => varianceLoss(s));
      const c = tf.tidy(() => covarianceLoss(s));
      expect(read(reg.variance)).toBeCloseTo(read(v), 6);
      expect(read(reg.covariance)).toBeCloseTo(read(c), 6);
      expect(read(reg.total)).toBeCloseTo(2 * read(v) + 0.5 * read(c), 5);
      tf.dispose([z, s, reg.variance, reg.covariance, reg.total, v, c]);
      params.dispose();
    });
  });

  it("an unknown type is an InputError", () => {
    expect(() => makeRepresentation({ type: "pca" } as never, 4, new ParamStore(), new Rng(0))).toThrow(
      InputError,
    );
  });
});
