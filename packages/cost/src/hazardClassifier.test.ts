import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointError } from "@hjepa/errors";
import { initTensors, saveWeights, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { HazardClassifier } from "./hazardClassifier.ts";

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

/**
 * Representations in 4-D; a hazard is a disc of radius 1 around (2, 2) in the first two coordinates (about
 * 10% of the points: imbalanced, as hazards are). Points within 0.15 of the boundary are dropped so the
 * classes are separable with a margin.
 */
function hazardData(n: number, seed: number, linear: boolean): { reps: Float32Array; labels: Uint8Array } {
  const rng = new Rng(seed);
  const reps = new Float32Array(n * 4);
  const labels = new Uint8Array(n);
  let i = 0;
  while (i < n) {
    const x = [rng.uniform(0, 4), rng.uniform(0, 4), rng.normal(), rng.normal()];
    const margin = linear
      ? (x[0] as number) + (x[1] as number) - 6
      : 1 - Math.hypot((x[0] as number) - 2, (x[1] as number) - 2);
    if (Math.abs(margin) < 0.15) continue;
    reps.set(x, i * 4);
    labels[i] = margin > 0 ? 1 : 0;
    i++;
  }
  return { reps, labels };
}

describe("HazardClassifier", () => {
  it("logistic regression separates a linearly separable, imbalanced problem (held-out accuracy > 0.99)", async () => {
    await withLeakCheck(() => {
      const train = hazardData(600, 1, true);
      const test = hazardData(400, 2, true);
      const clf = new HazardClassifier({ dim: 4, hidden: 0 });
      const fit = clf.fit(train.reps, train.labels, { epochs: 100, lr: 0.1, batchSize: 64, rng: new Rng(3) });
      expect(fit.positives).toBeGreaterThan(20);
      expect(fit.positives).toBeLessThan(200);
      expect(fit.losses.at(-1) as number).toBeLessThan((fit.losses[0] as number) / 2);
      expect(fit.accuracy).toBeGreaterThan(0.99);
      expect(clf.accuracy(test.reps, test.labels)).toBeGreaterThan(0.99);
      clf.dispose();
    });
  });

  it("the one-hidden-layer MLP learns a disc-shaped hazard, is seeded, and saves/loads exactly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hazard-"));
    await withLeakCheck(async () => {
      const train = hazardData(800, 4, false);
      const test = hazardData(400, 5, false);
      const clf = new HazardClassifier({ dim: 4, hidden: 16 });
      const fit = clf.fit(train.reps, train.labels, {
        epochs: 80,
        lr: 0.02,
        batchSize: 128,
        rng: new Rng(6),
      });
      expect(fit.accuracy).toBeGreaterThan(0.95);
      expect(clf.accuracy(test.reps, test.labels)).toBeGreaterThan(0.95);

      const again = new HazardClassifier({ dim: 4, hidden: 16 });
      const fit2 = again.fit(train.reps, train.labels, {
        epochs: 80,
        lr: 0.02,
        batchSize: 128,
        rng: new Rng(6),
      });
      expect(fit2.losses).toEqual(fit.losses);

      await clf.save(dir);
      const loaded = await HazardClassifier.load(dir);
      const x = tf.tensor2d(test.reps, [400, 4]);
      const a = clf.predict(x);
      const b = loaded.predict(x);
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([x, a, b]);
      for (const c of [clf, again, loaded]) c.dispose();
    });
  });

  it("rejects mismatched inputs with the sizes it expected", () => {
    const clf = new HazardClassifier({ dim: 3 });
    expect(() => clf.fit(new Float32Array(5), new Uint8Array(2), { rng: new Rng(0) })).toThrow(
      /reps has 5 values; expected labels.length x dim = 2 x 3/,
    );
    expect(() => clf.fit(new Float32Array(3), Uint8Array.from([2]), { rng: new Rng(0) })).toThrow(
      /labels\[0\] = 2; expected 0 or 1/,
    );
    const x = tf.zeros([2, 4]) as tf.Tensor2D;
    expect(() => clf.predict(x)).toThrow(/expected representations \[N, 3\] \(got \[2,4\]\)/);
    x.dispose();
    clf.dispose();
  });

  it("refuses to load a folder whose weights were not saved by HazardClassifier, naming model.json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hazard-other-"));
    const w = tf.ones([2]);
    await saveWeights(dir, { w }, { userDefinedMetadata: { kind: "something-else" } });
    w.dispose();
    const e = await HazardClassifier.load(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as Error).message).toMatch(
      /model\.json: userDefinedMetadata must be \{kind: "HazardClassifier"/,
    );
  });
});
