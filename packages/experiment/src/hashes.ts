import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** The sha256 of a file's bytes, in hex. */
export function fileSha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Every file under `dir` (recursively) with its sha256, keyed by its path relative to `dir` ("a/b.json"). */
export function treeSha256(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(path).isDirectory()) Object.assign(out, treeSha256(path, rel));
    else out[rel] = fileSha256(path);
  }
  return out;
}
