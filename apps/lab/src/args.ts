import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { InputError } from "./errors.ts";

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

/** Parses a command's flags strictly: unknown flags and stray positionals are input errors. */
export function parseFlags<O extends OptionSpec>(
  command: string,
  argv: string[],
  options: O,
  usage: string,
): { values: { [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string }; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    return { values: values as never, positionals };
  } catch (e) {
    throw new InputError(`hjepa ${command}: ${(e as Error).message.split("\n")[0]} (usage: ${usage})`);
  }
}

export function required(command: string, name: string, value: string | undefined, what: string): string {
  if (value === undefined || value === "")
    throw new InputError(`hjepa ${command}: --${name} is required (${what})`);
  return value;
}

/** A positive (or non-negative) integer flag. */
export function intFlag(
  command: string,
  name: string,
  value: string | undefined,
  fallback?: number,
  { min = 1 }: { min?: number } = {},
): number {
  if (value === undefined) {
    if (fallback === undefined)
      throw new InputError(`hjepa ${command}: --${name} is required (an integer >= ${min})`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new InputError(`hjepa ${command}: --${name} must be an integer >= ${min} (got "${value}")`);
  }
  return n;
}

/** A point "x,y" (or "r,c" / "r,c,k"): comma-separated finite numbers. */
export function pointFlag(command: string, name: string, value: string | undefined): number[] {
  const v = required(command, name, value, "comma-separated numbers, e.g. 1.5,2.5");
  const parts = v.split(",").map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.some((p) => p === "") || nums.some((n) => !Number.isFinite(n))) {
    throw new InputError(
      `hjepa ${command}: --${name} must be comma-separated numbers like 1.5,2.5 (got "${v}")`,
    );
  }
  return nums;
}

/** User paths are relative to where the user ran `pnpm hjepa` (pnpm runs scripts from the package root). */
export function userPath(p: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), p);
}
