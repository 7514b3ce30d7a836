import { readFileSync } from "node:fs";
import type { z } from "zod";
import { applyOverrides } from "./overrides.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** `a.b[1].c` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const k of path) out += typeof k === "number" ? `[${k}]` : out === "" ? String(k) : `.${String(k)}`;
  return out === "" ? "(root)" : out;
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let v = obj;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/**
 * Validates `raw` against `schema`. Every problem becomes one line "source: field.path message (got value)";
 * all lines are reported together.
 */
export function validateConfig<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const lines = r.error.issues.map((issue) => {
    const got = valueAt(raw, issue.path);
    const gotText = got === undefined ? "missing" : JSON.stringify(got);
    return `${source}: ${formatPath(issue.path)} ${issue.message.replace(/^Invalid input: /, "")} (got ${gotText})`;
  });
  throw new ConfigError(lines.join("\n"));
}

/** Reads a JSON config file, applies `--set` overrides, and validates the result. */
export function loadConfig<S extends z.ZodType>(
  file: string,
  schema: S,
  overrides: readonly string[] = [],
): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`${file}: cannot read config (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  let withOverrides: unknown;
  try {
    withOverrides = applyOverrides(raw, overrides);
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message}`);
  }
  return validateConfig(schema, withOverrides, file);
}
