import { LatentVariableError, type WorldModelLevel } from "@hjepa/contracts";
import { EnvironmentError } from "@hjepa/errors";
import { modelSchema, upperLevelSchema } from "@hjepa/experiment";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Box, Discrete, Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { JepaWorldModel } from "../jepa.ts";
import { randomMacroStatistics } from "../testing.ts";
import { describeActionSpec, describePrimitiveActions } from "./actionDescription.ts";
import { asWorldModel, HierarchicalWorldModel } from "./hierarchical.ts";
import { UpperLevelModel } from "./upperLevel.ts";

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const box = describePrimitiveActions(new Box({ low: -1, high: 1, shape: [2] }));

/** Level 1 (obs [3], d = 4, 2-D actions) with a layer-normed predictor [6, 8, 4]: 6*8 + 8*4 = 80 multiply-adds. */
const makeLevelOne = () =>
  new JepaWorldModel(
    modelSchema.parse({
      encoder: { type: "mlp", hidden: [8], dim: 4 },
      predictor: { hidden: [8], layerNorm: true },
    }),
    [3],
    { kind: "continuous", dim: 2 },
    new Rng(0),
  );

/**
 * Three levels: level 2 (stride 4, identity representation, latent 3, predictor [7, 8, 4]: 88 multiply-adds) and
 * level 3 (stride 16, projection to 2, latent 3, predictor [5, 8, 2]: 56 multiply-adds).
 */
function threeLevels() {
  const l1 = makeLevelOne();
  const l2 = new UpperLevelModel(
    upperLevelSchema.parse({
      stride: 4,
      macroAction: { type: "learned", dim: 3, hidden: [8] },
      predictor: { hidden: [8] },
      train: { steps: 10 },
    }),
    l1,
    new Rng(1),
  );
  const l3 = new UpperLevelModel(
    upperLevelSchema.parse({
      stride: 16,
      representation: { type: "projection", dim: 2, hidden: [4] },
      macroAction: { type: "learned", dim: 3, hidden: [8] },
      predictor: { hidden: [8] },
      train: { steps: 10 },
    }),
    l2,
    new Rng(2),
  );
  const stats = [randomMacroStatistics(l2, 3), randomMacroStatistics(l3, 4)];
  return { l1, l2, l3, stats, world: new HierarchicalWorldModel(l1, [l2, l3], box) };
}

describe("HierarchicalWorldModel", () => {
  it("describes each level: stride, size, actions (primitive box, macro boxes from the statistics), cost", () => {
    const { world, stats } = threeLevels();
    const [one, two, three] = world.levels as unknown as WorldModelLevel[];
    expect(world.levels.map((l) => [l.level, l.stride, l.dim, l.latent])).toEqual([
      [1, 1, 4, null],
      [2, 4, 4, null],
      [3, 16, 2, null],
    ]);
    expect(one?.actions).toEqual({
      kind: "box",
      size: 2,
      low: Float32Array.from([-1, -1]),
      high: Float32Array.from([1, 1]),
    });
    stats.forEach((s, i) => {
      const a = world.levels[i + 1]?.actions;
      expect(a).toEqual({
        kind: "macro",
        size: 3,
        low: s.low,
        high: s.high,
        mean: s.mean,
        covariance: s.covariance,
        count: 50,
      });
    });
    // Weight matrices only: level 1's layer norm and every bias are left out.
    expect([one?.multiplyAdds, two?.multiplyAdds, three?.multiplyAdds]).toEqual([80, 88, 56]);
    expect([one?.costPerCall, two?.costPerCall, three?.costPerCall]).toEqual([1, 88 / 80, 56 / 80]);
    expect(world.obsShape).toEqual([3]);
    world.dispose();
  });

  it("predicts, rolls out, encodes and represents exactly as the levels it wraps, leaking nothing", async () => {
    const { world, l1, l2, l3 } = threeLevels();
    const rng = new Rng(5);
    const rand = (shape: number[]) =>
      tf.tensor(
        Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
        shape,
      );
    const obs = rand([5, 3]);
    const a1 = rand([5, 2]) as tf.Tensor2D;
    const seq1 = rand([5, 6, 2]) as tf.Tensor3D;
    const latent = rand([5, 3]) as tf.Tensor2D;
    const latents = rand([5, 2, 3]) as tf.Tensor3D;
    await withLeakCheck(() => {
      const same = (a: tf.Tensor, b: tf.Tensor) => {
        expect(values(a)).toEqual(values(b));
        tf.dispose([a, b]);
      };
      const [one, two, three] = world.levels as unknown as WorldModelLevel[];
      const s1 = world.encode(obs);
      same(world.encode(obs), l1.encode(obs));
      same((one as WorldModelLevel).represent(s1), tf.clone(s1));
      same((two as WorldModelLevel).represent(s1), l2.encode(obs));
      same((three as WorldModelLevel).represent(s1), l3.encode(obs));
      same((one as WorldModelLevel).predict(s1, a1), l1.predict(s1, a1));
      same((one as WorldModelLevel).rollout(s1, seq1), l1.rollout(s1, seq1));
      const s2 = l2.encode(obs);
      same((two as WorldModelLevel).predict(s2, latent), l2.predict(s2, latent));
      same((two as WorldModelLevel).rollout(s2, latents), l2.rollout(s2, latents));
      const s3 = l3.encode(obs);
      same((three as WorldModelLevel).predict(s3, latent), l3.predict(s3, latent));
      tf.dispose([s1, s2, s3]);
    });
    tf.dispose([obs, a1, seq1, latent, latents]);
    world.dispose();
  });

  it("rejects a latent variable z on every level (no predictor takes one yet), by class", async () => {
    const { world } = threeLevels();
    await withLeakCheck(() => {
      const s = tf.zeros([2, 4]) as tf.Tensor2D;
      const a = tf.zeros([2, 2]) as tf.Tensor2D;
      const z = tf.zeros([2, 1]) as tf.Tensor2D;
      const zs = tf.zeros([2, 3, 1]) as tf.Tensor3D;
      const seq = tf.zeros([2, 3, 2]) as tf.Tensor3D;
      const level = world.levels[0];
      expect(() => level.predict(s, a, z)).toThrow(LatentVariableError);
      expect(() => level.rollout(s, seq, zs)).toThrow(/level 1: its predictor takes no latent variable z/);
      const two = world.levels[1] as WorldModelLevel;
      const m = tf.zeros([2, 3]) as tf.Tensor2D;
      expect(() => two.predict(s, m, z)).toThrow(/level 2: its predictor takes no latent variable z/);
      tf.dispose([s, a, z, zs, seq, m]);
    });
    world.dispose();
  });

  it("refuses levels that are not stacked in order, a level without statistics, and actions that do not fit", () => {
    const { l1, l2, l3, world } = threeLevels();
    expect(() => new HierarchicalWorldModel(l1, [l3], box)).toThrow(/upper\[0\] \(level 3\) is not over/);
    const fresh = new UpperLevelModel(l2.config, l1, new Rng(9));
    expect(() => new HierarchicalWorldModel(l1, [fresh], box)).toThrow(
      /level 2 has no macro-action statistics/,
    );
    fresh.dispose();
    const discrete = describePrimitiveActions(new Discrete(4));
    expect(() => new HierarchicalWorldModel(l1, [], discrete)).toThrow(EnvironmentError);
    expect(
      () =>
        new HierarchicalWorldModel(
          l1,
          [],
          describePrimitiveActions(new Box({ low: -1, high: 1, shape: [3] })),
        ),
    ).toThrow(
      /the environment's actions \(a box of 3\) do not fit the world model's level 1, trained on a box of 2/,
    );
    world.dispose();
  });

  it("asWorldModel: a trained level 1 alone is the one-level world model; a WorldModel stays as it is", () => {
    const l1 = makeLevelOne();
    const flat = asWorldModel(l1, box);
    expect(flat.levels).toHaveLength(1);
    expect(flat.levels[0].actions).toEqual(box);
    const bare = asWorldModel(l1);
    expect(bare.levels[0].actions).toEqual(describeActionSpec(l1.actionSpec));
    expect(describeActionSpec(l1.actionSpec)).toMatchObject({
      kind: "box",
      low: Float32Array.from([-Infinity, -Infinity]),
    });
    expect(asWorldModel(flat)).toBe(flat);
    l1.dispose();
  });
});
