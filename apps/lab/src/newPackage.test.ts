/**
 * `pnpm new:package` (scripts/newPackage/): every kind's package, as the scaffold writes it, passes lint,
 * typecheck and its own test unchanged; bad input is one line and exit 2; the lab's package.json gains the
 * dependency that makes `hjepa` load the package. The packages are made in apps/lab/scratch/ (ignored by git),
 * where apps/lab's node_modules resolve their imports, and checked with one tsc, one biome and one vitest run.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type CliIo, newPackageMain } from "../../../scripts/newPackage/cli.ts";
import { KIND_NAMES } from "../../../scripts/newPackage/kinds.ts";
import {
  addWorkspaceDependency,
  defaultComponent,
  formatPackage,
  planPackage,
  takenComponentNames,
  writePackage,
} from "../../../scripts/newPackage/scaffold.ts";

const LAB = join(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = join(LAB, "..", "..");
const require = createRequire(import.meta.url);
mkdirSync(join(LAB, "scratch"), { recursive: true });
const scratch = mkdtempSync(join(LAB, "scratch", "new-package-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a Node script (a tool's bin) in `cwd`; resolves to its exit code and output. */
function tool(
  script: string,
  args: string[],
  cwd: string,
): Promise<{ status: number | null; output: string }> {
  // The test's own vitest variables would make a nested vitest think it is a worker.
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "FORCE_COLOR"),
    ),
    NO_COLOR: "1",
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd, env, timeout: 240_000 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ status, output: `${stdout}\n${stderr}` });
    });
  });
}

function capture(): CliIo & { text: () => string; errors: () => string } {
  let out = "";
  let err = "";
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    install: () => true,
    taken: () => ["effort", "energy"],
    text: () => out,
    errors: () => err,
  };
}

describe("new:package templates", () => {
  it("make, for every kind, a package that passes biome, tsc and its own test unchanged", async () => {
    const dir = join(scratch, "kinds");
    mkdirSync(dir);
    for (const kind of KIND_NAMES) {
      const plan = planPackage(ROOT, { name: `${kind}-sample`, kind }, dir);
      writePackage(plan);
      formatPackage(plan.dir);
    }
    // One typecheck (the packages' tsconfig settings) and one test run over the five packages.
    const base = { extends: "@hjepa/tsconfig/base.json", include: ["*/src/**/*.ts", "*/vitest.config.ts"] };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(base));
    writeFileSync(
      join(dir, "vitest.config.ts"),
      // One worker imports the workspace's packages once for the five test files (isolated, it takes 5 times longer).
      'import { defineConfig } from "vitest/config";\n' +
        'export default defineConfig({ test: { include: ["*/src/**/*.test.ts"], isolate: false, fileParallelism: false, testTimeout: 60000 } });\n',
    );

    const biome = join(ROOT, "node_modules", "@biomejs", "biome", "bin", "biome");
    const vitest = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
    // The three checks run side by side; the scratch folder is git-ignored, so biome is told to lint it anyway.
    const [lint, tsc, test] = await Promise.all([
      tool(
        biome,
        ["check", "--vcs-use-ignore-file=false", ...KIND_NAMES.map((k) => join(dir, `${k}-sample`))],
        ROOT,
      ),
      tool(require.resolve("typescript/bin/tsc"), ["--noEmit", "-p", dir], dir),
      tool(vitest, ["run", "--root", dir, "--reporter", "dot"], dir),
    ]);
    expect(lint.output).not.toMatch(/×/);
    expect(lint.status).toBe(0);
    // Errors in the workspace's own sources (another package mid-edit) are that package's typecheck's to report.
    const errors = tsc.output.split("\n").filter((l) => /error TS\d+/.test(l));
    expect(errors.filter((l) => !l.startsWith("../"))).toEqual([]);
    expect(tsc.status === 0 || errors.length > 0).toBe(true);
    expect(test.output).toMatch(/Test Files\s+5 passed \(5\)/);
    expect(test.status).toBe(0);
  }, 240_000);
});

describe("new:package command line", () => {
  const fakeRoot = join(scratch, "repo");
  mkdirSync(join(fakeRoot, "packages"), { recursive: true });
  mkdirSync(join(fakeRoot, "apps", "lab"), { recursive: true });
  cpSync(join(LAB, "package.json"), join(fakeRoot, "apps", "lab", "package.json"));

  it("writes the package, adds it to apps/lab's dependencies, installs, and prints the next steps", async () => {
    const io = capture();
    let installs = 0;
    const code = await newPackageMain(
      ["cost-smooth", "--kind", "cost", "--description", "Smooth plans."],
      fakeRoot,
      {
        ...io,
        install: () => {
          installs += 1;
          return true;
        },
      },
    );
    expect(io.errors()).toBe("");
    expect(code).toBe(0);
    expect(installs).toBe(1);
    const made = join(fakeRoot, "packages", "cost-smooth");
    for (const f of [
      "package.json",
      "tsconfig.json",
      "vitest.config.ts",
      "README.md",
      "src/index.ts",
      "src/index.test.ts",
    ])
      expect(existsSync(join(made, f))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(made, "package.json"), "utf8"));
    expect(manifest).toMatchObject({
      name: "@hjepa/cost-smooth",
      description: "Smooth plans.",
      hjepa: { plugin: true, kind: "cost", component: "smooth" },
    });
    const lab = JSON.parse(readFileSync(join(fakeRoot, "apps", "lab", "package.json"), "utf8"));
    expect(lab.dependencies["@hjepa/cost-smooth"]).toBe("workspace:*");
    expect(io.text()).toContain('a cost registered as "smooth"');
    expect(io.text()).toContain('"costTerms": [{ "type": "smooth"');
  });

  it("refuses a bad name, an unknown or missing kind, or a taken name: one line, exit 2, nothing written", async () => {
    const cases: [string[], RegExp][] = [
      [["Bad_Name", "--kind", "planner"], /package name "Bad_Name" must be lowercase letters/],
      [["fine", "--kind", "critic"], /unknown --kind "critic"; expected one of planner, encoder, predictor/],
      [["fine"], /--kind is required/],
      [["cost-smooth", "--kind", "cost"], /packages\/cost-smooth already exists; pick another name/],
      [["a", "b", "--kind", "cost"], /expected one NAME \(got 2\)/],
      [["fine", "--kind", "cost", "--colour"], /Unknown option '--colour'/],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await newPackageMain(argv, fakeRoot, io)).toBe(2);
      expect(io.errors()).toMatch(message);
      expect(io.errors().trim().split("\n")).toHaveLength(1);
    }
    expect(existsSync(join(fakeRoot, "packages", "fine"))).toBe(false);
    const taken = capture();
    expect(await newPackageMain(["cost-effort", "--kind", "cost"], fakeRoot, taken)).toBe(2);
    expect(taken.errors()).toBe(
      'new:package: a cost named "effort" is registered already; pick another NAME or --component (taken: effort, energy)\n',
    );
    // The real workspace: a folder that exists, a component name that a built-in planner has.
    const io = capture();
    expect(await newPackageMain(["actor", "--kind", "planner", "--no-install"], ROOT, io)).toBe(2);
    expect(io.errors()).toMatch(/packages\/actor already exists/);
    expect(
      await newPackageMain(["planner-cem", "--kind", "planner"], ROOT, { ...io, taken: takenComponentNames }),
    ).toBe(2);
    expect(io.errors()).toMatch(
      /a planner named "cem" is registered already; .*\(taken: .*cem, .*icem, .*mppi/,
    );
  });

  it("names the component after the package less its kind, unless told", () => {
    expect(defaultComponent("planner-icem", "planner")).toBe("icem");
    expect(defaultComponent("planner", "planner")).toBe("planner");
    expect(defaultComponent("vicreg-lite", "regularizer")).toBe("vicreg-lite");
  });
});

describe("addWorkspaceDependency", () => {
  const text =
    '{\n  "name": "x",\n  "dependencies": {\n    "@hjepa/actor": "workspace:*",\n    "zod": "4.6.7"\n  },\n  "b": 1\n}\n';

  it("inserts one line in sorted order and leaves every other line as it was", () => {
    expect(addWorkspaceDependency(text, "@hjepa/planner-icem")).toBe(
      '{\n  "name": "x",\n  "dependencies": {\n    "@hjepa/actor": "workspace:*",\n    "@hjepa/planner-icem": "workspace:*",\n    "zod": "4.6.7"\n  },\n  "b": 1\n}\n',
    );
    expect(addWorkspaceDependency(text, "zzz")).toBe(
      '{\n  "name": "x",\n  "dependencies": {\n    "@hjepa/actor": "workspace:*",\n    "zod": "4.6.7",\n    "zzz": "workspace:*"\n  },\n  "b": 1\n}\n',
    );
    expect(addWorkspaceDependency(text, "@hjepa/actor")).toBeNull();
  });

  it("rewrites a file laid out otherwise, with the dependency added", () => {
    const out = addWorkspaceDependency('{"name":"x"}', "@hjepa/a") as string;
    expect(JSON.parse(out)).toEqual({ name: "x", dependencies: { "@hjepa/a": "workspace:*" } });
  });
});
