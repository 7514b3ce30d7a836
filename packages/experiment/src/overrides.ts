import { InputError } from "@hjepa/errors";
/**
 * `--set path.to.field=value` overrides. The path uses dots and `[i]` indices (`world.levels[1].stride=4`);
 * the value is parsed as JSON when it is valid JSON (numbers, booleans, null, arrays, objects, quoted strings)
 * and taken as a plain string otherwise.
 */
export interface Override {
  path: (string | number)[];
  value: unknown;
  /** The text as given, for error messages. */
  text: string;
}

export class OverrideError extends InputError {
  override name = "OverrideError";
}

export function parseOverride(text: string): Override {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new OverrideError(`--set ${text}: expected path.to.field=value`);
  const pathText = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  const path: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  for (let m = re.exec(pathText); m !== null; m = re.exec(pathText)) {
    if (m[1] !== undefined) path.push(m[1]);
    else path.push(Number(m[2]));
  }
  // A strict shape: names joined by single dots, each optionally indexed (`train..steps` and `.a` are typos).
  if (path.length === 0 || !/^[^.[\]]+(\[\d+\])*(\.[^.[\]]+(\[\d+\])*)*$/.test(pathText)) {
    throw new OverrideError(`--set ${text}: "${pathText}" is not a field path like a.b[0].c`);
  }
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: keep the text as a string (so --set name=two-rooms works without quotes).
  }
  return { path, value, text };
}

/** Returns a deep copy of `config` with the override applied; intermediate objects are created as needed. */
export function applyOverride<T>(config: T, override: Override): T {
  const root = structuredClone(config) as unknown;
  let node = root as Record<string | number, unknown>;
  override.path.forEach((key, i) => {
    const last = i === override.path.length - 1;
    if (last) {
      node[key] = override.value;
      return;
    }
    let next = node[key];
    if (next === undefined || next === null) {
      next = typeof override.path[i + 1] === "number" ? [] : {};
      node[key] = next;
    }
    if (typeof next !== "object") {
      const at = override.path.slice(0, i + 1).join(".");
      throw new OverrideError(`--set ${override.text}: ${at} is a ${typeof next}, not an object`);
    }
    node = next as Record<string | number, unknown>;
  });
  return root as T;
}

export function applyOverrides<T>(config: T, texts: readonly string[]): T {
  return texts.reduce((c, t) => applyOverride(c, parseOverride(t)), config);
}
