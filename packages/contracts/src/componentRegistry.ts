import { InputError } from "@hjepa/errors";
import type { z } from "zod";

/**
 * A component a config can name (a planner, an encoder, a predictor, a cost term...): the zod schema of its
 * options, which fills defaults and states every bound, and what builds it from the parsed options.
 */
export interface Component<Options, Made> {
  readonly schema: z.ZodType<Options>;
  readonly create: (options: Options) => Made;
}

/** One problem with a component reference: the path into the config, what is wrong and the value found. */
export interface ComponentIssue {
  path: PropertyKey[];
  message: string;
  value: unknown;
}

/**
 * Where a component reference sits in a config: the field holding its name and the object holding its
 * options (for `{ type, ...options }` references, the same object; the name path then ends in "type").
 */
export interface ComponentPaths {
  name: readonly PropertyKey[];
  options: readonly PropertyKey[];
}

/** The options of a component, or an invalid name or option: an `InputError` with one line per problem. */
export class ComponentOptionError extends InputError {
  override name = "ComponentOptionError";
  constructor(readonly issues: readonly ComponentIssue[]) {
    super(issues.map(issueLine).join("\n"));
  }
}

/** `a.b[1].c` from a path. */
export function formatComponentPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const k of path) out += typeof k === "number" ? `[${k}]` : out === "" ? String(k) : `.${String(k)}`;
  return out === "" ? "(root)" : out;
}

function issueLine(issue: ComponentIssue): string {
  const got = issue.value === undefined ? "missing" : JSON.stringify(issue.value);
  return `${formatComponentPath(issue.path)} ${issue.message} (got ${got})`;
}

function toPaths(path: string | ComponentPaths): ComponentPaths {
  if (typeof path !== "string") return path;
  const keys = path === "" ? [] : path.split(".");
  return { name: keys, options: keys };
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let v = obj;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** The option names of an object schema (for "expected one of" on a typo), or null for another schema. */
function optionNames(schema: z.ZodType): string[] | null {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape !== undefined && typeof shape === "object" ? Object.keys(shape) : null;
}

/**
 * Validates the `options` of the component `name` against `schema` (what `ComponentRegistry.safeParse` does
 * once it has found the component). Issues carry their path below `optionsPath`; an unknown key is one issue
 * naming the valid option names; the same rule broken twice on one field is reported once.
 */
export function safeParseOptions<S extends z.ZodType>(
  name: string,
  schema: S,
  options: unknown,
  optionsPath: readonly PropertyKey[] = [],
): { success: true; data: z.output<S> } | { success: false; issues: ComponentIssue[] } {
  const r = schema.safeParse(options);
  if (r.success) return { success: true, data: r.data };
  const issues: ComponentIssue[] = [];
  const seen = new Set<string>();
  const add = (issue: ComponentIssue) => {
    const key = `${formatComponentPath(issue.path)}\u0000${issue.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push(issue);
  };
  for (const issue of r.error.issues) {
    const at = [...optionsPath, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const known = (optionNames(schema) ?? []).filter((k) => k !== "type");
      for (const key of issue.keys) {
        add({
          path: [...at, key],
          message: `is not an option of ${name}; expected one of ${known.join(", ") || "(no options)"}`,
          value: valueAt(options, [...issue.path, key]),
        });
      }
    } else {
      add({
        path: at,
        message: issue.message.replace(/^Invalid input: /, ""),
        value: valueAt(options, issue.path),
      });
    }
  }
  return { success: false, issues };
}

/**
 * Components of one kind registered by name, each with its own option schema: a config names a component and
 * its options are validated by that component's schema, so a research package adds a component by
 * registering it, without touching a shared schema or an `if` in shared code.
 */
export class ComponentRegistry<Options, Made> {
  private readonly components = new Map<string, Component<Options, Made>>();

  /** `kind` names the components in messages ("planner", "encoder"). */
  constructor(readonly kind: string) {}

  /** Registers `component` under `name`; a taken name is an error (pick a new name). */
  register<O extends Options>(name: string, component: Component<O, Made>): void {
    if (typeof name !== "string" || name === "")
      throw new Error(`register ${this.kind}: name must be a non-empty string`);
    if (this.components.has(name)) {
      throw new Error(
        `register ${this.kind}: a ${this.kind} named "${name}" is already registered (${this.names().join(", ")})`,
      );
    }
    this.components.set(name, component as unknown as Component<Options, Made>);
  }

  names(): string[] {
    return [...this.components.keys()].sort();
  }

  has(name: string): boolean {
    return this.components.has(name);
  }

  /** The schema of the component named `name` (an unknown name is an `InputError` listing the names). */
  schema(name: string): z.ZodType<Options> {
    return this.get(name, { name: [], options: [] }).schema;
  }

  /**
   * Validates `options` against the schema of the component named `name`. `path` says where they sit in the
   * config ("agent.plannerOptions", or separate name and options paths), so every problem names its field.
   */
  safeParse(
    name: string,
    options: unknown,
    path: string | ComponentPaths = "",
  ): { success: true; data: Options } | { success: false; issues: ComponentIssue[] } {
    const where = toPaths(path);
    const component = this.components.get(name);
    if (component === undefined) {
      return {
        success: false,
        issues: [{ path: [...where.name], message: `must be one of ${this.namesText()}`, value: name }],
      };
    }
    return safeParseOptions(name, component.schema, options, where.options);
  }

  /** The parsed options (defaults filled) of the component named `name`, or a `ComponentOptionError`. */
  parse(name: string, options: unknown, path: string | ComponentPaths = ""): Options {
    const r = this.safeParse(name, options, path);
    if (!r.success) throw new ComponentOptionError(r.issues);
    return r.data;
  }

  /** Parses `options` and builds the component named `name` with them. */
  create(name: string, options: unknown, path: string | ComponentPaths = ""): Made {
    const parsed = this.parse(name, options, path);
    return this.get(name, toPaths(path)).create(parsed);
  }

  /** The component registered under `name` (an unknown name is a `ComponentOptionError` listing the names). */
  component(name: string): Component<Options, Made> {
    return this.get(name, { name: [], options: [] });
  }

  private get(name: string, where: ComponentPaths): Component<Options, Made> {
    const component = this.components.get(name);
    if (component === undefined)
      throw new ComponentOptionError([
        { path: [...where.name], message: `must be one of ${this.namesText()}`, value: name },
      ]);
    return component;
  }

  private namesText(): string {
    return this.names().join(", ") || `(no ${this.kind} registered)`;
  }
}
