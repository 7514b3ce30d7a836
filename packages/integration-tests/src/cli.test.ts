import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "hjepa-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the `hjepa` binary as `pnpm hjepa` does (apps/lab/bin/hjepa.js). */
function hjepa(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, "apps/lab/bin/hjepa.js"), ...args], {
    cwd: tmp,
    encoding: "utf8",
    env: { ...process.env, INIT_CWD: tmp },
    timeout: 60000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("hjepa command line", () => {
  it("lists the registered environments with their spaces", () => {
    const r = hjepa("envs");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(
      lines.some((l) => l.startsWith("hjepa/TwoRooms-v0") && l.includes("Box(-1.0, 1.0, (2,), float32)")),
    ).toBe(true);
    expect(lines.some((l) => l.startsWith("hjepa/GridMaze-v0") && l.includes("Discrete(4)"))).toBe(true);
  });

  it("prints the oracle distance, and rejects a point inside a wall with exit 2", () => {
    const ok = hjepa("oracle", "--env", "hjepa/TwoRooms-v0", "--from", "1.5,1.5", "--to", "4.5,1.5");
    expect(ok.code).toBe(0);
    expect(Number(ok.stdout.trim())).toBeCloseTo(3, 6);
    const bad = hjepa("oracle", "--env", "hjepa/TwoRooms-v0", "--from", "0.5,0.5", "--to", "4.5,1.5");
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("renders a PNG", () => {
    const out = join(tmp, "two-rooms.png");
    const r = hjepa("render", "--env", "hjepa/TwoRooms-v0", "--seed", "1", "--out", out);
    expect(r.code).toBe(0);
    expect(readFileSync(out).subarray(1, 4).toString()).toBe("PNG");
  });

  it("builds a task set and collects a dataset", () => {
    const tasks = join(tmp, "tasks.json");
    expect(
      hjepa("tasks", "--env", "hjepa/GridMaze-v0", "--count", "5", "--seed", "0", "--out", tasks).code,
    ).toBe(0);
    const set = JSON.parse(readFileSync(tasks, "utf8"));
    expect(set.tasks.length).toBe(5 * set.bins.length);
    const data = join(tmp, "data.arrow");
    const r = hjepa(
      "collect",
      "--env",
      "hjepa/TwoRooms-v0",
      "--episodes",
      "3",
      "--steps",
      "20",
      "--policy",
      "momentum",
      "--seed",
      "0",
      "--out",
      data,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(data).subarray(0, 6).toString()).toBe("ARROW1");
  });
});
