/**
 * Start-up time of the commands that load no model (issue 8: under 1 s when the `hjepa` binary is run
 * directly). Each command is spawned as a user runs it, in rounds over all commands so that a change in machine
 * load hits every command alike; the first round warms tsx's transform cache and is dropped.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const STARTUP_TARGET_MS = 1000;

/** How to start `hjepa`: `command` with `args` in front of the command's own arguments. */
export interface StartupLauncher {
  command: string;
  args: string[];
  label: string;
}

export interface StartupCommand {
  name: string;
  args: string[];
}

export interface StartupResult {
  name: string;
  /** Wall times of the measured runs (warm-up excluded), in ms. */
  timesMs: number[];
  medianMs: number;
  /** Why the command failed (exit code and the first line of stderr); it is then not timed further. */
  error?: string;
}

export interface StartupOptions {
  /** Measured runs per command, after one warm-up run. */
  runs: number;
  launcher: StartupLauncher;
  commands: StartupCommand[];
  /** A command still running after this is killed and reported as failed. */
  timeoutMs?: number;
}

/** The `hjepa` binary at the repository root if the workspace links one, else node with tsx on the CLI source. */
export function hjepaLauncher(root: string): StartupLauncher {
  const bin = join(root, "node_modules", ".bin", "hjepa");
  if (existsSync(bin)) return { command: bin, args: [], label: "node_modules/.bin/hjepa" };
  return {
    command: process.execPath,
    args: ["--import", "tsx", join(root, "apps/lab/src/main.ts")],
    label: "node --import tsx apps/lab/src/main.ts",
  };
}

/** The commands issue 8 holds to the start-up target; files they write go to `dir`. */
export function startupCommands(dir: string): StartupCommand[] {
  return [
    { name: "envs", args: ["envs"] },
    {
      name: "oracle",
      args: ["oracle", "--env", "hjepa/TwoRooms-v0", "--from", "1.5,1.5", "--to", "11.5,5.5"],
    },
    { name: "render", args: ["render", "--env", "hjepa/TwoRooms-v0", "--out", join(dir, "render.png")] },
    {
      name: "tasks",
      args: [
        "tasks",
        "--env",
        "hjepa/GridMaze-v0",
        "--count",
        "5",
        "--seed",
        "0",
        "--out",
        join(dir, "tasks.json"),
      ],
    },
    { name: "--help", args: ["--help"] },
  ];
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Spawns every command `runs + 1` times (round by round) and returns the median wall time of each. */
export function measureStartup(opts: StartupOptions, cwd: string): StartupResult[] {
  const { launcher, commands, runs, timeoutMs = 60_000 } = opts;
  const times = commands.map((): number[] => []);
  const errors: (string | undefined)[] = commands.map(() => undefined);
  for (let round = 0; round <= runs; round++) {
    commands.forEach((cmd, i) => {
      if (errors[i] !== undefined) return;
      const t0 = performance.now();
      const r = spawnSync(launcher.command, [...launcher.args, ...cmd.args], {
        cwd,
        stdio: ["ignore", "ignore", "pipe"],
        encoding: "utf8",
        timeout: timeoutMs,
      });
      const ms = performance.now() - t0;
      if (r.error !== undefined || r.status !== 0) {
        const why = r.error?.message ?? (r.signal !== null ? `killed by ${r.signal}` : `exit ${r.status}`);
        const line = (r.stderr ?? "").trim().split("\n")[0] ?? "";
        errors[i] = line === "" ? why : `${why}: ${line}`;
      } else if (round > 0) {
        times[i]?.push(ms);
      }
    });
  }
  return commands.map((cmd, i) => {
    const timesMs = times[i] ?? [];
    const error = errors[i];
    return { name: cmd.name, timesMs, medianMs: median(timesMs), ...(error !== undefined ? { error } : {}) };
  });
}

/** The repository this file is in (the bench measures this checkout's CLI, wherever it is run from). */
const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * Start-up rows for `hjepa bench`: the median wall time per command (of 5 runs, 3 with `quick`) against the
 * 1 s target.
 */
export function benchStartup(opts: {
  quick: boolean;
  root?: string;
}): { what: string; value: string; target: string }[] {
  const root = opts.root ?? REPO_ROOT;
  const runs = opts.quick ? 3 : 5;
  const launcher = hjepaLauncher(root);
  const dir = mkdtempSync(join(tmpdir(), "hjepa-startup-"));
  try {
    const results = measureStartup({ runs, launcher, commands: startupCommands(dir) }, root);
    return [
      { what: "start-up: hjepa run as", value: launcher.label, target: "" },
      ...results.map((r) => ({
        what: `start-up: hjepa ${r.name} (median of ${runs})`,
        value:
          r.error !== undefined
            ? `failed (${r.error})`
            : `${r.medianMs.toFixed(0)} ms${r.medianMs >= STARTUP_TARGET_MS ? " (over)" : ""}`,
        target: `< ${STARTUP_TARGET_MS / 1000} s`,
      })),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
