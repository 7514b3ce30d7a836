/**
 * The `hjepa` command line. Each command is loaded only when it runs (or shows its help), so commands that
 * load no model start without TensorFlow.js. Input errors (typed `HjepaError`s) print one line and exit 2;
 * anything else is a bug in hjepa and exits 1 with its stack trace.
 */
import { isHjepaError } from "@hjepa/errors";
import { type Command, formatHelp, parseCommand, wantsHelp } from "./cli.ts";
import { setVerbose } from "./output.ts";
import { loadPlugins, needsPlugins } from "./plugins.ts";
import { version } from "./version.ts";

type Loader = () => Promise<{ command: Command }>;

const COMMANDS: Record<string, { summary: string; load: Loader }> = {
  envs: {
    summary: "list registered environments with their spaces",
    load: () => import("./commands/envs.ts"),
  },
  render: { summary: "render an environment to a PNG", load: () => import("./commands/render.ts") },
  oracle: {
    summary: "print the exact shortest-path length between two states",
    load: () => import("./commands/oracle.ts"),
  },
  tasks: {
    summary: "build a task set of start-goal pairs binned by distance",
    load: () => import("./commands/tasks.ts"),
  },
  collect: {
    summary: "collect offline trajectories into an Arrow dataset",
    load: () => import("./commands/collect.ts"),
  },
  train: {
    summary: "train a world model from an experiment config (or --resume a run)",
    load: () => import("./commands/train.ts"),
  },
  inspect: {
    summary: "print a run's status, checks and diagnostics table",
    load: () => import("./commands/inspect.ts"),
  },
  prepare: { summary: "save a run's learned agent parts", load: () => import("./commands/prepare.ts") },
  eval: {
    summary: "evaluate a trained run's agent on a task set (success, SPL, violations, ms/decision)",
    load: () => import("./commands/eval.ts"),
  },
  report: {
    summary: "re-render the plots and index.html of an evaluation or a comparison",
    load: () => import("./commands/report.ts"),
  },
  compare: {
    summary: "train what a comparison needs and evaluate its arms (table, intervals, report)",
    load: () => import("./commands/compare.ts"),
  },
  reproduce: {
    summary: "re-run a run, an evaluation or a comparison and check its results match, metric by metric",
    load: () => import("./commands/reproduce.ts"),
  },
  sweep: {
    summary:
      "train (and evaluate) every grid setting x seed; mean and 95% CI per setting (local pool or --db queue)",
    load: () => import("./commands/sweep.ts"),
  },
  worker: {
    summary:
      "take jobs from the Postgres job queue and run them (retries, heartbeats; any number of machines)",
    load: () => import("./commands/worker.ts"),
  },
  db: {
    summary: "start, stop or show a local Postgres server for the job queue (prints its --db URL)",
    load: () => import("./commands/db.ts"),
  },
  bench: {
    summary:
      "benchmarks: start-up, env steps/s, data collection, matmul GFLOP/s, training ms/step, 3-level training time",
    load: () => import("./commands/bench.ts"),
  },
  doctor: {
    summary: "print what a bug report needs: versions, backends, cores, determinism checks",
    load: () => import("./commands/doctor.ts"),
  },
  start: {
    summary: "the quickstart: train a small world model and compare flat against 2-level planning",
    load: () => import("./commands/start.ts"),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    "usage: hjepa <command> [flags]        (hjepa <command> --help for its flags and an example)",
    "",
    ...Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`),
    "",
    "global flags: --help, --version, --verbose (details such as why a tensor backend was chosen)",
    "",
  ].join("\n");
}

/** Runs one command line; returns the exit code (0 ok, 2 bad input). A bug throws (exit 1 with its stack). */
export async function main(argv: string[]): Promise<number> {
  const args = argv.filter((a, i) => !(a === "--verbose" && !argv.slice(0, i).includes("--")));
  setVerbose(args.length !== argv.length);
  const [name, ...rest] = args;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    const topic = rest[0];
    if (topic !== undefined && topic in COMMANDS) return main([topic, "--help"]);
    process.stdout.write(usage());
    return 0;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    process.stdout.write(`hjepa ${version()} (node ${process.version})\n`);
    return 0;
  }
  try {
    // Research packages register their components when imported (src/plugins.ts), before any config is read.
    if (needsPlugins(name, rest)) await loadPlugins();
  } catch (e) {
    if (!isHjepaError(e)) throw e;
    process.stderr.write(`hjepa ${name}: ${e.message}\n`);
    return 2;
  }
  if (name === "job-worker") return (await import("./jobs/worker.ts")).jobWorker().then(() => 0);
  if (name === "eval-worker") {
    const { evalWorker } = await import("./eval/evaluate.ts");
    await evalWorker();
    return 0;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    process.stderr.write(
      `hjepa: unknown command "${name}" (expected one of: ${Object.keys(COMMANDS).join(", ")}; see: hjepa --help)\n`,
    );
    return 2;
  }
  const { command } = await entry.load();
  if (wantsHelp(rest)) {
    process.stdout.write(formatHelp(command.spec));
    return 0;
  }
  try {
    await command.run(parseCommand(command.spec, rest));
    return 0;
  } catch (e) {
    if (!isHjepaError(e)) throw e;
    // Messages say what and where (flag, file, field); the command they came from is added here.
    process.stderr.write(`hjepa ${name}: ${e.message}\n`);
    return 2;
  }
}

// `hjepa inspect RUN | head` closes stdout early: that is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

try {
  // A command may set its own exit code (1 for a diverged training run, 130 for an interrupt that saved nothing).
  process.exitCode = (await main(process.argv.slice(2))) || process.exitCode;
} catch (e) {
  // A bug in hjepa: the stack trace goes to the report.
  process.stderr.write(`hjepa: internal error (a bug; please report it with the output of: hjepa doctor)\n`);
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
}
