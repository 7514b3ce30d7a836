/**
 * The command line of `pnpm new:package` (scripts/new-package.ts runs it): parses the flags, makes and wires
 * the package, installs, and prints what to do next. Bad input prints one line and exits 2, as `hjepa` does.
 */
import { spawnSync } from "node:child_process";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { InputError, isHjepaError } from "@hjepa/errors";
import { KIND_NAMES, KINDS, type Kind } from "./kinds.ts";
import { formatPackage, planPackage, takenComponentNames, wireIntoLab, writePackage } from "./scaffold.ts";

export const USAGE = [
  `usage: pnpm new:package NAME --kind ${KIND_NAMES.join("|")} [--description TEXT] [--component NAME] [--no-install]`,
  "",
  "  NAME            the folder packages/NAME and the package @hjepa/NAME (lowercase words joined by -)",
  "  --kind          what the package adds: a planner, an encoder, a predictor, a cost term or a regularizer",
  "  --description   one line for package.json and the README (default: one per kind)",
  "  --component     the name configs give the component (default: NAME less a leading KIND-)",
  "  --no-install    skip `pnpm install` (run it yourself before using the package)",
  "",
  'example: pnpm new:package planner-icem --kind planner   (a planner configs name "icem")',
  "",
].join("\n");

/** Output and the install step, replaceable in tests. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Runs the workspace install; returns whether it succeeded. */
  install: (root: string) => boolean;
  /** The component names of `kind` registered already. */
  taken: (root: string, kind: Kind) => string[];
}

/** `npx pnpm@10.34.9 install --offline` (the store usually has everything), then online if that failed. */
export function pnpmInstall(root: string): boolean {
  const run = (extra: string[]) =>
    spawnSync("npx", ["--yes", "pnpm@10.34.9", "install", ...extra], { cwd: root, stdio: "inherit" })
      .status === 0;
  return run(["--offline"]) || run([]);
}

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  install: pnpmInstall,
  taken: takenComponentNames,
};

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        kind: { type: "string" },
        description: { type: "string" },
        component: { type: "string" },
        "no-install": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    // node:util marks its parse errors with a code; anything else is a bug.
    const code = (e as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      throw new InputError(`${(e as Error).message} (see: pnpm new:package --help)`);
    }
    throw e;
  }
}

/** Runs one command line against the repository at `root`; returns the exit code (0, 1 install failed, 2 bad input). */
export async function newPackageMain(argv: string[], root: string, io: CliIo = defaultIo): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new InputError(`expected one NAME (got ${positionals.length}); see: pnpm new:package --help`);
    }
    if (values.kind === undefined)
      throw new InputError(`--kind is required; expected one of ${KIND_NAMES.join(", ")}`);
    const request = {
      name: positionals[0] as string,
      kind: values.kind,
      description: values.description,
      component: values.component,
    };
    // Cheap checks first: the registry's names cost an import of its package.
    planPackage(root, request);
    const plan = planPackage(root, request, undefined, io.taken(root, values.kind as Kind));
    writePackage(plan);
    formatPackage(plan.dir);
    const rel = relative(root, plan.dir);
    io.out(`created ${rel} (${plan.packageName}): a ${plan.kind} registered as "${plan.component}"\n`);
    for (const file of Object.keys(plan.files).sort()) io.out(`  ${rel}/${file}\n`);
    const wired = wireIntoLab(root, plan.packageName);
    io.out(
      `${wired ? "added" : "kept"} ${plan.packageName} in apps/lab/package.json: hjepa loads it as a plugin\n`,
    );
    if (!values["no-install"] && !io.install(root)) {
      io.err(`new:package: pnpm install failed; run it yourself: npx pnpm@10.34.9 install\n`);
      return 1;
    }
    io.out(nextSteps(rel, plan.kind, plan.component, values["no-install"] === true));
    return 0;
  } catch (e) {
    if (!isHjepaError(e)) throw e;
    io.err(`new:package: ${e.message}\n`);
    return 2;
  }
}

function nextSteps(
  rel: string,
  kind: keyof typeof KINDS,
  component: string,
  skippedInstall: boolean,
): string {
  const example = KINDS[kind].configExample.replace("COMPONENT", component);
  return [
    "",
    "next:",
    ...(skippedInstall ? ["  npx pnpm@10.34.9 install                  # link the new package"] : []),
    `  edit ${rel}/src/index.ts                   # replace the starting point with your method`,
    `  npx vitest run ${rel}                      # its test`,
    `  (cd ${rel} && npx tsc --noEmit)            # typecheck`,
    `  npx biome check ${rel}                     # lint`,
    `  in a config: { ${example} }`,
    "",
  ].join("\n");
}
