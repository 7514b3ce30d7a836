import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileSystemError } from "@hjepa/errors";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type DatasetLayout, DatasetWriter } from "./datasetWriter.ts";
import { openDataset } from "./openDataset.ts";

/** Lets a test make `writeSync` fail the way a full disk does. */
const hooks = vi.hoisted(() => ({ writeSync: null as null | (() => never) }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    writeSync: (...args: Parameters<typeof fs.writeSync>) =>
      hooks.writeSync ? hooks.writeSync() : fs.writeSync(...args),
  };
});
afterEach(() => {
  hooks.writeSync = null;
});

const root = mkdtempSync(join(tmpdir(), "hjepa-writer-"));
const layout: DatasetLayout = { stateDim: 2, action: { kind: "discrete" }, obs: null };

function failure(fn: () => unknown): FileSystemError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FileSystemError);
    expect((e as Error).message).not.toContain("\n");
    return e as FileSystemError;
  }
  throw new Error("expected a failure");
}

describe("DatasetWriter file-system failures name the dataset path", () => {
  it("writes and commits a small dataset", () => {
    const path = join(root, "ok", "d.arrow");
    const w = new DatasetWriter(path, layout, {});
    w.append(0, 0, [0, 0], 1, 0, false, null);
    w.append(0, 1, [1, 0], null, 0, true, null);
    w.commit({ numFrames: 2 });
    expect(openDataset(path).numFrames).toBe(2);
    expect(readdirSync(join(root, "ok"))).toEqual(["d.arrow"]);
  });

  it("under a regular file: ENOTDIR, nothing written", () => {
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    const e = failure(() => new DatasetWriter(join(file, "d.arrow"), layout, {}));
    expect(e.code).toBe("ENOTDIR");
    expect(e.message).toBe(
      `${file}/d.arrow: cannot write the dataset (a part of the path is a file, not a folder, ENOTDIR)`,
    );
  });

  it("a folder as the target: EISDIR before anything is collected, nothing written", () => {
    const dir = join(root, "target");
    mkdirSync(join(dir, "d.arrow"), { recursive: true });
    const e = failure(() => new DatasetWriter(join(dir, "d.arrow"), layout, {}));
    expect(e.code).toBe("EISDIR");
    expect(e.message).toBe(`${dir}/d.arrow: cannot write the dataset (is a folder; expected a file, EISDIR)`);
    expect(readdirSync(dir)).toEqual(["d.arrow"]);
  });

  it("a full disk: ENOSPC, and the temp file is removed", () => {
    const dir = join(root, "full");
    const w = new DatasetWriter(join(dir, "d.arrow"), layout, {}, { batchSize: 1 });
    hooks.writeSync = () => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    };
    const e = failure(() => w.append(0, 0, [0, 0], 1, 0, false, null));
    w.discard();
    expect(e.code).toBe("ENOSPC");
    expect(e.message).toMatch(/full\/d\.arrow: cannot write the dataset \(no space left on the device/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
