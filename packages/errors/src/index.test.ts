import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CheckpointError,
  DataError,
  EnvironmentError,
  FileSystemError,
  fileSystemError,
  HjepaError,
  InputError,
  isHjepaError,
  oneLine,
  onFileSystem,
} from "./index.ts";

describe("typed errors", () => {
  it("every kind is an HjepaError with its own kind and name", () => {
    const all = [
      new InputError("a"),
      new DataError("b"),
      new CheckpointError("c"),
      new EnvironmentError("d"),
      new FileSystemError("e", "/x", "ENOENT"),
    ];
    expect(all.map((e) => e.kind)).toEqual(["input", "data", "checkpoint", "environment", "filesystem"]);
    expect(all.map((e) => e.name)).toEqual([
      "InputError",
      "DataError",
      "CheckpointError",
      "EnvironmentError",
      "FileSystemError",
    ]);
    for (const e of all) expect(isHjepaError(e) && e instanceof HjepaError).toBe(true);
    expect(isHjepaError(new TypeError("bug"))).toBe(false);
  });

  it("turns a real file-system failure into a FileSystemError naming the path, and leaves bugs alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "hjepa-errors-"));
    try {
      const file = join(dir, "plain");
      writeFileSync(file, "x");
      const under = join(file, "out.arrow");
      let caught: unknown;
      try {
        onFileSystem(under, "write the dataset", () => writeFileSync(under, "y"));
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(FileSystemError);
      expect((caught as FileSystemError).code).toBe("ENOTDIR");
      expect((caught as Error).message).toBe(
        `${under}: cannot write the dataset (a part of the path is a file, not a folder, ENOTDIR)`,
      );
      const bug = new TypeError("x is undefined");
      expect(fileSystemError(bug, under, "write")).toBe(bug);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("oneLine joins lines", () => {
    expect(oneLine("a\n  b\nc\n")).toBe("a; b; c");
  });
});

describe("errors across processes", () => {
  it("keeps the class of a user error and the stack of a bug", async () => {
    const { serializeError, deserializeError } = await import("./index.ts");
    const round = (e: unknown) => deserializeError(JSON.parse(JSON.stringify(serializeError(e))));
    const input = round(new InputError("--planner mpi: unknown"));
    expect(input).toBeInstanceOf(InputError);
    expect(input.message).toBe("--planner mpi: unknown");
    const fs = round(new FileSystemError("x: full", "/x", "ENOSPC")) as FileSystemError;
    expect(fs).toBeInstanceOf(FileSystemError);
    expect([fs.path, fs.code]).toEqual(["/x", "ENOSPC"]);
    const bug = new TypeError("cannot read properties of undefined");
    const back = round(bug);
    expect(isHjepaError(back)).toBe(false);
    expect(back.name).toBe("TypeError");
    expect(back.stack).toBe(bug.stack);
  });
});
