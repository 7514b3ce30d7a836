import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hjepaLauncher, measureStartup, median } from "./startupBench.ts";

const dir = mkdtempSync(join(tmpdir(), "hjepa-startup-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A stand-in for `hjepa`: logs its command, then exits with the code given after it.
const script = join(dir, "fake.mjs");
const log = join(dir, "log.txt");
writeFileSync(
  script,
  `import { appendFileSync } from "node:fs";
const [cmd, code] = process.argv.slice(2);
appendFileSync(${JSON.stringify(log)}, cmd + "\\n");
if (code !== "0") console.error("bad " + cmd + "\\nsecond line");
process.exit(Number(code));
`,
);

describe("measureStartup", () => {
  it("drops the warm-up run, times the rest, and stops timing a command that fails", () => {
    const results = measureStartup(
      {
        runs: 3,
        launcher: { command: process.execPath, args: [script], label: "fake" },
        commands: [
          { name: "ok", args: ["ok", "0"] },
          { name: "broken", args: ["broken", "2"] },
        ],
      },
      dir,
    );
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls.filter((c) => c === "ok")).toHaveLength(4);
    expect(calls.filter((c) => c === "broken")).toHaveLength(1);
    const [ok, broken] = results;
    expect(ok?.timesMs).toHaveLength(3);
    expect(ok?.medianMs).toBeGreaterThan(0);
    expect(ok?.error).toBeUndefined();
    expect(broken?.error).toBe("exit 2: bad broken");
    expect(broken?.timesMs).toHaveLength(0);
  });
});

describe("median", () => {
  it("is the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe("hjepaLauncher", () => {
  it("runs the CLI source through tsx when the workspace links no binary", () => {
    const launcher = hjepaLauncher(dir);
    expect(launcher.command).toBe(process.execPath);
    expect(launcher.args).toEqual(["--import", "tsx", join(dir, "apps/lab/src/main.ts")]);
  });
});
