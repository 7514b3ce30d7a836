import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPlanningEnv } from "@hjepa/envs";
import { InputError } from "@hjepa/errors";
import { RunFolder, writeJsonAtomic } from "@hjepa/experiment";
import { parseSvg } from "@hjepa/report/testing";
import { make } from "gymnasium-js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EpisodeRecord } from "../eval/episodes.ts";
import { episodePictures, writeEpisodePictures } from "../eval/evalReport.ts";
import { mapViewOf } from "../eval/mapView.ts";
import { summarize } from "../eval/report.ts";
import { command } from "./report.ts";

const ENV = "hjepa/TwoRooms-v0";

/** An episode on TwoRooms (5 x 5 rooms side by side: the wall is column 6, the door at row 3). */
function episode(id: string, success: boolean, trajectory: number[][]): EpisodeRecord {
  return {
    id,
    bin: "far",
    success,
    steps: trajectory.length - 1,
    pathLength: 6,
    optimal: 5,
    violations: 0,
    decisions: trajectory.length - 1,
    msPerDecision: 2,
    predictorCallsPerDecision: 100,
    costUnitsPerStep: 100,
    planningMs: 10,
    levels: [{ level: 1, plans: 3, predictorCalls: 300, costUnits: 300 }],
    trajectory,
    // Two-number "representations", decoded by the identity below.
    firstPlan: [3, 3.2, 4, 3.4],
    start: trajectory[0] as number[],
    goal: [9.5, 3.5],
    subgoals: [
      { step: 0, from: 2, to: 1, representation: [5, 3.5] },
      { step: 4, from: 2, to: 1, representation: [7.5, 3.5] },
    ],
  };
}
const records = [
  episode("far-0", true, [
    [2.5, 3.5],
    [4.5, 3.5],
    [6.5, 3.5],
    [9.3, 3.5],
  ]),
  episode("far-1", false, [
    [2.5, 1.5],
    [2.5, 2.5],
  ]),
];

function resultsJson(run?: string) {
  return {
    ...(run ? { run } : {}),
    tasks: "/nonexistent/tasks.json",
    backend: "cpu",
    createdAt: "2026-12-01T00:00:00.000Z",
    agent: { planner: "cem", levels: [{ level: 2 }] },
    envId: ENV,
    taskSeed: 0,
    summaries: summarize(records),
    episodes: records.map(({ start: _s, goal: _g, subgoals: _sg, ...r }, i) =>
      i === 0 ? { ...r, start: records[0]?.start, goal: records[0]?.goal } : { ...r, goal: [9.5, 3.5] },
    ),
  };
}

let root = "";
const logs: string[] = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "hjepa-report-cmd-"));
  logs.length = 0;
  vi.spyOn(console, "log").mockImplementation((line: string) => void logs.push(line));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

async function report(dir: string, values: { pictures?: string } = {}): Promise<void> {
  await command.run({ positionals: [dir], values });
}

describe("hjepa report", () => {
  it("re-renders an evaluation folder: SVGs and one index.html with the table and every plot", async () => {
    const dir = join(root, "eval", "cem-two-rooms");
    mkdirSync(dir, { recursive: true });
    writeJsonAtomic(join(dir, "results.json"), { ...resultsJson(), episodes: records });
    const env = make(ENV).unwrapped;
    if (!isPlanningEnv(env)) throw new Error("not a planning env");
    const identity = {
      name: "the identity",
      dim: 2,
      decode: (rows: readonly number[], n: number) =>
        Array.from({ length: n }, (_, i) => [rows[2 * i] as number, rows[2 * i + 1] as number]),
    };
    writeEpisodePictures(dir, episodePictures(ENV, records, mapViewOf(env), 2, identity));

    await report(dir);
    expect(readdirSync(dir).sort()).toEqual([
      "episode-far-0.svg",
      "episode-far-1-failed.svg",
      "index.html",
      "results.json",
      "spl-by-bin.svg",
      "success-by-bin.svg",
      "trajectories.json",
    ]);
    expect(logs).toEqual([`report: ${join(dir, "index.html")}`]);
    const svg = (f: string) => parseSvg(readFileSync(join(dir, f), "utf8"));
    const reached = svg("episode-far-0.svg");
    expect(reached.texts("title-text")).toEqual([`${ENV} · task far-0 · cem-two-rooms · reached in 3 steps`]);
    // TwoRooms: the outer walls and the wall between the rooms, in a few rectangles.
    expect(reached.items("walls").length).toBeGreaterThanOrEqual(4);
    expect(reached.items("plan")).toHaveLength(2);
    expect(reached.items("subgoals_0")).toHaveLength(2);
    expect(reached.texts("legend-label")).toContain("level 2 subgoals (2)");
    expect(svg("episode-far-1-failed.svg").texts("title-text")[0]).toMatch(/failed \(1 steps\)$/);
    expect(
      svg("success-by-bin.svg")
        .items("labels")
        .map((t) => t.textContent),
    ).toEqual(["1/2"]);
    const html = readFileSync(join(dir, "index.html"), "utf8");
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).toContain('<td class="l">far</td><td class="r">2</td><td class="r">50.0%</td>');
    expect(html).not.toMatch(/<script/i);

    const first = readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8"));
    await report(dir);
    expect(readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8"))).toEqual(first);
  });

  it("draws an older evaluation (no trajectories.json) on the map of its run's env", async () => {
    const run = RunFolder.create({
      name: "toy",
      config: { env: { id: ENV, kwargs: {} } },
      out: join(root, "run"),
    });
    const dir = join(run.dir, "eval", "old");
    mkdirSync(dir, { recursive: true });
    writeJsonAtomic(join(dir, "results.json"), resultsJson());
    await report(dir, { pictures: "1" });
    expect(readdirSync(dir).filter((f) => f.startsWith("episode-"))).toEqual(["episode-far-0.svg"]);
    const p = parseSvg(readFileSync(join(dir, "episode-far-0.svg"), "utf8"));
    expect(p.items("walls").length).toBeGreaterThanOrEqual(4);
    expect(p.items("plan")).toHaveLength(0);
    expect(logs[0]).toMatch(/^note: no trajectories\.json/);
  });

  it("says which file is missing or malformed, and writes nothing", async () => {
    await expect(report(join(root, "nope"))).rejects.toThrow(new RegExp(`^${root}/nope: no such folder`));
    const dir = join(root, "eval", "bad");
    mkdirSync(dir, { recursive: true });
    await expect(report(dir)).rejects.toThrow(InputError);
    await expect(report(dir)).rejects.toThrow(`${join(dir, "results.json")}: no such file`);
    writeFileSync(join(dir, "results.json"), "{ not json");
    await expect(report(dir)).rejects.toThrow(new RegExp(`^${join(dir, "results.json")}: not valid JSON`));
    writeFileSync(join(dir, "results.json"), JSON.stringify({ ...resultsJson(), summaries: "x" }));
    await expect(report(dir)).rejects.toThrow(new RegExp(`^${join(dir, "results.json")}: summaries`));
    expect(readdirSync(dir)).toEqual(["results.json"]);
  });
});
