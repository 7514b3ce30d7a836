import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { fileSystemError } from "@hjepa/errors";
import { tempPathFor } from "./crashSafety.ts";

/**
 * Creates folder `dir` and its parents. When `dir` or a parent is a regular file, the error has code ENOTDIR
 * (Node says EEXIST when `dir` itself is a file, which reads as "already exists").
 */
export function ensureFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: "ENOTDIR" });
  }
}

/**
 * Writes a file so that readers only ever see the old or the new content: write a temp file beside the target,
 * flush it, then rename over the target (rename is atomic within one filesystem). The folder is created if
 * missing. A file-system failure (a file where a folder should be, a folder as the target, a full disk, a name
 * too long) is a `FileSystemError` naming `path` and what was being done (`doing`, e.g. "write the task set");
 * the temp file never outlives a failure.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, doing = "write the file"): void {
  // The crash-safety temp name: a SIGKILL mid-write leaves it for `removeStaleTemps` to find.
  const tmp = tempPathFor(path);
  let fd: number | null = null;
  let created = false;
  try {
    ensureFolder(dirname(path));
    fd = openSync(tmp, "w");
    created = true;
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done, bytes.byteLength - done);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // Already failing: the first error is the one to report.
      }
    }
    if (created) rmSync(tmp, { force: true });
    throw fileSystemError(e, path, doing);
  }
}

/** `writeFileAtomic` of pretty-printed JSON with a trailing newline. */
export function writeJsonAtomic(path: string, value: unknown, doing = "write the file"): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, doing);
}
