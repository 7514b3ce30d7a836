import { InputError } from "@hjepa/errors";
import { expectArraysClose, initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { Cost } from "./cost.ts";
import { effortTerm } from "./effort.ts";
import { energyTerm } from "./energy.ts";
import { actionBoundGuardrail } from "./guardrails.ts";
import { trajectoryOf } from "./testing.ts";
import type { Guardrail } from "./types.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

const read = (t: tf.Tensor) => Array.from(t.dataSync());

// Four candidates, one step, 1-D states; goal 0. Actions 0.5, 2, 0, -3 (box [-1, 1]).
const states = [[[1]], [[0.1]], [[4]], [[0.2]]];
const actions = [[[0.5]], [[2]], [[0]], [[-3]]];

describe("Cost", () => {
  it("sums weighted task terms and reports each term unweighted", async () => {
    await withLeakCheck(() => {
      const traj = trajectoryOf(states, actions);
      const goal = tf.tensor2d([[0]]);
      const cost = new Cost({ terms: [energyTerm({ distance: "l1" }), effortTerm({ weight: 0.5 })] });
      const ev = cost.evaluate(traj, goal);
      expectArraysClose(read(ev.terms.energy as tf.Tensor), [1, 0.1, 4, 0.2], 1e-6);
      expectArraysClose(read(ev.terms.effort as tf.Tensor), [0.25, 4, 0, 9], 1e-6);
      expectArraysClose(read(ev.total), [1.125, 2.1, 4, 4.7], 1e-6);
      expect(read(ev.feasible)).toEqual([1, 1, 1, 1]);
      cost.setWeight("effort", 0);
      const ev2 = cost.evaluate(traj, goal);
      expectArraysClose(read(ev2.total), [1, 0.1, 4, 0.2], 1e-6);
      tf.dispose([ev, ev2, traj.states, traj.actions, traj.start, goal]);
    });
  });

  it("ranks every guardrail violator after every non-violator, whatever the task weights", async () => {
    await withLeakCheck(() => {
      const traj = trajectoryOf(states, actions);
      const goal = tf.tensor2d([[0]]);
      const cost = new Cost({
        terms: [energyTerm({ distance: "l1", weight: 1000 })],
        guardrails: [actionBoundGuardrail(-1, 1, { mode: "penalty", penalty: 10 })],
      });
      const ev = cost.evaluate(traj, goal);
      const total = read(ev.total);
      // Task: [1000, 100, 4000, 200]; candidates 1 and 3 violate (by 1 and 2).
      // Offset = (4000 - 100) + 1 = 3901 on violators; penalty 10 * violation.
      expectArraysClose(total, [1000, 100 + 10 + 3901, 4000, 200 + 20 + 3901], 1e-6);
      expect(Math.min(total[1] as number, total[3] as number)).toBeGreaterThan(
        Math.max(total[0] as number, total[2] as number),
      );
      expect(read(ev.feasible)).toEqual([1, 1, 1, 1]);
      expectArraysClose(read(ev.violations.actionBound as tf.Tensor), [0, 1, 0, 2], 1e-6);
      tf.dispose([ev, traj.states, traj.actions, traj.start, goal]);
    });
  });

  it("marks constraint violators infeasible", async () => {
    await withLeakCheck(() => {
      const traj = trajectoryOf(states, actions);
      const goal = tf.tensor2d([[0]]);
      const cost = new Cost({ terms: [energyTerm()], guardrails: [actionBoundGuardrail(-1, 1)] });
      const ev = cost.evaluate(traj, goal);
      expect(read(ev.feasible)).toEqual([1, 0, 1, 0]);
      tf.dispose([ev, traj.states, traj.actions, traj.start, goal]);
    });
  });

  it("gives the ranking offset no gradient: d total / d action is the task's plus penalty * d violation", async () => {
    await withLeakCheck(() => {
      const init = tf.tensor3d([[[0.5]], [[2]]]);
      const a = tf.variable(init);
      init.dispose();
      const goal = tf.tensor2d([[0]]);
      const cost = new Cost({
        terms: [effortTerm()],
        guardrails: [actionBoundGuardrail(-1, 1, { mode: "penalty", penalty: 10 })],
      });
      const { value, grads } = tf.variableGrads(() => {
        const traj = {
          states: tf.zeros([2, 1, 1]) as tf.Tensor3D,
          actions: a as tf.Tensor3D,
          start: tf.zeros([1, 1]) as tf.Tensor2D,
        };
        const ev = cost.evaluate(traj, goal);
        return tf.sum(ev.total) as tf.Scalar;
      }, [a]);
      // d/da (a^2) = 2a; the violator also gets 10 * d relu(a - 1)/da = 10.
      expectArraysClose(read(grads[a.name] as tf.Tensor), [1, 4 + 10], 1e-6);
      tf.dispose([value, ...Object.values(grads), a, goal]);
    });
  });

  it("freezes guardrails and refuses to reweight them", () => {
    const guard = actionBoundGuardrail(-1, 1);
    const handMade: Guardrail = {
      name: "mine",
      mode: "penalty",
      penalty: 5,
      violation: () => tf.zeros([1]) as tf.Tensor1D,
    };
    const cost = new Cost({ terms: [energyTerm()], guardrails: [guard, handMade] });
    expect(Object.isFrozen(handMade)).toBe(true);
    expect(Object.isFrozen(cost.guardrails)).toBe(true);
    expect(() => {
      (handMade as { penalty: number }).penalty = 0;
    }).toThrow(TypeError);
    expect(handMade.penalty).toBe(5);
    expect(() => cost.setWeight("actionBound", 0)).toThrow(InputError);
    expect(() => cost.setWeight("actionBound", 0)).toThrow(/"actionBound" is a guardrail/);
    expect(() => cost.setWeight("nope", 1)).toThrow(InputError);
    expect(() => cost.setWeight("nope", 1)).toThrow(/no task term named "nope" \(terms: energy\)/);
    expect(() => cost.weight("nope")).toThrow(InputError);
    const badMode = { ...handMade, name: "m", mode: "soft" as never };
    expect(() => new Cost({ terms: [], guardrails: [badMode] })).toThrow(InputError);
    expect(() => new Cost({ terms: [], guardrails: [badMode] })).toThrow(
      'Cost: guardrail "m" has mode "soft"; expected "penalty" or "constraint"',
    );
    expect(() => cost.setWeight("energy", Number.NaN)).toThrow(/finite/);
    expect(() => new Cost({ terms: [energyTerm(), energyTerm()] })).toThrow(/"energy" is used twice/);
    expect(() => new Cost({ terms: [], guardrails: [{ ...handMade, name: "zero", penalty: 0 }] })).toThrow(
      /"zero" penalty must be a positive/,
    );
  });
});
