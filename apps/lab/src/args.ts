import { statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { InputError } from "@hjepa/errors";

/** An integer flag within [min, max]; `fallback` when absent (absent and no fallback: required). */
export function intFlag(
  name: string,
  value: string | undefined,
  fallback?: number,
  { min = 1, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  if (value === undefined) {
    if (fallback === undefined) throw new InputError(`--${name} is required (an integer ${range})`);
    return fallback;
  }
  const n = value.trim() === "" ? Number.NaN : Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(`--${name} must be an integer ${range} (got "${value}")`);
  }
  return n;
}

export function required(name: string, value: string | undefined, what: string): string {
  if (value === undefined || value === "") throw new InputError(`--${name} is required (${what})`);
  return value;
}

/** A point "x,y" (or "r,c" / "r,c,k"): comma-separated finite numbers. */
export function pointFlag(name: string, value: string | undefined): number[] {
  const v = required(name, value, "comma-separated numbers, e.g. 1.5,2.5");
  const parts = v.split(",").map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.some((p) => p === "") || nums.some((n) => !Number.isFinite(n))) {
    throw new InputError(`--${name} must be comma-separated numbers like 1.5,2.5 (got "${v}")`);
  }
  return nums;
}

/** User paths are relative to where the user ran `pnpm hjepa` (pnpm runs scripts from the package root). */
export function userPath(p: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/**
 * An output file named by a flag, checked before any work starts: it must end in `ext` and must not be an
 * existing folder. (A parent that is a file, a full disk or a name too long are reported when writing.)
 */
export function outFile(name: string, value: string | undefined, ext: string): string {
  const given = required(name, value, `a ${ext} file to write`);
  if (extname(given).toLowerCase() !== ext)
    throw new InputError(`--${name} must be a ${ext} file (got "${given}")`);
  const path = userPath(given);
  if (isFolder(path)) throw new InputError(`--${name} ${given} is a folder; expected a ${ext} file`);
  return path;
}

export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
