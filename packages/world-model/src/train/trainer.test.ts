import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunFolder } from "@hjepa/experiment";
import { initTensors, tf, withLeakCheck } from "@hjepa/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../diagnose.ts";
import { toyConfig, toyData } from "../testing.ts";
import { latestCheckpoint, loadCheckpoint } from "./checkpoint.ts";
import { trainWorldModel } from "./trainer.ts";

const root = mkdtempSync(join(tmpdir(), "hjepa-trainer-"));
let data: Awaited<ReturnType<typeof toyData>>["data"];

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
  data = (await toyData(toyConfig(), root)).data;
});

describe("trainWorldModel", () => {
  it("learns: prediction beats the no-motion baseline and a linear probe reads the position", async () => {
    await initTensors({ backend: "wasm" });
    const config = toyConfig({
      train: { steps: 300, batchSize: 64, lr: 0.002 },
      model: { encoder: { type: "mlp", hidden: [64], dim: 8 }, predictor: { hidden: [64] } },
    });
    const diag = new Diagnostics(data, config.diagnostics, 11);
    const { model, status } = await trainWorldModel({ config, data });
    expect(status).toBe("finished");
    const r = diag.run(model);
    for (const p of r.prediction) expect(p.ratio).toBeLessThan(1);
    expect(r.probeR2).toBeGreaterThan(0.95);
    expect(r.collapsed).toEqual([]);
    model.dispose();
    await initTensors({ backend: "cpu" });
  });

  for (const backend of ["cpu", "wasm"]) {
    it(`gives the same loss curve bit for bit for the same seed (${backend})`, async () => {
      await initTensors({ backend: backend as "cpu" | "wasm" });
      const config = toyConfig({ train: { steps: 12 } });
      const a = await trainWorldModel({ config, data });
      const b = await trainWorldModel({ config, data });
      a.model.dispose();
      b.model.dispose();
      expect(a.losses).toEqual(b.losses);
      const c = await trainWorldModel({ config: { ...config, seed: config.seed + 1 }, data });
      c.model.dispose();
      expect(c.losses).not.toEqual(a.losses);
      await initTensors({ backend: "cpu" });
    });
  }

  it("leaks no tensors", async () => {
    await withLeakCheck(async () => {
      const { model } = await trainWorldModel({ config: toyConfig({ train: { steps: 3 } }), data });
      model.dispose();
    });
  });

  it("resumes from a checkpoint to exactly the uninterrupted result", async () => {
    const config = toyConfig({ train: { steps: 20, checkpointEvery: 100 } });
    const full = await trainWorldModel({ config, data });
    const fullWeights = full.model.params.entries().map(([, v]) => Array.from(v.dataSync()));
    full.model.dispose();

    const run = RunFolder.create({ name: "resume", config, root: join(root, "runs") });
    const first = await trainWorldModel({ config, data, run, stopAfter: 8 });
    first.model.dispose();
    expect(first.step).toBe(8);
    const second = await trainWorldModel({ config, data, run, resume: true });
    expect(second.step).toBe(20);
    expect([...first.losses, ...second.losses]).toEqual(full.losses);
    expect(second.model.params.entries().map(([, v]) => Array.from(v.dataSync()))).toEqual(fullWeights);
    second.model.dispose();
    const steps = run
      .metrics()
      .filter((m) => m.kind === "train")
      .map((m) => m.step);
    expect(steps).toEqual([10, 20]);
  });

  it("resuming a finished run changes nothing: no duplicate diagnostics, no new checkpoint", async () => {
    const config = toyConfig({ train: { steps: 20, checkpointEvery: 10 }, diagnostics: { every: 10 } });
    const run = RunFolder.create({ name: "finished", config, root: join(root, "runs") });
    const diag = new Diagnostics(data, config.diagnostics, 11);
    const diagnose = (m: Parameters<Diagnostics["run"]>[0]) =>
      diag.run(m) as unknown as Record<string, unknown>;
    const done = await trainWorldModel({ config, data, run, diagnose });
    done.model.dispose();
    expect(done.status).toBe("finished");
    const files = () => ({
      metrics: readFileSync(join(run.dir, "metrics.jsonl"), "utf8"),
      checkpoints: readdirSync(run.checkpointsDir).sort(),
      latest: readFileSync(join(run.checkpointsDir, "latest.json"), "utf8"),
    });
    const before = files();
    expect(
      run
        .metrics()
        .filter((r) => r.kind === "diagnostics")
        .map((r) => r.step),
    ).toEqual([10, 20]);
    const again = await trainWorldModel({ config, data, run, resume: true, diagnose });
    again.model.dispose();
    expect(again.status).toBe("alreadyFinished");
    expect(again.message).toMatch(/already finished \(trained 20 steps\); nothing to do/);
    expect(again.lastDiagnostics).toMatchObject({ step: 20 });
    expect(files()).toEqual(before);
  });

  it("resuming a run killed before its first checkpoint starts it over, to the uninterrupted result", async () => {
    const config = toyConfig({ train: { steps: 12, checkpointEvery: 100 } });
    const full = await trainWorldModel({ config, data });
    full.model.dispose();
    const run = RunFolder.create({ name: "early", config, root: join(root, "runs") });
    run.logMetrics({ kind: "train", step: 10, loss: { total: 1 } });
    // What a SIGKILL in the middle of saving leaves: a temp folder of a process that is gone.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    mkdirSync(join(run.checkpointsDir, `.step-0000010.${dead}-0.tmp`));
    const r = await trainWorldModel({ config, data, run, resume: true });
    r.model.dispose();
    expect(r.losses).toEqual(full.losses);
    expect(run.metrics().map((m) => m.step)).toEqual([10, 12]);
    expect(readdirSync(run.checkpointsDir).sort()).toEqual(["latest.json", "step-0000012"]);
  });

  it("round-trips a checkpoint and rejects a corrupted one with a clear error", async () => {
    const config = toyConfig({ train: { steps: 5 } });
    const run = RunFolder.create({ name: "ckpt", config, root: join(root, "runs") });
    const { model } = await trainWorldModel({ config, data, run });
    const dir = latestCheckpoint(run.checkpointsDir) as string;
    const vars = Object.fromEntries(model.params.entries());
    const before = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, Array.from(v.dataSync())]));
    for (const v of Object.values(vars)) v.assign(tf.zerosLike(v));
    const adamVars = Object.fromEntries(
      JSON.parse(readFileSync(join(dir, "model.json"), "utf8"))
        .weightsManifest[0].weights.filter((w: { name: string }) => w.name.startsWith("adam/"))
        .map((w: { name: string; shape: number[] }) => [w.name, tf.variable(tf.zeros(w.shape))]),
    );
    const state = await loadCheckpoint(dir, { ...vars, ...adamVars });
    expect(state.step).toBe(5);
    for (const [k, v] of Object.entries(vars)) expect(Array.from(v.dataSync())).toEqual(before[k]);
    const bin = join(dir, "weights.bin");
    const bytes = readFileSync(bin);
    bytes[10] = (bytes[10] as number) ^ 0xff;
    writeFileSync(bin, bytes);
    await expect(loadCheckpoint(dir, { ...vars, ...adamVars })).rejects.toThrow(
      /weights\.bin.*(does not match|sha256)/,
    );
    tf.dispose(Object.values(adamVars));
    model.dispose();
  });

  it("stops on a diverging loss with a clear message and keeps the last good checkpoint", async () => {
    const config = toyConfig({
      train: { steps: 30, lr: 1e6, clipNorm: 0, warmupSteps: 0, checkpointEvery: 1, explodeFactor: 10 },
    });
    const run = RunFolder.create({ name: "diverge", config, root: join(root, "runs") });
    const r = await trainWorldModel({ config, data, run });
    r.model.dispose();
    expect(r.status).toBe("diverged");
    expect(r.message).toMatch(/at step \d+; stopped without saving this state/);
    const last = latestCheckpoint(run.checkpointsDir);
    expect(last).not.toBeNull();
    expect(r.step).toBeGreaterThan(0);
  });
});
