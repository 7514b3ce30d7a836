/**
 * scripts/reproduce-all: re-runs the hjepa commands behind every result quoted in README.md and in the experiment
 * configs' descriptions (the list: reproduce-all.entries.ts; for people: docs/results.md) into one output folder,
 * then checks them: each quoted text against the text the re-run's results make, each README comparison table
 * cell for cell (ms/decision aside: a time), and, where the folder that first made a result is here, every metric
 * with `hjepa reproduce ORIGINAL --against NEW`. What the output folder holds already is not run again (a killed
 * training is resumed), so running it again continues. Hours of work: not run in CI.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { readComparisonFile } from "../apps/lab/src/compare/comparisonFile.ts";
import { comparisonTable } from "../apps/lab/src/compare/table.ts";
import { ENTRIES } from "./reproduce-all.entries.ts";
import type { Entry, Step } from "./reproduce-all.lib.ts";

const ROOT = resolve(import.meta.dirname, "..");
const HJEPA = join(ROOT, "apps/lab/bin/hjepa.js");

const USAGE = `usage: scripts/reproduce-all [--out DIR] [--only ID,...] [--workers N] [--check-only] [--list]

Re-runs the commands behind every result quoted in README.md and the experiment configs (docs/results.md) into
DIR (default runs/reproduce-all), skipping what DIR holds already, and checks every quoted number; where the
folder that first made a result is here, also runs hjepa reproduce ORIGINAL --against NEW.
  --only ID,...   these entries only (--list shows them)
  --workers N     worker processes for hjepa eval and hjepa compare
  --check-only    run nothing: check what DIR holds
  --list          print the entries, their commands and their time, and exit
Exit code 0: every check passed; 1: a check failed or a command failed; 2: bad input.
`;

interface Options {
  out: string;
  only: string[] | null;
  workers: string | null;
  checkOnly: boolean;
  list: boolean;
}

function parse(argv: string[]): Options {
  const o: Options = { out: "runs/reproduce-all", only: null, workers: null, checkOnly: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v as string;
    };
    if (a === "--out") o.out = value();
    else if (a === "--only") o.only = value().split(",");
    else if (a === "--workers") o.workers = value();
    else if (a === "--check-only") o.checkOnly = true;
    else if (a === "--list") o.list = true;
    else if (a === "--help" || a === "-h") {
      process.stdout.write(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  const ids = ENTRIES.map((e) => e.id);
  for (const id of o.only ?? [])
    if (!ids.includes(id)) fail(`--only: no entry "${id}" (entries: ${ids.join(", ")})`);
  // --out is relative to where the script was started; it then works from the repository root.
  return { ...o, out: resolve(o.out) };
}

function fail(message: string): never {
  process.stderr.write(`reproduce-all: ${message} (see: scripts/reproduce-all --help)\n`);
  process.exit(2);
}

/** The step's hjepa arguments with the output folder filled in (and --workers where it applies). */
function args(step: Step & { hjepa: string[] }, o: Options): string[] {
  const a = step.hjepa.map((x) => x.replaceAll("{out}", o.out));
  const takesWorkers = a[0] === "eval" || a[0] === "compare";
  return o.workers !== null && takesWorkers ? [...a, "--workers", o.workers] : a;
}

/** Done already: a finished run, an evaluation's results, a comparison's comparison.json, a task set. */
function done(step: Step, out: string): boolean {
  const path = join(out, step.makes);
  if ("hjepa" in step && step.hjepa[0] === "train") {
    const manifest = join(path, "manifest.json");
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).status === "finished";
  }
  if ("hjepa" in step && step.hjepa[0] === "eval") return existsSync(join(path, "results.json"));
  return existsSync(path);
}

function hjepa(a: string[], log?: string): number {
  const r = spawnSync(process.execPath, [HJEPA, ...a], {
    cwd: ROOT,
    env: { ...process.env, INIT_CWD: ROOT },
    stdio: log === undefined ? "inherit" : ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (log !== undefined) writeFileSync(log, `${r.stdout ?? ""}${r.stderr ?? ""}`);
  return r.status ?? 1;
}

/** Runs an entry's steps that are not done; false when one failed (its checks are then skipped). */
function runSteps(entry: Entry, o: Options): boolean {
  for (const step of entry.steps) {
    if (done(step, o.out)) {
      console.log(`  made already: ${step.makes}`);
      continue;
    }
    if ("farTasks" in step) {
      // The far bin of a saved task set, the tasks in their order: an episode is seeded by its index.
      const set = JSON.parse(readFileSync(join(ROOT, step.farTasks), "utf8"));
      set.tasks = set.tasks.filter((t: { bin: string }) => t.bin === "far");
      mkdirSync(dirname(join(o.out, step.makes)), { recursive: true });
      writeFileSync(join(o.out, step.makes), `${JSON.stringify(set, null, 2)}\n`);
      continue;
    }
    let a = args(step, o);
    // A training that was killed is continued, to the same result as an uninterrupted one.
    if (a[0] === "train" && existsSync(join(o.out, step.makes, "manifest.json")))
      a = ["train", "--resume", join(o.out, step.makes)];
    console.log(`  $ hjepa ${a.join(" ")}`);
    const started = Date.now();
    const code = hjepa(a);
    console.log(`  (exit ${code}, ${((Date.now() - started) / 60000).toFixed(1)} min)`);
    if (code !== 0) return false;
  }
  return true;
}

/** The text a check quotes from: README.md as it is, an experiment config's description (JSON escapes undone). */
function quotedText(file: string): string {
  const text = readFileSync(join(ROOT, file), "utf8");
  return file.endsWith(".json") ? String((JSON.parse(text) as { description?: string }).description) : text;
}

/** A markdown table's rows as trimmed cells, without its rule row. */
function cells(lines: readonly string[]): string[][] {
  return lines
    .filter((l) => !/^\|[\s:|-]+\|$/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split("|")
        .map((c) => c.trim()),
    );
}

/** README's table with the same header and arms as the re-run's: the cells that differ, ms/decision aside. */
function checkTable(dir: string): { ok: boolean; lines: string[] } {
  const made = cells(comparisonTable(readComparisonFile(dir)).markdown.split("\n"));
  const readme = readFileSync(join(ROOT, "README.md"), "utf8").split("\n");
  const tables: string[][][] = [];
  let block: string[] = [];
  for (const l of [...readme, ""]) {
    if (l.startsWith("|")) block.push(l.trim());
    else if (block.length > 0) {
      tables.push(cells(block));
      block = [];
    }
  }
  const arms = (t: string[][]) => t.map((r) => r[0]).join("|");
  const quoted = tables.find((t) => t[0]?.join("|") === made[0]?.join("|") && arms(t) === arms(made));
  if (quoted === undefined)
    return { ok: false, lines: ["no table in README.md with this header and these arms"] };
  const header = made[0] as string[];
  const lines: string[] = [];
  made.slice(1).forEach((row, r) => {
    row.forEach((c, k) => {
      const q = quoted[r + 1]?.[k];
      if (header[k] !== "ms/decision" && q !== c)
        lines.push(`${row[0]}, ${header[k]}: README ${q}, re-run ${c}`);
    });
  });
  return { ok: lines.length === 0, lines };
}

function main(): number {
  const o = parse(process.argv.slice(2));
  process.chdir(ROOT);
  const entries = ENTRIES.filter((e) => o.only === null || o.only.includes(e.id));
  if (o.list) {
    for (const e of entries) {
      console.log(`${e.id} (about ${e.minutes} min on 2 cores): ${e.what}`);
      for (const s of e.steps)
        console.log(
          "hjepa" in s ? `  hjepa ${args(s, o).join(" ")}` : `  far bin of ${s.farTasks} -> ${s.makes}`,
        );
    }
    console.log(`total: about ${entries.reduce((a, e) => a + e.minutes, 0)} min`);
    return 0;
  }
  mkdirSync(join(o.out, "logs"), { recursive: true });
  const summary: string[] = [];
  let allOk = true;
  for (const entry of entries) {
    console.log(`\n== ${entry.id}: ${entry.what} (about ${entry.minutes} min on 2 cores)`);
    if (!o.checkOnly && !runSteps(entry, o)) {
      summary.push(`${entry.id}: a command failed; not checked`);
      allOk = false;
      continue;
    }
    for (const c of entry.checks) {
      let made: string;
      try {
        made = c.made(o.out);
      } catch (e) {
        made = `(cannot make it: ${(e as Error).message})`;
      }
      const quoted = quotedText(c.file).includes(c.quoted);
      const ok = quoted && made === c.quoted;
      allOk &&= ok;
      summary.push(`${entry.id}: ${ok ? "ok" : "DIFFERS"}  ${c.file}: ${c.quoted}`);
      if (!quoted)
        summary.push(`    no longer in ${c.file}: update reproduce-all.entries.ts and docs/results.md`);
      if (made !== c.quoted) summary.push(`    re-run: ${made}`);
    }
    if (entry.table !== undefined) {
      const dir = join(o.out, entry.table);
      const t = existsSync(join(dir, "comparison.json"))
        ? checkTable(dir)
        : { ok: false, lines: ["not made"] };
      allOk &&= t.ok;
      summary.push(`${entry.id}: ${t.ok ? "ok" : "DIFFERS"}  README.md: the ${entry.table} table`);
      for (const l of t.lines) summary.push(`    ${l}`);
    }
    entry.steps.forEach((s, k) => {
      if (!("hjepa" in s) || s.original === undefined || !existsSync(join(ROOT, s.original))) return;
      const made = join(o.out, s.makes.replace(/\/comparison\.json$/, ""));
      if (!existsSync(made)) return;
      const log = join(o.out, "logs", `reproduce-${entry.id}-${k}.log`);
      const code = hjepa(["reproduce", s.original, "--against", made], log);
      allOk &&= code === 0;
      const word = code === 0 ? "ok" : code === 1 ? "DIFFERS" : `ERROR (exit ${code})`;
      summary.push(`${entry.id}: ${word}  hjepa reproduce ${s.original} --against ${made} (${log})`);
    });
  }
  console.log(`\nreproduce-all: ${o.out}`);
  for (const l of summary) console.log(l);
  console.log(allOk ? "reproduce-all: every check passed" : "reproduce-all: some checks did not pass");
  return allOk ? 0 : 1;
}

// `scripts/reproduce-all --list | head` closes stdout early: not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

process.exitCode = main();
