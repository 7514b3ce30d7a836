import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointError, InputError } from "@hjepa/errors";
import { initTensors, saveWeights, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { TemporalDistanceCritic } from "./critic.ts";
import { fitCritic } from "./criticFit.ts";
import { criticTerm } from "./criticTerm.ts";
import { trajectoryOf } from "./testing.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

/**
 * A chain of N states bent round 300 degrees of a circle: its two ends are close in representation space but
 * N - 1 steps apart along the chain (a wall between them). Representations [cos, sin, 0.1 k / N].
 */
const N = 13;
function chainRep(k: number): number[] {
  const theta = (k / (N - 1)) * ((5 * Math.PI) / 3);
  return [Math.cos(theta), Math.sin(theta), (0.1 * k) / N];
}

/** Windows of a reflecting random walk on the chain, encoded. */
function chainWindows(windows: number, length: number, rng: Rng) {
  const reps = new Float32Array(windows * length * 3);
  for (let w = 0; w < windows; w++) {
    let k = rng.int(N);
    for (let t = 0; t < length; t++) {
      reps.set(chainRep(k), (w * length + t) * 3);
      k = Math.min(N - 1, Math.max(0, k + (rng.bernoulli(0.5) ? 1 : -1)));
    }
  }
  return { reps, windows, length };
}

function rankCorrelation(a: number[], b: number[]): number {
  const rank = (x: number[]) => {
    const order = Array.from(x.keys()).sort((i, j) => (x[i] as number) - (x[j] as number));
    const r = new Array<number>(x.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && x[order[j + 1] as number] === x[order[i] as number]) j++;
      for (let k = i; k <= j; k++) r[order[k] as number] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const m = (ra.length - 1) / 2;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  ra.forEach((v, i) => {
    ab += (v - m) * ((rb[i] as number) - m);
    aa += (v - m) ** 2;
    bb += ((rb[i] as number) - m) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

/** The critic's distance between every pair of chain states, row i = from state i. */
function allDistances(critic: TemporalDistanceCritic): number[][] {
  const states = tf.tensor2d(Array.from({ length: N }, (_, k) => chainRep(k)));
  const out: number[][] = [];
  for (let i = 0; i < N; i++) {
    const d = tf.tidy(() => critic.distance(states, tf.slice(states, [i, 0], [1, 3]) as tf.Tensor2D));
    out.push(Array.from(d.dataSync()));
    d.dispose();
  }
  states.dispose();
  return out;
}

const FIT = { steps: 500, batchSize: 128, lr: 0.003, spread: 100 } as const;

describe("TemporalDistanceCritic", () => {
  it("learns a toy chain's distances in steps, not the representations' closeness", async () => {
    await withLeakCheck(() => {
      const data = chainWindows(200, 8, new Rng(1));
      const critic = new TemporalDistanceCritic({ dim: 3, embedding: 8, hidden: [64, 64] });
      const fit = fitCritic(critic, data, { ...FIT, rng: new Rng(2) });
      expect(fit.transitions).toBe(200 * 7);
      const d = allDistances(critic);
      const est: number[] = [];
      const truth: number[] = [];
      for (let i = 0; i < N; i++)
        for (let j = i + 1; j < N; j++) {
          est.push(d[i]?.[j] as number);
          truth.push(j - i);
        }
      expect(rankCorrelation(est, truth)).toBeGreaterThan(0.95);
      // The two ends: close in representation space, N - 1 = 12 steps along the chain.
      const ends = d[0]?.[N - 1] as number;
      expect(ends).toBeGreaterThan(0.75 * (N - 1));
      expect(ends).toBeLessThan(1.5 * (N - 1));
      // One observed step measures about one step.
      for (let k = 0; k + 1 < N; k++) expect(d[k]?.[k + 1] as number).toBeLessThan(1.5);
      expect(d[3]?.[3] as number).toBeLessThan(0.01);
      critic.dispose();
    });
  });

  it("is seeded: the same data and seed give the same fit", () => {
    const data = chainWindows(50, 6, new Rng(3));
    const run = () => {
      const critic = new TemporalDistanceCritic({ dim: 3, embedding: 4, hidden: [16] });
      const fit = fitCritic(critic, data, { steps: 40, batchSize: 32, spread: 50, rng: new Rng(4) });
      critic.dispose();
      return fit.history;
    };
    expect(run()).toEqual(run());
  });

  it("counts a step by its cost when step costs are given", () => {
    const data = chainWindows(200, 8, new Rng(1));
    const half = new Float32Array(200 * 7).fill(0.5);
    const critic = new TemporalDistanceCritic({ dim: 3, embedding: 8, hidden: [64, 64] });
    fitCritic(critic, { ...data, stepCosts: half }, { ...FIT, rng: new Rng(2) });
    const ends = allDistances(critic)[0]?.[N - 1] as number;
    expect(ends).toBeGreaterThan(0.75 * 0.5 * (N - 1));
    expect(ends).toBeLessThan(1.5 * 0.5 * (N - 1));
    critic.dispose();
  });

  it("saves and loads exactly, and refuses a folder it did not save", async () => {
    const dir = mkdtempSync(join(tmpdir(), "critic-"));
    await withLeakCheck(async () => {
      const critic = new TemporalDistanceCritic({ dim: 3, embedding: 4, hidden: [8], norm: "l1" });
      fitCritic(critic, chainWindows(20, 4, new Rng(5)), { steps: 5, batchSize: 16, rng: new Rng(6) });
      await critic.save(dir);
      const loaded = await TemporalDistanceCritic.load(dir);
      expect([loaded.dim, loaded.embedding, loaded.hidden, loaded.norm]).toEqual([3, 4, [8], "l1"]);
      const s = tf.tensor2d([chainRep(0), chainRep(5)]);
      const g = tf.tensor2d([chainRep(9)]);
      const a = critic.distance(s, g);
      const b = loaded.distance(s, g);
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([s, g, a, b]);
      critic.dispose();
      loaded.dispose();
    });
    const other = mkdtempSync(join(tmpdir(), "critic-other-"));
    const w = tf.ones([2]);
    await saveWeights(other, { w }, { userDefinedMetadata: { kind: "HazardClassifier" } });
    w.dispose();
    const e = await TemporalDistanceCritic.load(other).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as Error).message).toMatch(/userDefinedMetadata must be \{kind: "TemporalDistanceCritic"/);
  });

  it("rejects inputs of the wrong size, naming what it expected", () => {
    const critic = new TemporalDistanceCritic({ dim: 3, embedding: 4, hidden: [8] });
    const s = tf.zeros([2, 4]) as tf.Tensor2D;
    expect(() => critic.embed(s)).toThrow(/expected representations \[N, 3\] \(got \[2,4\]\)/);
    expect(() =>
      fitCritic(critic, { reps: new Float32Array(10), windows: 1, length: 2 }, { rng: new Rng(0) }),
    ).toThrow(/reps has 10 values; expected 1 x 2 x 3/);
    s.dispose();
    critic.dispose();
  });
});

describe("criticTerm", () => {
  // A stand-in critic: the distance is the first coordinate's gap to the goal.
  const gap = (s: tf.Tensor2D, goal: tf.Tensor2D) =>
    tf.tidy(
      () =>
        tf.reshape(
          tf.abs(tf.sub(tf.slice(s, [0, 0], [-1, 1]), tf.slice(goal, [0, 0], [-1, 1]))),
          [-1],
        ) as tf.Tensor1D,
    );

  it("is the critic at the last imagined state (terminal cost), or summed over the steps", async () => {
    await withLeakCheck(() => {
      const traj = trajectoryOf(
        [
          [
            [1, 0],
            [3, 0],
          ],
          [
            [2, 0],
            [2, 0],
          ],
        ],
        [
          [[0], [0]],
          [[0], [0]],
        ],
      );
      const goal = tf.tensor2d([[0, 0]]);
      const last = criticTerm(gap).evaluate(traj, goal);
      const sum = criticTerm(gap, { reduce: "sum" }).evaluate(traj, goal);
      expect(Array.from(last.dataSync())).toEqual([3, 2]);
      expect(Array.from(sum.dataSync())).toEqual([4, 4]);
      tf.dispose([last, sum, goal, traj.states, traj.actions, traj.start]);
    });
  });

  it("adds the jump check: each imagined move the critic measures above one step, from the start", async () => {
    await withLeakCheck(() => {
      // Candidate 0 moves 1 then 3 along the first coordinate (one jump of excess 2); candidate 1 moves 2, 0.
      const traj = trajectoryOf(
        [
          [
            [1, 0],
            [4, 0],
          ],
          [
            [2, 0],
            [2, 0],
          ],
        ],
        [
          [[0], [0]],
          [[0], [0]],
        ],
        [0, 0],
      );
      const goal = tf.tensor2d([[4, 0]]);
      const cost = criticTerm(gap, { jumpPenalty: 10 }).evaluate(traj, goal);
      expect(Array.from(cost.dataSync())).toEqual([0 + 10 * 2, 2 + 10 * 1]);
      tf.dispose([cost, goal, traj.states, traj.actions, traj.start]);
    });
  });

  it("refuses an unknown reduce with an InputError", () => {
    expect(() => criticTerm(gap, { reduce: "max" as never })).toThrow(InputError);
  });
});
