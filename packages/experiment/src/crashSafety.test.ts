import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pauseForTest, removeStaleTemps, tempPathFor } from "./crashSafety.ts";

// A pid that surely ended: a child that has exited (and been reaped).
const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;

describe("temp files", () => {
  it("names a temp path beside its target, owned by this process, fresh each time", () => {
    const a = tempPathFor("/data/x.arrow");
    const b = tempPathFor("/data/x.arrow");
    expect(dirname(a)).toBe("/data");
    expect(basename(a)).toMatch(new RegExp(`^\\.x\\.arrow\\.${process.pid}-\\d+\\.tmp$`));
    expect(b).not.toBe(a);
  });

  it("removes only the temp files and folders of processes that are gone (of one target when given)", () => {
    const dir = mkdtempSync(join(tmpdir(), "hjepa-crash-"));
    writeFileSync(join(dir, `.x.arrow.${dead}-0.tmp`), "");
    mkdirSync(join(dir, `.step-0000010.${dead}-3.tmp`));
    writeFileSync(join(dir, `.x.arrow.${process.ppid}-0.tmp`), "");
    writeFileSync(join(dir, `.x.arrow.${process.pid}-0.tmp`), "");
    writeFileSync(join(dir, "x.arrow"), "");
    expect(removeStaleTemps(dir, join(dir, "x.arrow"))).toEqual([`.x.arrow.${dead}-0.tmp`]);
    expect(removeStaleTemps(dir)).toEqual([`.step-0000010.${dead}-3.tmp`]);
    expect(readdirSync(dir).sort()).toEqual(
      [`.x.arrow.${process.pid}-0.tmp`, `.x.arrow.${process.ppid}-0.tmp`, "x.arrow"].sort(),
    );
    expect(removeStaleTemps(join(dir, "missing"))).toEqual([]);
  });
});

describe("pauseForTest", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("pauses once at the stage HJEPA_TEST_PAUSE_AT names, announcing it; elsewhere it is a no-op", async () => {
    vi.stubEnv("HJEPA_TEST_PAUSE_AT", "saving-checkpoint");
    vi.stubEnv("HJEPA_TEST_PAUSE_MS", "20");
    const lines: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s) => lines.push(String(s)) > 0);
    await pauseForTest("training");
    await pauseForTest("saving-checkpoint");
    await pauseForTest("saving-checkpoint");
    expect(lines).toEqual(["hjepa-test: paused at saving-checkpoint\n"]);
  });
});
