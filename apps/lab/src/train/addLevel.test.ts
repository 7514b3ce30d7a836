import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunFolder, treeSha256 } from "@hjepa/experiment";
import { loadTrainedModel } from "@hjepa/runs";
import { toyData } from "@hjepa/runs/testing";
import { initTensors, readModelJson } from "@hjepa/tensor";
import { latestCheckpoint, levelCheckpointsDir, trainWorldModel } from "@hjepa/world-model";
import { toyConfig, toyLevel2 } from "@hjepa/world-model/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { adoptParent, checkAddLevel, checkParent } from "./addLevel.ts";
import { trainRun } from "./trainRun.ts";

// `hjepa train --add-level --from RUN` with a level trained jointly with the parent's (`frozenBelow: false`),
// as the command runs it (train.ts): check the configs, take the parent's checkpoints, train the run.
const root = mkdtempSync(join(tmpdir(), "hjepa-add-level-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const parentConfig = toyConfig();
const childConfig = toyConfig({
  upper: [toyLevel2({ frozenBelow: false, train: { steps: 20, checkpointEvery: 10 } })],
});

beforeAll(async () => {
  await initTensors({ backend: "wasm" });
});

describe("--add-level of a level trained jointly with the parent's", () => {
  it("writes the jointly trained level 1 into the new run only: the parent stays as it was", async () => {
    const { data } = await toyData(childConfig, root);
    const parent = RunFolder.create({ name: "parent", config: parentConfig, root: join(root, "runs") });
    const trained = await trainWorldModel({ config: parentConfig, data, run: parent });
    trained.model.dispose();
    parent.finish("finished", trained.message);
    const before = treeSha256(parent.dir);

    checkAddLevel(parent, parentConfig, childConfig);
    const child = RunFolder.create({ name: "child", config: childConfig, root: join(root, "runs") });
    adoptParent(parent, 1, child);
    checkParent(child);
    const quiet = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await trainRun(child, childConfig, data, true, new AbortController().signal);
    } finally {
      quiet.mockRestore();
    }
    expect(child.manifest.status).toBe("finished");
    expect(treeSha256(parent.dir)).toEqual(before);
    // The files taken from the parent are unchanged too; the jointly trained level 1 is in level 2's checkpoint.
    checkParent(child);
    const dir = latestCheckpoint(levelCheckpointsDir(child, 2)) as string;
    const names = (await readModelJson(dir)).weightsManifest.flatMap((g) => g.weights.map((w) => w.name));
    expect(names.some((n) => n.startsWith("level-1/encoder/"))).toBe(true);

    const [fromParent, fromChild] = await Promise.all([
      loadTrainedModel(parent.dir),
      loadTrainedModel(child.dir),
    ]);
    expect(fromParent.jointFrom).toBeNull();
    expect(fromChild.jointFrom).toMatchObject({ level: 2, step: 20 });
    const weights = (m: typeof fromParent.model) =>
      m.params.entries().map(([, v]) => Array.from(v.dataSync()));
    expect(weights(fromChild.model)).not.toEqual(weights(fromParent.model));
    fromParent.model.dispose();
    fromChild.model.dispose();
  }, 120_000);
});
