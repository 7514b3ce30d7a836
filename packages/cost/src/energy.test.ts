import { InputError } from "@hjepa/errors";
import { expectArraysClose, initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { energy, energyTerm } from "./energy.ts";
import { trajectoryOf } from "./testing.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

describe("energy", () => {
  it("computes l2, l2sq, l1 and cosine distances to the goal per row", async () => {
    await withLeakCheck(() => {
      const s = tf.tensor2d([
        [3, 4],
        [1, 0],
        [0, -2],
      ]);
      const g = tf.tensor2d([[0, 0]]);
      const g2 = tf.tensor2d([[1, 0]]);
      const read = (t: tf.Tensor1D) => {
        const v = Array.from(t.dataSync());
        t.dispose();
        return v;
      };
      expectArraysClose(read(energy(s, g, "l2")), [5, 1, 2], 1e-6);
      expectArraysClose(read(energy(s, g, "l2sq")), [25, 1, 4], 1e-6);
      expectArraysClose(read(energy(s, g, "l1")), [7, 1, 2], 1e-6);
      expectArraysClose(read(energy(s, g2, "cosine")), [1 - 0.6, 0, 1], 1e-5);
      tf.dispose([s, g, g2]);
    });
  });

  it("rejects an unknown distance and a goal of the wrong size, naming them", () => {
    const s = tf.zeros([2, 3]) as tf.Tensor2D;
    const g = tf.zeros([1, 2]) as tf.Tensor2D;
    expect(() => energy(s, g)).toThrow(/goal must be \[1, 3\].*got \[1,2\]/);
    expect(() => energy(s, s, "l3" as never)).toThrow(InputError);
    expect(() => energy(s, s, "l3" as never)).toThrow(/unknown distance "l3"; expected one of l2, /);
    expect(() => energyTerm({ distance: "l3" as never })).toThrow(InputError);
    expect(() => energyTerm({ reduce: "mean" as never })).toThrow(InputError);
    expect(() => energyTerm({ reduce: "mean" as never })).toThrow(
      'energyTerm(energy): unknown reduce "mean"; expected one of',
    );
    expect(() => energyTerm({ reduce: "discounted", gamma: 0 })).toThrow(InputError);
    tf.dispose([s, g]);
  });

  it("reduces per-step energies: last, sum and discounted", async () => {
    await withLeakCheck(() => {
      // Two candidates, three steps in 1-D; goal 0, l1 energy = |s|.
      const traj = trajectoryOf(
        [
          [[3], [2], [1]],
          [[1], [-1], [4]],
        ],
        [
          [[0], [0], [0]],
          [[0], [0], [0]],
        ],
      );
      const goal = tf.tensor2d([[0]]);
      const run = (opts: Parameters<typeof energyTerm>[0]) => {
        const t = energyTerm({ distance: "l1", ...opts }).evaluate(traj, goal);
        const v = Array.from(t.dataSync());
        t.dispose();
        return v;
      };
      expectArraysClose(run({ reduce: "last" }), [1, 4], 1e-6);
      expectArraysClose(run({ reduce: "sum" }), [6, 6], 1e-6);
      expectArraysClose(run({ reduce: "discounted", gamma: 0.5 }), [3 + 1 + 0.25, 1 + 0.5 + 1], 1e-6);
      tf.dispose([traj.states, traj.actions, traj.start, goal]);
    });
  });
});
