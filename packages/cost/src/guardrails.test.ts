import { InputError } from "@hjepa/errors";
import { expectArraysClose, initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { actionBoundGuardrail, classifierGuardrail } from "./guardrails.ts";
import { trajectoryOf } from "./testing.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

const read = (t: tf.Tensor1D) => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

describe("guardrails", () => {
  it("actionBoundGuardrail measures how far actions leave the box, per dimension bounds", async () => {
    await withLeakCheck(() => {
      const traj = trajectoryOf(
        [
          [[0], [0]],
          [[0], [0]],
          [[0], [0]],
        ],
        [
          [
            [0.5, 0.1],
            [-0.5, 0.2],
          ],
          [
            [1.5, 0.1],
            [0, 0.2],
          ],
          [
            [-2, 0.5],
            [0, -0.4],
          ],
        ],
      );
      const g = actionBoundGuardrail([-1, -0.3], [1, 0.3]);
      // Candidate 2: 1 below on dim 0, 0.2 above on dim 1, 0.1 below on dim 1.
      expectArraysClose(read(g.violation(traj)), [0, 0.5, 1.3], 1e-6);
      expect(Object.isFrozen(g)).toBe(true);
      expect(g.mode).toBe("constraint");
      tf.dispose([traj.states, traj.actions, traj.start]);
    });
  });

  it("classifierGuardrail sums the probabilities of the steps above the threshold", async () => {
    await withLeakCheck(() => {
      // The "classifier" reads the probability straight from the first coordinate.
      const classifier = (s: tf.Tensor2D) =>
        tf.tidy(() => tf.reshape(tf.slice(s, [0, 0], [-1, 1]), [-1]) as tf.Tensor1D);
      const traj = trajectoryOf(
        [
          [[0.1], [0.4], [0.2]],
          [[0.7], [0.1], [0.9]],
          [[0.5], [0.5], [0.51]],
        ],
        [
          [[0], [0], [0]],
          [[0], [0], [0]],
          [[0], [0], [0]],
        ],
      );
      const g = classifierGuardrail("hazard", classifier, { threshold: 0.5, mode: "penalty" });
      expectArraysClose(read(g.violation(traj)), [0, 1.6, 0.51], 1e-6);
      const strict = classifierGuardrail("hazard", { predict: classifier }, { threshold: 0.3 });
      expectArraysClose(read(strict.violation(traj)), [0.4, 1.6, 1.51], 1e-6);
      expect(() => classifierGuardrail("x", classifier, { threshold: 1 })).toThrow(InputError);
      expect(() => classifierGuardrail("x", classifier, { threshold: 1 })).toThrow(
        /threshold must be in \[0, 1\)/,
      );
      tf.dispose([traj.states, traj.actions, traj.start]);
    });
  });
});
