/**
 * `pnpm new:package NAME --kind KIND`: a workspace package whose component registers itself by name with its
 * option schema, with a README and a test, added to apps/lab's dependencies so that `hjepa` loads it (the
 * lab imports dependencies whose package.json says `"hjepa": { "plugin": true }`, see apps/lab/src/plugins.ts).
 * Each step is a function of the repository root, so the test can make packages in a scratch folder.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "@hjepa/errors";
import { writeFileAtomic } from "@hjepa/experiment/atomicWrite";
import { DEV_DEPENDENCIES, isKind, KIND_NAMES, KINDS, type Kind } from "./kinds.ts";

/** scripts/templates: one folder per kind with `index.ts.tmpl`, `index.test.ts.tmpl`, `README.md.tmpl`. */
export const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "templates");

/** Package and component names: lowercase words of letters and digits joined by "-", starting with a letter. */
const NAME_RULE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_NAME = 50;

export interface PackageRequest {
  /** The folder name under packages/ and the package name after `@hjepa/`. */
  name: string;
  kind: string;
  description?: string;
  /** The name a config gives the component (default: `name` less a leading `<kind>-`). */
  component?: string;
}

export interface PackagePlan {
  kind: Kind;
  /** The folder to create. */
  dir: string;
  packageName: string;
  component: string;
  /** Relative path -> content of every file of the package. */
  files: Record<string, string>;
}

/** The component's name in configs: `name` less a leading `<kind>-` ("planner-icem" -> "icem"). */
export function defaultComponent(name: string, kind: Kind): string {
  const prefix = `${kind}-`;
  return name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : name;
}

/** "my-planner" -> "myPlanner". */
export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** "my-planner" -> "MyPlanner". */
export function pascalCase(name: string): string {
  const camel = camelCase(name);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** Replaces every `{{key}}` in `template`; a placeholder without a value is a bug in the template. */
export function render(template: string, values: Record<string, string>, where: string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`${where}: no value for the placeholder {{${key}}}`);
    return v;
  });
}

function checkName(what: string, name: string, example: string): void {
  if (!NAME_RULE.test(name) || name.length > MAX_NAME) {
    throw new InputError(
      `${what} "${name}" must be lowercase letters and digits in words joined by "-", starting with a letter, ` +
        `at most ${MAX_NAME} characters (e.g. ${example})`,
    );
  }
}

/** The names of the workspace's packages (packages/*, apps/*, configs/*). */
export function workspacePackageNames(root: string): Set<string> {
  const names = new Set<string>();
  for (const group of ["packages", "apps", "configs"]) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      const file = join(base, entry.name, "package.json");
      if (entry.isDirectory() && existsSync(file)) names.add(JSON.parse(readFileSync(file, "utf8")).name);
    }
  }
  return names;
}

/**
 * The names registered already in the registry of `kind`: the built-in ones (read by importing the registry's
 * package in apps/lab, about 2 s) and those of the lab's plugin packages of that kind.
 */
export function takenComponentNames(root: string, kind: Kind): string[] {
  const lab = join(root, "apps", "lab");
  const { registryModule, registryExport } = KINDS[kind];
  const script = `const m = await import(${JSON.stringify(registryModule)}); console.log(JSON.stringify(m.${registryExport}.names()));`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: lab,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`new:package: could not list the ${kind} names: ${r.stderr}`);
  const names = new Set<string>(JSON.parse(r.stdout.trim().split("\n").pop() as string));
  const manifest = JSON.parse(readFileSync(join(lab, "package.json"), "utf8"));
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    const file = join(lab, "node_modules", dep, "package.json");
    const hjepa = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).hjepa : undefined;
    if (hjepa?.plugin === true && hjepa.kind === kind) names.add(hjepa.component);
  }
  return [...names].sort();
}

/** The version a new package gets for `dep`: a workspace link, or the version apps/lab pins. */
function versionOf(dep: string, workspace: Set<string>, lab: Record<string, Record<string, string>>): string {
  if (workspace.has(dep)) return "workspace:*";
  const v = lab.dependencies?.[dep] ?? lab.devDependencies?.[dep];
  if (v === undefined)
    throw new Error(`new:package: apps/lab does not pin ${dep}; cannot choose its version`);
  return v;
}

/** `{ name: version }` for `deps`, sorted by name (as pnpm writes them). */
function pinned(deps: Iterable<string>, version: (dep: string) => string): Record<string, string> {
  return Object.fromEntries([...new Set(deps)].sort().map((d) => [d, version(d)]));
}

/**
 * Checks the request and renders every file of the package (nothing is written): an `InputError` for a bad
 * name, an unknown kind, or a name that a folder, a workspace package or a component of the kind (`taken`,
 * see `takenComponentNames`) already has.
 */
export function planPackage(
  root: string,
  request: PackageRequest,
  packagesDir = join(root, "packages"),
  taken: readonly string[] = [],
): PackagePlan {
  const { name, kind } = request;
  if (!isKind(kind))
    throw new InputError(`unknown --kind "${kind}"; expected one of ${KIND_NAMES.join(", ")}`);
  checkName("package name", name, "planner-icem");
  const component = request.component ?? defaultComponent(name, kind);
  checkName("component name", component, "icem");
  const dir = join(packagesDir, name);
  const packageName = `@hjepa/${name}`;
  if (existsSync(dir)) throw new InputError(`${relative(root, dir)} already exists; pick another name`);
  const workspace = workspacePackageNames(root);
  if (workspace.has(packageName)) throw new InputError(`a workspace package is named ${packageName} already`);
  if (taken.includes(component)) {
    throw new InputError(
      `a ${kind} named "${component}" is registered already; pick another NAME or --component (taken: ${taken.join(", ")})`,
    );
  }

  const spec = KINDS[kind];
  const description = request.description ?? spec.description;
  const values = {
    package: packageName,
    name,
    kind,
    component,
    camel: camelCase(component),
    Pascal: pascalCase(component),
    description,
  };
  const template = (file: string) => {
    const path = join(TEMPLATES_DIR, kind, `${file}.tmpl`);
    return render(readFileSync(path, "utf8"), values, relative(root, path));
  };
  const lab = JSON.parse(readFileSync(join(root, "apps", "lab", "package.json"), "utf8"));
  const version = (dep: string) => versionOf(dep, workspace, lab);
  const manifest = {
    name: packageName,
    version: "0.1.0",
    description,
    private: true,
    type: "module",
    exports: { ".": "./src/index.ts" },
    scripts: { test: "vitest run", typecheck: "tsc --noEmit" },
    // apps/lab imports its dependencies that carry this mark, so the component registers in `hjepa`.
    hjepa: { plugin: true, kind, component },
    dependencies: pinned(spec.dependencies, version),
    devDependencies: pinned(
      [
        ...spec.testDependencies.filter((d) => !(spec.dependencies as readonly string[]).includes(d)),
        ...DEV_DEPENDENCIES,
      ],
      version,
    ),
  };
  const files: Record<string, string> = {
    "package.json": `${JSON.stringify(manifest, null, 2)}\n`,
    "tsconfig.json": `${JSON.stringify({ extends: "@hjepa/tsconfig/base.json", include: ["src/**/*.ts", "vitest.config.ts"] }, null, 2)}\n`,
    "vitest.config.ts": [
      'import { defineProject } from "vitest/config";',
      "",
      "export default defineProject({",
      `  test: { name: "${packageName}", include: ["src/**/*.test.ts"], testTimeout: 60000 },`,
      "});",
      "",
    ].join("\n"),
    "README.md": template("README.md"),
    "src/index.ts": template("index.ts"),
    "src/index.test.ts": template("index.test.ts"),
  };
  return { kind, dir, packageName, component, files };
}

/**
 * Writes the package: every file into a temporary sibling folder, then one rename, so that a failure leaves
 * no half-made package behind.
 */
export function writePackage(plan: PackagePlan): void {
  const tmp = join(dirname(plan.dir), `.${plan.packageName.replace(/\W/g, "-")}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const [rel, content] of Object.entries(plan.files)) {
      const path = join(tmp, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    renameSync(tmp, plan.dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Formats the written package with the workspace's Biome, so that it passes `pnpm lint` whatever the length
 * of its names (lines wrap at 110 columns). Biome is a root dev dependency, so it is always there.
 */
export function formatPackage(dir: string): void {
  const biome = join(
    dirname(createRequire(import.meta.url).resolve("@biomejs/biome/package.json")),
    "bin",
    "biome",
  );
  const r = spawnSync(process.execPath, [biome, "format", "--write", "--vcs-use-ignore-file=false", dir], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`new:package: biome format failed on ${dir}:\n${r.stdout}${r.stderr}`);
}

/**
 * `package.json` text with `"<dep>": "workspace:*"` added to its dependencies in sorted order, every other
 * line left as it was (a hand-formatted file stays so); null when the dependency is there already. A file
 * whose dependencies block is not laid out one entry a line is rewritten whole.
 */
export function addWorkspaceDependency(text: string, dep: string): string | null {
  const manifest = JSON.parse(text) as { dependencies?: Record<string, string> };
  if (manifest.dependencies?.[dep] !== undefined) return null;
  const expected = { ...manifest, dependencies: sortedWith(manifest.dependencies ?? {}, dep) };
  const lines = text.split("\n");
  const open = lines.findIndex((l) => /^ {2}"dependencies": \{\s*$/.test(l));
  const close = open < 0 ? -1 : lines.findIndex((l, i) => i > open && /^ {2}\}/.test(l));
  if (open >= 0 && close > open + 1) {
    const entries = lines.slice(open + 1, close);
    const keyOf = (line: string) => /^ {4}"([^"]+)":/.exec(line)?.[1];
    const at = entries.findIndex((l) => (keyOf(l) ?? "") > dep);
    const index = at < 0 ? entries.length : at;
    const line = `    ${JSON.stringify(dep)}: "workspace:*"`;
    if (index === entries.length) entries[entries.length - 1] = `${entries[entries.length - 1]},`;
    entries.splice(index, 0, index === entries.length ? line : `${line},`);
    const out = [...lines.slice(0, open + 1), ...entries, ...lines.slice(close)].join("\n");
    if (sameJson(out, expected)) return out;
  }
  return `${JSON.stringify(expected, null, 2)}\n`;
}

function sortedWith(deps: Record<string, string>, dep: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ ...deps, [dep]: "workspace:*" }).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

function sameJson(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/** Adds the package to apps/lab's dependencies (atomic write); false when it was there already. */
export function wireIntoLab(root: string, packageName: string): boolean {
  const file = join(root, "apps", "lab", "package.json");
  const out = addWorkspaceDependency(readFileSync(file, "utf8"), packageName);
  if (out === null) return false;
  writeFileAtomic(file, out, "add the new package to apps/lab's dependencies");
  return true;
}
