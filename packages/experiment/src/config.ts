import { readFileSync } from "node:fs";
import { InputError, oneLine, onFileSystem } from "@hjepa/errors";
import type { z } from "zod";
import { migrateConfig } from "./migrate.ts";
import { applyOverrides, OverrideError } from "./overrides.ts";

export class ConfigError extends InputError {
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
  throw new ConfigError(issueLines(r.error, raw, source).join("\n"));
}

/** One line per zod issue: "source: field.path message (got value)" (shared by files that are not configs). */
export function issueLines(error: z.ZodError, raw: unknown, source: string): string[] {
  return error.issues.map((issue) => {
    const got = valueAt(raw, issue.path);
    const gotText = got === undefined ? "missing" : JSON.stringify(got);
    return `${source}: ${formatPath(issue.path)} ${issue.message.replace(/^Invalid input: /, "")} (got ${gotText})`;
  });
}

/**
 * Reads a JSON config file, migrates it to the current schema version (`migrateConfig`; each step's one-line
 * note goes to `onNote`, by default stderr), applies `--set` overrides, and validates the result.
 */
export function loadConfig<S extends z.ZodType>(
  file: string,
  schema: S,
  overrides: readonly string[] = [],
  {
    onNote = (line: string) => process.stderr.write(`note: ${line}\n`),
  }: { onNote?: (line: string) => void } = {},
): z.output<S> {
  const text = onFileSystem(file, "read the config", () => readFileSync(file, "utf8"));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${oneLine((e as Error).message)})`);
  }
  const migrated = migrateConfig(raw, file);
  for (const note of migrated.notes) onNote(note);
  let withOverrides: unknown;
  try {
    withOverrides = applyOverrides(migrated.config, overrides);
  } catch (e) {
    if (!(e instanceof OverrideError)) throw e;
    throw new ConfigError(`${file}: ${e.message}`);
  }
  return validateConfig(schema, withOverrides, file);
}
