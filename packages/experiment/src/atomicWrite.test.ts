import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileSystemError } from "@hjepa/errors";
import { afterEach, describe, expect, it, vi } from "vitest";
import { writeFileAtomic, writeJsonAtomic } from "./atomicWrite.ts";

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

function failure(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a failure");
}

describe("writeFileAtomic", () => {
  const root = mkdtempSync(join(tmpdir(), "hjepa-atomic-"));

  it("writes the whole file and leaves no temp file", () => {
    const dir = join(root, "ok");
    writeJsonAtomic(join(dir, "x.json"), { ok: true });
    writeJsonAtomic(join(dir, "x.json"), { ok: false });
    expect(readdirSync(dir)).toEqual(["x.json"]);
    expect(JSON.parse(readFileSync(join(dir, "x.json"), "utf8"))).toEqual({ ok: false });
  });

  it("under a regular file: a FileSystemError naming the path (ENOTDIR)", () => {
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    const e = failure(() => writeFileAtomic(join(file, "out.json"), "{}", "write the task set"));
    expect(e).toBeInstanceOf(FileSystemError);
    expect((e as FileSystemError).code).toBe("ENOTDIR");
    expect((e as Error).message).toBe(
      `${file}/out.json: cannot write the task set (a part of the path is a file, not a folder, ENOTDIR)`,
    );
  });

  it("a folder as the target: a FileSystemError (EISDIR), the folder untouched, no temp file", () => {
    const dir = join(root, "target-is-dir");
    mkdirSync(join(dir, "out.png", "inside"), { recursive: true });
    const e = failure(() => writeFileAtomic(join(dir, "out.png"), new Uint8Array(4)));
    expect(e).toBeInstanceOf(FileSystemError);
    expect((e as FileSystemError).code).toBe("EISDIR");
    expect((e as Error).message).toMatch(
      /out\.png: cannot write the file \(is a folder; expected a file, EISDIR\)/,
    );
    expect(readdirSync(dir)).toEqual(["out.png"]);
    expect(readdirSync(join(dir, "out.png"))).toEqual(["inside"]);
  });

  it("a name too long: a FileSystemError (ENAMETOOLONG)", () => {
    const dir = join(root, "long");
    const e = failure(() => writeFileAtomic(join(dir, `${"n".repeat(300)}.json`), "{}"));
    expect(e).toBeInstanceOf(FileSystemError);
    expect((e as FileSystemError).code).toBe("ENAMETOOLONG");
    expect((e as Error).message).not.toContain("\n");
  });

  it("a full disk: a FileSystemError (ENOSPC), the old content kept and the temp file removed", () => {
    const dir = join(root, "full");
    writeFileAtomic(join(dir, "data.bin"), "old");
    hooks.writeSync = () => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    };
    const e = failure(() => writeFileAtomic(join(dir, "data.bin"), "new", "write the dataset"));
    expect(e).toBeInstanceOf(FileSystemError);
    expect((e as Error).message).toBe(
      `${dir}/data.bin: cannot write the dataset (no space left on the device; free some space and run again, ENOSPC)`,
    );
    expect(readdirSync(dir)).toEqual(["data.bin"]);
    expect(readFileSync(join(dir, "data.bin"), "utf8")).toBe("old");
  });

  it("a bug (not a file-system failure) passes through unchanged, and the temp file is still removed", () => {
    const dir = join(root, "bug");
    mkdirSync(dir, { recursive: true });
    const bug = new TypeError("not a file-system error");
    hooks.writeSync = () => {
      throw bug;
    };
    expect(failure(() => writeFileAtomic(join(dir, "x"), "data"))).toBe(bug);
    expect(readdirSync(dir)).toEqual([]);
  });
});
