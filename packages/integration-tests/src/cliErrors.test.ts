/**
 * Every kind of bad input and fault the command line is known to meet, run end to end through the `hjepa`
 * binary: exit code 2, one line on stderr naming the flag or file and what is expected, no stack trace, and no
 * output file left behind. A bug in hjepa itself (injected here) exits 1 with its stack trace instead.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runHjepa } from "./hjepaBin.ts";

const root = resolve(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "hjepa-cli-errors-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the binary as a user would (`hjepa ARGS` in `tmp`), optionally with node flags before it. */
function hjepa(args: string[], nodeFlags: string[] = []): Promise<CliResult> {
  return runHjepa(args, { cwd: tmp, nodeFlags, timeoutMs: 60_000 });
}

const TOY = [
  "--config",
  join(root, "configs/experiments/two-rooms.json"),
  "--set",
  "world.levels[0].train.steps=10",
  "--set",
  "data.episodes=12",
  "--set",
  "data.steps=20",
  "--set",
  "world.levels[0].train.batchSize=8",
  "--set",
  "world.levels[0].train.horizon=4",
  "--set",
  "world.levels[0].train.warmupSteps=2",
  "--set",
  "diagnostics.every=10",
  "--set",
  "diagnostics.samples=32",
  "--set",
  "world.levels[0].train.checkpointEvery=10",
];
const run = join(tmp, "toy-run");
const tasks = join(tmp, "tasks.json");

beforeAll(async () => {
  const cache = ["--set", `data.cacheDir=${join(tmp, "cache")}`];
  const trained = await hjepa(["train", ...TOY, ...cache, "--out", run]);
  expect(trained.code, trained.stderr).toBe(0);
  const made = await hjepa([
    "tasks",
    "--env",
    "hjepa/TwoRooms-v0",
    "--count",
    "1",
    "--seed",
    "0",
    "--out",
    tasks,
  ]);
  expect(made.code, made.stderr).toBe(0);
  writeFileSync(join(tmp, "plain-file"), "not a folder\n");
  mkdirSync(join(tmp, "a-folder.png"));
  mkdirSync(join(tmp, "a-folder.arrow"));
  writeFileSync(join(tmp, "bad.map"), "#####\n#S.#\n#####\n");
  writeFileSync(join(tmp, "bad.json"), '{ "name": "x", }\n');
  writeFileSync(join(tmp, "empty-object.json"), "{}\n");
  const set = JSON.parse(readFileSync(tasks, "utf8"));
  writeFileSync(join(tmp, "no-tasks.json"), JSON.stringify({ ...set, tasks: [] }));
  const inWall = { ...set, tasks: [{ ...set.tasks[0], start: [0.5, 0.5] }] };
  writeFileSync(join(tmp, "start-in-wall.json"), JSON.stringify(inWall));
  const config = JSON.parse(readFileSync(join(root, "configs/experiments/two-rooms.json"), "utf8"));
  writeFileSync(join(tmp, "unknown-env.json"), JSON.stringify({ ...config, env: { id: "hjepa/Nope-v0" } }));
  writeFileSync(
    join(tmp, "unknown-obs.json"),
    JSON.stringify({ ...config, env: { id: "hjepa/TwoRooms-v0", kwargs: { obsMode: "smell" } } }),
  );
  writeFileSync(
    join(tmp, "unknown-planner.json"),
    JSON.stringify({ ...config, agent: { ...config.agent, planner: "mpi" } }),
  );
  writeFileSync(join(tmp, "newer.json"), JSON.stringify({ ...config, version: 99 }));
  // A single 5x5 room: no start-goal pair lies in different rooms.
  writeFileSync(join(tmp, "one-room.map"), "#######\n#.....#\n#.....#\n#.....#\n#.....#\n#.....#\n#######\n");
}, 120_000);

/** A copy of the toy run with one file damaged by `damage(runCopy)`. */
function damagedRun(name: string, damage: (dir: string) => void): string {
  const dir = join(tmp, name);
  cpSync(run, dir, { recursive: true });
  damage(dir);
  return dir;
}

function latestCheckpoint(dir: string): string {
  const { checkpoint } = JSON.parse(readFileSync(join(dir, "checkpoints/latest.json"), "utf8"));
  return join(dir, "checkpoints", checkpoint);
}

const out = (name: string) => join(tmp, name);

/** `hjepa collect` on TwoRooms with small valid flags, `extra` replacing or adding some. */
function collectArgs(extra: Record<string, string>): string[] {
  const flags = {
    env: "hjepa/TwoRooms-v0",
    episodes: "1",
    steps: "5",
    policy: "uniform",
    seed: "0",
    ...extra,
  };
  return ["collect", ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v])];
}

/** [what, args (built after the fixtures exist), what stderr must name] */
const CASES: [string, () => string[], RegExp][] = [
  // Flags
  [
    "negative seed",
    () => ["tasks", "--env", "hjepa/GridMaze-v0", "--count", "2", "--seed", "-1", "--out", out("t1.json")],
    /--seed must be an integer >= 0 \(got "-1"\)/,
  ],
  [
    "empty seed",
    () => ["tasks", "--env", "hjepa/GridMaze-v0", "--count", "2", "--seed", "", "--out", out("t2.json")],
    /--seed must be an integer/,
  ],
  [
    "negative count",
    () => ["tasks", "--env", "hjepa/GridMaze-v0", "--count", "-1", "--seed", "0", "--out", out("t3.json")],
    /--count must be an integer from 1/,
  ],
  [
    "huge count",
    () => [
      "tasks",
      "--env",
      "hjepa/GridMaze-v0",
      "--count",
      "1000000000",
      "--seed",
      "0",
      "--out",
      out("t4.json"),
    ],
    /--count must be an integer from 1 to/,
  ],
  ["stray positional", () => ["envs", "stray"], /unexpected argument "stray"/],
  ["unknown flag", () => ["bench", "--bogus"], /unknown flag --bogus/],
  ["flag without value", () => ["render", "--env", "hjepa/TwoRooms-v0", "--out"], /--out needs a value/],
  [
    "flag given twice",
    () => ["render", "--env", "hjepa/TwoRooms-v0", "--seed", "1", "--seed", "2", "--out", out("r.png")],
    /--seed is given twice/,
  ],
  ["unknown command", () => ["trian"], /unknown command "trian"/],
  ["bad --set path", () => ["train", ...TOY, "--set", "train..steps=60"], /train\.\.steps/],
  [
    "unknown policy",
    () => collectArgs({ policy: "teleport", out: out("c1.arrow") }),
    /--policy must be one of .*teleport/,
  ],
  [
    "eval --name climbing out",
    () => ["eval", "--run", run, "--tasks", tasks, "--name", "../../../x"],
    /--name must be a plain folder name/,
  ],
  ["eval --planner typo", () => ["eval", "--run", run, "--tasks", tasks, "--planner", "mpi"], /mpi/],
  [
    "eval --world typo",
    () => ["eval", "--run", run, "--tasks", tasks, "--world", "simulator"],
    /--world must be learned or true-dynamics/,
  ],
  [
    "invalid planner option",
    () => ["eval", "--run", run, "--tasks", tasks, "--set", "agent.plannerOptions.iterations=-3"],
    /iterations/,
  ],
  [
    "zero episodes",
    () => collectArgs({ episodes: "0", out: out("c2.arrow") }),
    /--episodes must be an integer >= 1/,
  ],
  [
    "a point that is not numbers",
    () => ["oracle", "--env", "hjepa/TwoRooms-v0", "--from", "1,x", "--to", "2,2"],
    /--from/,
  ],
  ["a misspelt env id", () => ["render", "--env", "hjepa/TwoRoom-v0", "--out", out("e0.png")], /TwoRooms/],
  ["a malformed map", () => collectArgs({ map: out("bad.map"), out: out("c3.arrow") }), /bad\.map.*row 2/],
  // File system
  [
    "--out under a regular file",
    () => ["render", "--env", "hjepa/TwoRooms-v0", "--out", join(tmp, "plain-file", "x.png")],
    /plain-file.*not a folder/,
  ],
  [
    "a folder as --out",
    () => ["render", "--env", "hjepa/TwoRooms-v0", "--out", out("a-folder.png")],
    /a-folder\.png is a folder/,
  ],
  ["a folder as collect --out", () => collectArgs({ out: out("a-folder.arrow") }), /is a folder/],
  [
    "a name too long",
    () => ["render", "--env", "hjepa/TwoRooms-v0", "--out", out(`${"n".repeat(300)}.png`)],
    /too long/,
  ],
  ["missing config", () => ["train", "--config", out("missing.json")], /missing\.json/],
  ["config not JSON", () => ["train", "--config", out("bad.json")], /bad\.json: not valid JSON/],
  [
    "missing --map",
    () => ["render", "--env", "hjepa/TwoRooms-v0", "--map", out("missing.map"), "--out", out("m.png")],
    /missing\.map: no such file/,
  ],
  // Environments
  [
    "unknown env id",
    () => ["render", "--env", "hjepa/Nope-v0", "--out", out("e1.png")],
    /--env hjepa\/Nope-v0/,
  ],
  ["unknown obs mode", () => collectArgs({ obs: "smell", out: out("e2.arrow") }), /obsMode/],
  [
    "start inside a wall",
    () => ["oracle", "--env", "hjepa/TwoRooms-v0", "--from", "0.5,0.5", "--to", "4.5,1.5"],
    /wall/,
  ],
  [
    "config: unknown env id",
    () => ["train", "--config", out("unknown-env.json")],
    /unknown-env\.json: env\.id hjepa\/Nope-v0/,
  ],
  [
    "config: unknown obsMode",
    () => ["train", "--config", out("unknown-obs.json")],
    /unknown-obs\.json: .*smell/,
  ],
  [
    "config: unknown planner",
    () => ["train", "--config", out("unknown-planner.json")],
    /unknown-planner\.json: agent\.planner.*mpi/,
  ],
  ["config: newer schema version", () => ["train", "--config", out("newer.json")], /newer\.json: version 99/],
  [
    "no pair passes the filter",
    () => [
      "tasks",
      "--env",
      "hjepa/TwoRooms-v0",
      "--map",
      out("one-room.map"),
      "--count",
      "3",
      "--seed",
      "0",
      "--filter",
      "different-rooms",
      "--out",
      out("f.json"),
    ],
    /different-rooms/,
  ],
  // Task sets
  ["task set of {}", () => ["eval", "--run", run, "--tasks", out("empty-object.json")], /empty-object\.json/],
  ["empty task set", () => ["eval", "--run", run, "--tasks", out("no-tasks.json")], /no-tasks\.json.*tasks/],
  [
    "task start in a wall",
    () => ["eval", "--run", run, "--tasks", out("start-in-wall.json"), "--workers", "1"],
    /start-in-wall\.json|wall/,
  ],
  // Runs and checkpoints
  ["not a run folder", () => ["inspect", tmp], /not a run folder/],
  ["resume of a non-run", () => ["train", "--resume", tmp], /not a run folder/],
  [
    "weights.bin corrupted (eval)",
    () => [
      "eval",
      "--run",
      damagedRun("sha-eval", (d) => flipByte(join(latestCheckpoint(d), "weights.bin"))),
      "--tasks",
      tasks,
      "--workers",
      "1",
    ],
    /weights\.bin|SHA-256|sha256/i,
  ],
  [
    "weights.bin corrupted (inspect)",
    () => ["inspect", damagedRun("sha-inspect", (d) => flipByte(join(latestCheckpoint(d), "weights.bin")))],
    /weights\.bin|SHA-256|sha256/i,
  ],
  [
    "model.json missing",
    () => [
      "eval",
      "--run",
      damagedRun("no-model", (d) => rmSync(join(latestCheckpoint(d), "model.json"))),
      "--tasks",
      tasks,
      "--workers",
      "1",
    ],
    /model\.json/,
  ],
  [
    "latest.json invalid",
    () => [
      "eval",
      "--run",
      damagedRun("bad-latest", (d) => writeFileSync(join(d, "checkpoints/latest.json"), "{oops")),
      "--tasks",
      tasks,
      "--workers",
      "1",
    ],
    /latest\.json/,
  ],
  [
    "manifest.json invalid",
    () => ["inspect", damagedRun("bad-manifest", (d) => writeFileSync(join(d, "manifest.json"), "[1,"))],
    /manifest\.json/,
  ],
];

function flipByte(file: string): void {
  const bytes = readFileSync(file);
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(file, bytes);
}

describe("hjepa on bad input", () => {
  it.concurrent.each(CASES)(
    "%s: exit 2, one line naming it, no stack trace, nothing written",
    async (_what, args, pattern) => {
      const before = new Set(readdirSync(tmp));
      const r = await hjepa(args());
      expect(r.code, `${r.stderr}${r.stdout}`).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      const after = readdirSync(tmp).filter((f) => !before.has(f));
      // Only the damaged copies of the run that the case made itself may be new.
      expect(after.filter((f) => !/^(sha-|no-model|bad-)/.test(f))).toEqual([]);
    },
  );

  it("reports a bug in hjepa as a bug: exit 1 with the stack trace", async () => {
    // Preloaded into the process: the atomic rename every output goes through throws a TypeError, as a bug would.
    const inject = join(tmp, "inject-bug.mjs");
    writeFileSync(
      inject,
      'import fs from "node:fs"; import { syncBuiltinESMExports } from "node:module";\n' +
        'fs.renameSync = () => { throw new TypeError("injected bug"); }; syncBuiltinESMExports();\n',
    );
    const r = await hjepa(
      ["render", "--env", "hjepa/TwoRooms-v0", "--out", out("bug.png")],
      ["--import", inject],
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/internal error/);
    expect(r.stderr).toMatch(/TypeError: injected bug/);
    expect(r.stderr).toMatch(/^\s+at /m);
    expect(existsSync(out("bug.png"))).toBe(false);
  });
});
