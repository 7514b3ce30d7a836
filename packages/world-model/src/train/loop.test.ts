import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunFolder, trainSchema } from "@hjepa/experiment";
import { ParamStore } from "@hjepa/perception";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { Rng } from "gymnasium-js";
import { beforeAll, describe, expect, it } from "vitest";
import { latestCheckpoint } from "./checkpoint.ts";
import { runTraining, type Trainable, type TrainingLoopOptions } from "./loop.ts";

const root = mkdtempSync(join(tmpdir(), "hjepa-loop-"));

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
});

/** Fits y = 2x with one weight; `c` is a non-trainable parameter that checkpoints carry. */
class Line implements Trainable {
  readonly params = new ParamStore();
  readonly w = this.params.add("w", tf.zeros([1]));
  readonly c = this.params.add("c", tf.zeros([1]), { trainable: false });
}

/** The loop's options for a Line: batches of 8 normal x, an exact fit at w = 2. */
function options(model: Line, train: object, extra: Partial<TrainingLoopOptions<Line>> = {}) {
  const rng = new Rng(7);
  return {
    model,
    train: trainSchema.parse({ steps: 30, batchSize: 8, lr: 0.3, warmupSteps: 0, logEvery: 10, ...train }),
    diagnosticsEvery: 10,
    rngs: { sample: rng.derive("sample"), loss: rng.derive("loss") },
    sample: (r: Rng) => ({
      obs: tf.tensor2d(
        Float32Array.from({ length: 8 }, () => r.normal()),
        [8, 1],
      ),
      actions: tf.zeros([8, 1, 1]) as tf.Tensor3D,
    }),
    loss: (batch: { obs: tf.Tensor }) => {
      const fit = tf.mean(tf.square(tf.sub(tf.mul(batch.obs, model.w), tf.mul(batch.obs, 2)))) as tf.Scalar;
      return { total: tf.mul(fit, 1) as tf.Scalar, fit };
    },
    checkpointMeta: { what: "line" },
    ...extra,
  } satisfies TrainingLoopOptions<Line>;
}

describe("runTraining", () => {
  it("trains the given model in place; afterStep sees every step, onFinish runs once before the last save", async () => {
    await withLeakCheck(async () => {
      const run = RunFolder.create({ name: "given", config: {}, root });
      const model = new Line();
      const events: string[] = [];
      const r = await runTraining(
        options(
          model,
          { checkpointEvery: 100 },
          {
            run,
            afterStep: (step) => events.push(`step ${step}`),
            diagnose: (m, step) => {
              events.push(`diagnose ${step}`);
              return { w: m.w.dataSync()[0] };
            },
            onFinish: () => {
              events.push("finish");
              tf.tidy(() => model.c.assign(tf.ones([1])));
            },
          },
        ),
      );
      expect([r.status, r.step, r.message]).toEqual(["finished", 30, "trained 30 steps"]);
      expect(r.losses.at(-1)).toBeLessThan((r.losses[0] as number) / 100);
      expect(model.w.dataSync()[0]).toBeCloseTo(2, 1);
      expect(events.filter((e) => e.startsWith("step"))).toEqual(
        Array.from({ length: 30 }, (_, i) => `step ${i}`),
      );
      expect(events.slice(-3)).toEqual(["step 29", "diagnose 30", "finish"]);
      expect(events).toContain("diagnose 20");
      // The final checkpoint carries what onFinish set: a resumed copy loads it and has nothing to do.
      const copy = new Line();
      const again = await runTraining(options(copy, {}, { run, resume: true }));
      expect([again.status, again.lastDiagnostics]).toEqual([
        "alreadyFinished",
        { step: 30, w: r.lastDiagnostics?.w },
      ]);
      expect([copy.w.dataSync()[0], copy.c.dataSync()[0]]).toEqual([model.w.dataSync()[0], 1]);
      model.params.dispose();
      copy.params.dispose();
    });
  });

  it("loops tagged apart share a run: one resumes exactly, leaving the other's records and checkpoints", async () => {
    const run = RunFolder.create({ name: "tags", config: {}, root });
    const tagged = (part: string) => ({
      checkpointsDir: join(run.checkpointsDir, part),
      metricsTag: { part },
      label: `part ${part}`,
      diagnose: () => ({ part: "ignored", marker: part }),
    });
    const a = new Line();
    await runTraining(options(a, { steps: 20 }, { run, ...tagged("a") }));
    const full = new Line();
    const uninterrupted = await runTraining(options(full, {}, tagged("b")));
    const first = new Line();
    const stopped = await runTraining(options(first, {}, { run, stopAfter: 15, ...tagged("b") }));
    expect([stopped.step, stopped.message]).toEqual([
      15,
      "part b stopped after step 15 as asked; checkpoint saved",
    ]);
    const second = new Line();
    const resumed = await runTraining(options(second, {}, { run, resume: true, ...tagged("b") }));
    expect([...stopped.losses, ...resumed.losses]).toEqual(uninterrupted.losses);
    expect(second.w.dataSync()).toEqual(full.w.dataSync());
    expect(run.metrics().map((m) => [m.kind, m.part, m.step])).toEqual([
      ["train", "a", 10],
      ["diagnostics", "a", 10],
      ["train", "a", 20],
      ["diagnostics", "a", 20],
      ["train", "b", 10],
      ["diagnostics", "b", 10],
      ["train", "b", 20],
      ["diagnostics", "b", 20],
      ["train", "b", 30],
      ["diagnostics", "b", 30],
    ]);
    expect(latestCheckpoint(join(run.checkpointsDir, "a"))).toMatch(/step-0000020$/);
    const again = await runTraining(
      options(new Line(), { steps: 20 }, { run, resume: true, ...tagged("a") }),
    );
    expect([again.status, again.message]).toEqual([
      "alreadyFinished",
      `${run.dir} part a already finished (trained 20 steps); nothing to do`,
    ]);
    expect(again.lastDiagnostics).toEqual({ step: 20, marker: "a" });
    for (const m of [a, full, first, second]) m.params.dispose();
  });

  it("a diverging loss names the label and the training settings' place in the config", async () => {
    const model = new Line();
    const r = await runTraining(
      options(
        model,
        { lr: 1e6, clipNorm: 0, explodeFactor: 10 },
        { label: "level 9", settingsField: "world.levels[8].train" },
      ),
    );
    expect(r.status).toBe("diverged");
    expect(r.message).toMatch(/^level 9 loss (exploded|became).* Try a lower world\.levels\[8\]\.train\.lr/);
    model.params.dispose();
  });
});
