import { predictorSchema } from "@hjepa/experiment";
import { Mlp, ParamStore } from "@hjepa/perception";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { makePredictor, rollout } from "../predictor.ts";
import { predictionLoss } from "./prediction.ts";
import { randomDirections, sigregLoss } from "./sigreg.ts";
import type { LossContext } from "./term.ts";
import {
  covarianceTerm,
  inverseDynamicsTerm,
  klTerm,
  rolloutPredictionTerm,
  sigregTerm,
  teacherForcingTerm,
  varianceTerm,
} from "./terms.ts";
import { covarianceLoss, varianceLoss } from "./vicreg.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

const [B, T, D, C] = [3, 4, 2, 3];
const values = (x: tf.Tensor) => Array.from(x.dataSync());

/** A context of B windows with T steps: random states (the targets are states 1..T), conditions, a predictor. */
function context(params: ParamStore, rng: Rng, extra: Partial<LossContext> = {}): LossContext {
  const states = tf.randomNormal([B, T + 1, D], 0, 1, "float32", 1) as tf.Tensor3D;
  const conditions = tf.randomNormal([B, T, C], 0, 1, "float32", 2) as tf.Tensor3D;
  return {
    states,
    start: tf.reshape(tf.slice(states, [0, 0, 0], [B, 1, D]), [B, D]),
    targets: tf.slice(states, [0, 1, 0], [B, T, D]),
    conditions,
    stepConditions: tf.reshape(conditions, [B * T, C]),
    predictor: makePredictor(
      predictorSchema.parse({ hidden: [8] }),
      D,
      C,
      params.scope("predictor"),
      new Rng(3),
    ),
    regularized: () => tf.reshape(states, [B * (T + 1), D]),
    rng,
    ...extra,
  };
}

describe("the shared loss terms", () => {
  it("prediction is the open-loop rollout's error; teacher forcing one step from every encoded state", async () => {
    await withLeakCheck(() => {
      const params = new ParamStore();
      tf.tidy(() => {
        const ctx = context(params, new Rng(0));
        const rolled = predictionLoss(rollout(ctx.predictor, ctx.start, ctx.conditions), ctx.targets);
        expect(values(rolloutPredictionTerm(1, "mse").compute(ctx))).toEqual(values(rolled));
        const prev = tf.reshape(tf.slice(ctx.states, [0, 0, 0], [B, T, D]), [B * T, D]) as tf.Tensor2D;
        const oneStep = ctx.predictor.predict(prev, ctx.stepConditions);
        const l1 = tf.mean(tf.abs(tf.sub(oneStep, tf.reshape(ctx.targets, [B * T, D]))));
        expect(values(teacherForcingTerm(1, "l1").compute(ctx))).toEqual(values(l1));
      });
      params.dispose();
    });
  });

  it("VICReg and SIGReg read the context's regularised representations; SIGReg draws from its rng", async () => {
    await withLeakCheck(() => {
      const params = new ParamStore();
      tf.tidy(() => {
        const ctx = context(params, new Rng(5));
        const x = ctx.regularized();
        expect(values(varianceTerm(1, 0.5).compute(ctx))).toEqual(values(varianceLoss(x, { gamma: 0.5 })));
        expect(values(varianceTerm(1).compute(ctx))).toEqual(values(varianceLoss(x)));
        expect(values(covarianceTerm(1).compute(ctx))).toEqual(values(covarianceLoss(x)));
        const want = sigregLoss(x, { directions: randomDirections(D, 16, new Rng(5)) });
        expect(values(sigregTerm(1, 16).compute(ctx))).toEqual(values(want));
        // The next step's directions are new ones.
        expect(values(sigregTerm(1, 16).compute(ctx))).not.toEqual(values(want));
      });
      params.dispose();
    });
  });

  it("inverse dynamics needs a head (absent: weight 0) and reads conditions from state pairs", async () => {
    await withLeakCheck(() => {
      const params = new ParamStore();
      expect(inverseDynamicsTerm(1, null, false).weight).toBe(0);
      const head = new Mlp(params.scope("idm"), { sizes: [2 * D, 8, C] }, new Rng(4));
      expect(inverseDynamicsTerm(0.5, head, false).weight).toBe(0.5);
      tf.tidy(() => {
        const ctx = context(params, new Rng(0));
        const prev = tf.reshape(tf.slice(ctx.states, [0, 0, 0], [B, T, D]), [B * T, D]);
        const next = tf.reshape(tf.slice(ctx.states, [0, 1, 0], [B, T, D]), [B * T, D]);
        const logits = head.apply(tf.concat([prev, next], 1) as tf.Tensor2D);
        const mse = predictionLoss(logits, ctx.stepConditions);
        expect(values(inverseDynamicsTerm(1, head, false).compute(ctx))).toEqual(values(mse));
        const discrete = inverseDynamicsTerm(1, head, true).compute(ctx).dataSync()[0] as number;
        expect(Number.isFinite(discrete)).toBe(true);
      });
      params.dispose();
    });
  });

  it("the KL term reports the context's KL, even at weight 0, and needs one", async () => {
    await withLeakCheck(() => {
      const [a, b] = [new ParamStore(), new ParamStore()];
      tf.tidy(() => {
        const kl = tf.scalar(0.25);
        expect(klTerm(0).reportUnweighted).toBe(true);
        expect(klTerm(0).compute(context(a, new Rng(0), { kl }))).toBe(kl);
        expect(() => klTerm(1).compute(context(b, new Rng(0)))).toThrow(/has no KL/);
      });
      a.dispose();
      b.dispose();
    });
  });
});
