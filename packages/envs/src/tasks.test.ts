import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataError, FileSystemError, InputError } from "@hjepa/errors";
import { type Rng, register, registry } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { GridEnv, PointEnv } from "./data/testEnv.ts";
import { loadTaskSet, makeTaskSet, makeTaskSetFromEnv, saveTaskSet, type TaskSet } from "./tasks.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "hjepa-tasks-"));

/** The largest shortest-path distance between two free cells of the test grid. */
function gridDiameter(env: GridEnv): number {
  const free: number[][] = [];
  for (let r = 0; r < env.map.rows; r++) {
    for (let c = 0; c < env.map.cols; c++) if (env.map.cells[r * env.map.cols + c] === 0) free.push([r, c]);
  }
  let best = 0;
  for (const a of free) for (const b of free) best = Math.max(best, env.oracle().distance(a, b));
  return best;
}

describe("makeTaskSetFromEnv", () => {
  it("fills near/mid/far terciles of the distance range, deterministically", () => {
    const env = new GridEnv();
    const set = makeTaskSetFromEnv(env, { seed: 3, count: 5, envId: "Test/Grid-v0", kwargs: { a: 1 } });
    const hi = gridDiameter(env);
    expect(set.bins).toEqual([
      { name: "near", min: 0, max: 1 + (hi - 1) / 3 },
      { name: "mid", min: 1 + (hi - 1) / 3, max: 1 + (2 * (hi - 1)) / 3 },
      { name: "far", min: 1 + (2 * (hi - 1)) / 3, max: null },
    ]);
    expect(set).toMatchObject({ version: 1, envId: "Test/Grid-v0", kwargs: { a: 1 }, seed: 3 });
    expect(set.tasks.map((t) => t.bin)).toEqual([
      ...Array(5).fill("near"),
      ...Array(5).fill("mid"),
      ...Array(5).fill("far"),
    ]);
    for (const t of set.tasks) {
      const bin = set.bins.find((b) => b.name === t.bin);
      expect(t.distance).toBe(env.oracle().distance(t.start, t.goal));
      expect(t.distance).toBeGreaterThanOrEqual(bin?.min as number);
      expect(t.distance).toBeLessThan(bin?.max ?? Number.POSITIVE_INFINITY);
      expect(env.isSuccess(t.start, t.goal)).toBe(false);
    }
    expect(new Set(set.tasks.map((t) => t.id)).size).toBe(15);
    expect(makeTaskSetFromEnv(new GridEnv(), { seed: 3, count: 5 }).tasks).toEqual(set.tasks);
    expect(makeTaskSetFromEnv(new GridEnv(), { seed: 4, count: 5 }).tasks).not.toEqual(set.tasks);
  });

  it("uses explicit bins, the filter, and the env's own task sampler", () => {
    const env = new PointEnv();
    const bins = [
      { name: "short", min: 1, max: 3 },
      { name: "long", min: 6, max: null },
    ];
    const set = makeTaskSetFromEnv(env, { seed: 0, count: 4, bins, filter: (s) => (s[0] as number) > 5 });
    expect(set.bins).toEqual(bins);
    for (const t of set.tasks) {
      expect(t.start[0]).toBeGreaterThan(5);
      expect(t.distance).toBeGreaterThanOrEqual(t.bin === "short" ? 1 : 6);
      if (t.bin === "short") expect(t.distance).toBeLessThan(3);
    }
    let calls = 0;
    const own = Object.assign(new PointEnv(), {
      sampleTask: (rng: Rng) => {
        calls++;
        return { start: [1, 1], goal: [1, 1 + rng.uniform(1, 2)] };
      },
    });
    const fixed = makeTaskSetFromEnv(own, { seed: 0, count: 3, bins: [{ name: "all", min: 0, max: null }] });
    expect(calls).toBe(3);
    expect(fixed.tasks.every((t) => t.start[0] === 1 && t.distance >= 1 && t.distance < 2)).toBe(true);
  });

  it("fails clearly when a bin cannot be filled", () => {
    const unfillable = () =>
      makeTaskSetFromEnv(new GridEnv(), {
        seed: 0,
        count: 2,
        bins: [{ name: "huge", min: 50, max: null }],
        maxTries: 500,
      });
    expect(unfillable).toThrow(InputError);
    expect(() =>
      makeTaskSetFromEnv(new GridEnv(), {
        seed: 0,
        count: 2,
        bins: [{ name: "huge", min: 50, max: null }],
        maxTries: 500,
      }),
    ).toThrow(
      /could not fill every bin after 500 tries \(huge \[50, inf\): 0\/2\); distances seen: \[1, \d+\]/,
    );
  });

  it("gives up promptly, saying so, when the filter keeps no pair (explicit bins too)", () => {
    let draws = 0;
    const env = Object.assign(new GridEnv(), {
      sampleTask: (rng: Rng) => {
        draws++;
        return { start: [1, 1], goal: [1, 1 + rng.int(2)] };
      },
    });
    const noPair = (bins?: { name: string; min: number; max: number | null }[]) => () =>
      makeTaskSetFromEnv(env, { seed: 0, count: 1000, bins, filter: () => false, pilot: 200 });
    for (const bins of [undefined, [{ name: "all", min: 0, max: null }]]) {
      draws = 0;
      expect(noPair(bins)).toThrow(InputError);
      expect(noPair(bins)).toThrow(
        /none of 200 pairs drawn was valid \(reachable, not already at the goal, kept by the filter\); relax the filter/,
      );
      // Without the bound it would draw max(10000, 200 * count * bins) = 200000 pairs.
      expect(draws).toBe(400);
    }
    expect(() => makeTaskSetFromEnv(new GridEnv(), { seed: -1, count: 1 })).toThrow(InputError);
    expect(() => makeTaskSetFromEnv(new GridEnv(), { seed: 0, count: 0 })).toThrow(InputError);
    const badBins = () =>
      makeTaskSetFromEnv(new GridEnv(), { seed: 0, count: 1, bins: [{ name: "", min: 0, max: 1 }] });
    expect(badBins).toThrow(InputError);
    expect(badBins).toThrow(/bins\[0\]\.name must be a non-empty string/);
    const named = () =>
      makeTaskSetFromEnv(env, { seed: 0, count: 1, filter: () => false, filterName: "different-rooms" });
    expect(named).toThrow(/kept by the filter different-rooms\); relax the filter or use another map/);
  });
});

describe("makeTaskSet (by registry id)", () => {
  it("makes the env and records its id and kwargs", () => {
    if (!registry.has("test/TaskGrid-v0"))
      register({ id: "test/TaskGrid-v0", entryPoint: () => new GridEnv(), kwargs: { k: 1 } });
    const set = makeTaskSet("test/TaskGrid-v0", { seed: 3, count: 5, kwargs: { k: 2 } });
    expect(set).toMatchObject({ envId: "test/TaskGrid-v0", kwargs: { k: 2 } });
    expect(set.tasks).toEqual(makeTaskSetFromEnv(new GridEnv(), { seed: 3, count: 5 }).tasks);
  });
});

describe("saveTaskSet / loadTaskSet", () => {
  it("round-trips through JSON atomically", () => {
    const dir = tmp();
    const set = makeTaskSetFromEnv(new PointEnv(), { seed: 1, count: 3 });
    const path = join(dir, "sub", "tasks.json");
    saveTaskSet(path, set);
    expect(loadTaskSet(path)).toEqual(set);
    expect(readdirSync(join(dir, "sub"))).toEqual(["tasks.json"]);
  });

  it("names the file, the field and what was expected", () => {
    const dir = tmp();
    const good: TaskSet = makeTaskSetFromEnv(new GridEnv(), { seed: 1, count: 1 });
    const write = (name: string, value: unknown) => {
      const p = join(dir, name);
      writeFileSync(p, typeof value === "string" ? value : JSON.stringify(value));
      return p;
    };
    const p1 = write("a.json", { ...good, tasks: [{ ...good.tasks[0], start: ["x"] }] });
    expect(() => loadTaskSet(p1)).toThrow(
      `${p1}: tasks[0].start must be a non-empty array of finite numbers (got ["x"])`,
    );
    const p2 = write("b.json", { ...good, tasks: [{ ...good.tasks[0], bin: "nowhere" }] });
    expect(() => loadTaskSet(p2)).toThrow(
      `${p2}: tasks[0].bin must be one of the bin names (near, mid, far) (got "nowhere")`,
    );
    const p3 = write("c.json", { ...good, version: 9 });
    expect(() => loadTaskSet(p3)).toThrow(`${p3}: version must be 1 (got 9)`);
    const p4 = write("d.json", "{ not json");
    expect(() => loadTaskSet(p4)).toThrow(`${p4}: not valid JSON`);
    const p5 = write("e.json", { ...good, bins: [{ name: "x", min: 2, max: 1 }] });
    expect(() => loadTaskSet(p5)).toThrow(`${p5}: bins[0].max must be a number above min or null (got 1)`);
    expect(() => loadTaskSet(join(dir, "missing.json"))).toThrow(FileSystemError);
    expect(() => loadTaskSet(join(dir, "missing.json"))).toThrow(
      /missing.json: cannot read the task set \(no such file or folder, ENOENT\)/,
    );
  });

  it("refuses {}, an empty task set, a JSON error on one line and mixed state sizes as DataErrors", () => {
    const dir = tmp();
    const good: TaskSet = makeTaskSetFromEnv(new GridEnv(), { seed: 1, count: 1 });
    const refused = (name: string, value: unknown, message: string | RegExp) => {
      const p = join(dir, name);
      writeFileSync(p, typeof value === "string" ? value : JSON.stringify(value));
      expect(() => loadTaskSet(p)).toThrow(DataError);
      expect(() => loadTaskSet(p)).toThrow(typeof message === "string" ? `${p}: ${message}` : message);
    };
    refused("empty-object.json", {}, "version must be 1 (got undefined)");
    refused(
      "no-tasks.json",
      { ...good, tasks: [] },
      "tasks must be a non-empty array of {id, bin, start, goal, distance} (got [])",
    );
    refused(
      "lines.json",
      '{\n  "version": x\n}',
      /lines\.json: not valid JSON \(Unexpected token 'x', "\{; "version": x; \}" is not valid JSON\); expected a task set$/,
    );
    const mixed = { ...good, tasks: [good.tasks[0], { ...good.tasks[1], id: "other", goal: [1, 2, 3] }] };
    refused("mixed.json", mixed, "tasks[1].goal must be 2 numbers like tasks[0].start (got [1,2,3])");
  });

  it("refuses tasks made for another env, naming the file and the field", () => {
    const dir = tmp();
    const set = makeTaskSet("test/TaskGrid-v0", { seed: 1, count: 1 });
    const path = join(dir, "grid.json");
    saveTaskSet(path, set);
    expect(loadTaskSet(path, { envId: "test/TaskGrid-v0", stateSize: 2 })).toEqual(set);
    expect(() => loadTaskSet(path, { envId: "hjepa/TwoRooms-v0" })).toThrow(DataError);
    expect(() => loadTaskSet(path, { envId: "hjepa/TwoRooms-v0" })).toThrow(
      `${path}: envId is "test/TaskGrid-v0", but the tasks are to run on "hjepa/TwoRooms-v0"`,
    );
    expect(() => loadTaskSet(path, { stateSize: 4 })).toThrow(
      `${path}: tasks[0].start has 2 numbers, but the env's states have 4; expected a task set made for this env`,
    );
  });

  it("saving under a regular file is a FileSystemError naming the path", () => {
    const dir = tmp();
    writeFileSync(join(dir, "file"), "x");
    const set = makeTaskSetFromEnv(new GridEnv(), { seed: 1, count: 1 });
    expect(() => saveTaskSet(join(dir, "file", "tasks.json"), set)).toThrow(FileSystemError);
    expect(() => saveTaskSet(join(dir, "file", "tasks.json"), set)).toThrow(
      `${join(dir, "file", "tasks.json")}: cannot write the task set (a part of the path is a file, not a folder, ENOTDIR)`,
    );
  });
});
