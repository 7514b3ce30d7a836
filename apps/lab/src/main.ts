#!/usr/bin/env -S npx tsx
import "@hjepa/envs";
import { benchCommand } from "./commands/bench.ts";
import { collectCommand } from "./commands/collect.ts";
import { envsCommand } from "./commands/envs.ts";
import { evalCommand, evalWorkerCommand } from "./commands/eval.ts";
import { inspectCommand } from "./commands/inspect.ts";
import { oracleCommand } from "./commands/oracle.ts";
import { renderCommand } from "./commands/render.ts";
import { startCommand } from "./commands/start.ts";
import { tasksCommand } from "./commands/tasks.ts";
import { trainCommand } from "./commands/train.ts";
import { InputError } from "./errors.ts";

const COMMANDS: Record<string, { run: (argv: string[]) => void | Promise<void>; help: string }> = {
  envs: { run: envsCommand, help: "list registered environments with their spaces" },
  collect: { run: collectCommand, help: "collect offline trajectories into an Arrow dataset" },
  render: { run: renderCommand, help: "render an environment to a PNG" },
  oracle: { run: oracleCommand, help: "print the exact shortest-path length between two states" },
  tasks: { run: tasksCommand, help: "build a task set of start-goal pairs binned by distance" },
  train: {
    run: trainCommand,
    help: "train a world model from an experiment config (--resume RUN_DIR to continue)",
  },
  eval: {
    run: evalCommand,
    help: "evaluate a trained run's agent on a task set (success, SPL, violations, ms/decision)",
  },
  inspect: { run: inspectCommand, help: "print a run's diagnostics table" },
  bench: {
    run: benchCommand,
    help: "benchmarks: env steps/s, data collection, matmul GFLOP/s, training ms/step",
  },
  start: { run: startCommand, help: "the main job: list environments and render one" },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return `usage: hjepa <command> [flags]\n\n${Object.entries(COMMANDS)
    .map(([k, v]) => `  ${k.padEnd(width)}  ${v.help}`)
    .join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "eval-worker") {
    await evalWorkerCommand();
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(
      `hjepa: unknown command "${name}" (expected one of: ${Object.keys(COMMANDS).join(", ")})\n`,
    );
    return 2;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

// `pnpm hjepa inspect RUN | head` closes stdout early: that is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
