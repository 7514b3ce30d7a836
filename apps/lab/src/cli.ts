import { InputError } from "@hjepa/errors";

/** One flag of a command: its type, the value name and default shown in help, and what it is for. */
export interface FlagSpec {
  type: "string" | "boolean";
  /** Can be given several times (values collected in order). */
  multiple?: boolean;
  /** The name of its value in usage lines, e.g. "N" or "FILE.arrow". */
  value?: string;
  /** The default as shown in help; a flag without a default and with `required` must be given. */
  default?: string;
  required?: boolean;
  help: string;
}

export interface PositionalSpec {
  name: string;
  help: string;
  /** May be left out (only the last positionals can be). */
  optional?: boolean;
}

/** What `hjepa COMMAND --help` prints and what the parser accepts: nothing else is valid input. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Extra lines of help after the flags (behaviour, files written). */
  notes?: string[];
  positionals?: PositionalSpec[];
  flags: Record<string, FlagSpec>;
  examples: string[];
}

export type FlagValues<S extends CommandSpec> = {
  [K in keyof S["flags"]]?: S["flags"][K]["type"] extends "boolean"
    ? boolean
    : S["flags"][K]["multiple"] extends true
      ? string[]
      : string;
};

export interface Parsed<S extends CommandSpec> {
  values: FlagValues<S>;
  positionals: string[];
}

/** A command module: its spec (cheap to load, for help) and the code that runs it. */
export interface Command<S extends CommandSpec = CommandSpec> {
  spec: S;
  run(args: Parsed<S>): void | Promise<void>;
}

/** Identity with the types kept: `defineCommand({ spec, run })`. */
export function defineCommand<const S extends CommandSpec>(command: Command<S>): Command<S> {
  return command;
}

const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * Parses `argv` against `spec`, strictly: an unknown flag, a missing value, a flag given twice, a value for a
 * boolean, or a positional the command does not take is an `InputError` naming it and what is expected. A
 * value that starts with "-" is taken as the value when it is a number (`--seed -1` reaches the flag's own
 * check, which can say what range it expects).
 */
export function parseCommand<S extends CommandSpec>(spec: S, argv: readonly string[]): Parsed<S> {
  const see = `see: hjepa ${spec.name} --help`;
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const known = Object.keys(spec.flags);
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith("-") || token === "-" || NUMBER.test(token)) {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf("=");
    const name = token.startsWith("--")
      ? token.slice(2, eq < 0 ? undefined : eq)
      : token.slice(1, eq < 0 ? undefined : eq);
    const flag = token.startsWith("--") ? spec.flags[name] : undefined;
    if (flag === undefined) {
      const shown = eq < 0 ? token : token.slice(0, eq);
      const list = known.length
        ? `expected one of ${known.map((k) => `--${k}`).join(", ")}`
        : "it takes no flags";
      throw new InputError(`unknown flag ${shown} (${list}; ${see})`);
    }
    let value: string | boolean;
    if (flag.type === "boolean") {
      if (eq >= 0) throw new InputError(`--${name} takes no value (got "${token.slice(eq + 1)}")`);
      value = true;
    } else if (eq >= 0) {
      value = token.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-" && !NUMBER.test(next))) {
        throw new InputError(`--${name} needs a value (${describe(name, flag)}; ${see})`);
      }
      value = next;
      i++;
    }
    if (flag.multiple) {
      const list = (values[name] as string[] | undefined) ?? [];
      list.push(value as string);
      values[name] = list;
    } else {
      if (name in values) throw new InputError(`--${name} is given twice (give it once)`);
      values[name] = value;
    }
  }
  const expected = spec.positionals ?? [];
  if (positionals.length > expected.length) {
    const stray = positionals[expected.length] as string;
    const takes = expected.length
      ? `it takes ${expected.map((p) => p.name).join(" ")}`
      : "it takes no positional arguments";
    throw new InputError(`unexpected argument "${stray}" (${takes}; ${see})`);
  }
  const missing = expected[positionals.length];
  if (missing !== undefined && !missing.optional) {
    throw new InputError(`missing ${missing.name} (${missing.help}; ${see})`);
  }
  for (const [name, flag] of Object.entries(spec.flags)) {
    if (flag.required && !(name in values))
      throw new InputError(`--${name} is required (${describe(name, flag)}; ${see})`);
  }
  return { values: values as FlagValues<S>, positionals };
}

function describe(name: string, flag: FlagSpec): string {
  return `--${name} ${flag.value ?? "VALUE"}: ${flag.help}`;
}

/** The usage line: positionals, then required flags, then optional ones in brackets. */
export function usageLine(spec: CommandSpec): string {
  const parts = [
    `hjepa ${spec.name}`,
    ...(spec.positionals ?? []).map((p) => (p.optional ? `[${p.name}]` : p.name)),
  ];
  for (const [name, f] of Object.entries(spec.flags)) {
    const text = f.type === "boolean" ? `--${name}` : `--${name} ${f.value ?? "VALUE"}`;
    const shown = f.multiple ? `${text} ...` : text;
    parts.push(f.required ? shown : `[${shown}]`);
  }
  return parts.join(" ");
}

/** `hjepa COMMAND --help`: usage, every flag with its default, and examples. */
export function formatHelp(spec: CommandSpec): string {
  const rows: [string, string][] = [
    ...(spec.positionals ?? []).map((p): [string, string] => [p.name, p.help]),
    ...Object.entries(spec.flags).map(([name, f]): [string, string] => {
      const left = f.type === "boolean" ? `--${name}` : `--${name} ${f.value ?? "VALUE"}`;
      const tail = f.required ? " (required)" : f.default !== undefined ? ` (default: ${f.default})` : "";
      return [left, `${f.help}${f.multiple ? " (repeatable)" : ""}${tail}`];
    }),
    ["--help", "print this help and exit"],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  const lines = [
    `hjepa ${spec.name}: ${spec.summary}`,
    "",
    `usage: ${usageLine(spec)}`,
    "",
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`),
  ];
  if (spec.notes?.length) lines.push("", ...spec.notes);
  if (spec.examples.length) lines.push("", "examples:", ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join("\n")}\n`;
}

/** Whether `argv` asks for help (before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === "--") return false;
    if (a === "--help" || a === "-h") return true;
  }
  return false;
}
