import { describe, expect, it } from "vitest";
import { closeMatches, sequenceRatio } from "./difflib.ts";

describe("difflib", () => {
  it("matches Python's SequenceMatcher.ratio", () => {
    // Reference values from CPython's difflib.
    const cases: [string, string, number][] = [
      ["abcd", "bcde", 0.75],
      ["PointMaze", "PointMase", 0.8888888888888888],
      ["GridMaze", "PointMaze", 0.5882352941176471],
      ["hjepa", "hjpea", 0.8],
      ["", "abc", 0],
      ["CartPole", "Cartpole", 0.875],
      ["qabxcd", "abycdf", 0.6666666666666666],
      ["TwoRooms", "FourRooms", 0.7058823529411765],
    ];
    for (const [a, b, r] of cases) expect(sequenceRatio(a, b)).toBeCloseTo(r, 12);
    expect(sequenceRatio("", "")).toBe(1);
  });

  it("matches Python's get_close_matches, best first", () => {
    expect(closeMatches("appel", ["ape", "apple", "peach", "puppy"])).toEqual(["apple", "ape"]);
    expect(closeMatches("Maze", ["GridMaze", "PointMaze", "Maze2", "Mazes", "Walk"], 3)).toEqual([
      "Mazes",
      "Maze2",
      "GridMaze",
    ]);
    expect(closeMatches("xyz", ["abc"])).toEqual([]);
    expect(() => closeMatches("a", [], 0)).toThrow(/n must be > 0/);
  });
});
