/**
 * A sweep's grid: `--grid 'path=a,b,c'` flags, each an axis of config overrides, expanded to every
 * combination (the settings, first axis slowest), and `--seeds`. Values are read as `--set` reads them (JSON
 * when valid, a plain string otherwise), split at the commas that are not inside brackets, braces or quotes,
 * so `--grid 'world.levels[0].model.encoder.hidden=[32,32],[64,64]'` has two values.
 */
import { InputError } from "@hjepa/errors";
import { parseOverride } from "@hjepa/experiment";
import { contentHash } from "../jobs/job.ts";

export interface GridAxis {
  /** The config field, as given (`world.levels[0].train.lr`). */
  path: string;
  /** Its values: as typed (for labels and `--set`) and as parsed. */
  values: { text: string; value: unknown }[];
}

/** One combination of axis values. */
export interface Setting {
  /** Short and stable: the first 12 hex digits of the hash of its values (folder names, table keys). */
  key: string;
  /** `path=value` per axis, joined by spaces: what tables and legends show. */
  label: string;
  /** `path=value` texts, in axis order, as `--set` takes them. */
  overrides: string[];
  /** Axis path -> parsed value. */
  values: Record<string, unknown>;
}

/** Most settings one sweep may have: a typo in a grid should not enqueue a million jobs. */
export const MAX_SETTINGS = 1000;

export function parseGrid(texts: readonly string[]): GridAxis[] {
  const axes = texts.map((text): GridAxis => {
    const eq = text.indexOf("=");
    if (eq <= 0)
      throw new InputError(`--grid ${text}: expected path=value,value,... (e.g. train.lr=0.001,0.003)`);
    const path = text.slice(0, eq).trim();
    const values = splitValues(text.slice(eq + 1), text).map((v) => ({
      text: v,
      // The same reading and the same path checks as --set (a path like a..b is refused here, naming --grid).
      value: parseOverrideAs(`${path}=${v}`, text).value,
    }));
    if (values.length === 0) throw new InputError(`--grid ${text}: no values after "="`);
    const seen = new Set<string>();
    for (const v of values) {
      const k = JSON.stringify(v.value);
      if (seen.has(k)) throw new InputError(`--grid ${text}: the value ${v.text} is given twice`);
      seen.add(k);
    }
    return { path, values };
  });
  const paths = axes.map((a) => a.path);
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice !== undefined) throw new InputError(`--grid: ${twice} is given twice (give each field once)`);
  return axes;
}

/** Every combination of the axes' values, the first axis slowest; no axes: the one setting of no overrides. */
export function expandGrid(axes: readonly GridAxis[]): Setting[] {
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  if (count > MAX_SETTINGS)
    throw new InputError(`--grid: ${count} settings (at most ${MAX_SETTINGS}); use fewer values`);
  let combos: { text: string; value: unknown }[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => [...c, v]));
  return combos.map((combo) => {
    const overrides = combo.map((v, i) => `${axes[i]?.path}=${v.text}`);
    const values = Object.fromEntries(combo.map((v, i) => [axes[i]?.path as string, v.value]));
    return {
      key: contentHash(values).slice(0, 12),
      label: overrides.length > 0 ? overrides.join(" ") : "(the config as it is)",
      overrides,
      values,
    };
  });
}

/** `--seeds N`: seeds 1..N (as comparison files number them); or an explicit list `1,4,9`. */
export function parseSeeds(text: string): number[] {
  const given = text.trim();
  const bad = () =>
    new InputError(`--seeds must be a count like 3 (seeds 1, 2, 3) or a list like 1,4,9 (got "${text}")`);
  if (/^\d+$/.test(given)) {
    const n = Number(given);
    if (n < 1 || n > 1000) throw bad();
    return Array.from({ length: n }, (_, i) => i + 1);
  }
  const parts = given.split(",").map((s) => s.trim());
  const seeds = parts.map(Number);
  if (parts.some((p) => p === "") || seeds.some((s) => !Number.isSafeInteger(s) || s < 0)) throw bad();
  if (new Set(seeds).size !== seeds.length) throw new InputError(`--seeds ${text}: a seed is given twice`);
  return seeds;
}

function parseOverrideAs(text: string, flag: string) {
  try {
    return parseOverride(text);
  } catch (e) {
    if (e instanceof InputError)
      throw new InputError(`--grid ${flag}: ${e.message.replace(/^--set [^:]*: /, "")}`);
    throw e;
  }
}

/** Splits at top-level commas: not inside [], {} or a double-quoted string. */
function splitValues(text: string, flag: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
    if (depth < 0) throw new InputError(`--grid ${flag}: unbalanced brackets`);
  }
  if (depth !== 0 || quoted) throw new InputError(`--grid ${flag}: unbalanced brackets or quotes`);
  out.push(text.slice(start).trim());
  if (out.some((v) => v === ""))
    throw new InputError(`--grid ${flag}: an empty value (two commas in a row?)`);
  return out;
}
