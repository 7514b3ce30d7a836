import { InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { expandGrid, parseGrid, parseSeeds } from "./grid.ts";

describe("sweep grids", () => {
  it("reads values as --set does, splitting only at top-level commas", () => {
    const [lr, hidden, name] = parseGrid([
      "world.levels[0].train.lr=0.001,3e-3",
      "world.levels[0].model.encoder.hidden=[32,32],[64, 64]",
      'name=a,"b,c",plain text',
    ]);
    expect(lr?.values.map((v) => v.value)).toEqual([0.001, 0.003]);
    expect(hidden?.values.map((v) => v.value)).toEqual([
      [32, 32],
      [64, 64],
    ]);
    expect(name?.values.map((v) => v.value)).toEqual(["a", "b,c", "plain text"]);
  });

  it("expands to every combination, first axis slowest, with stable keys", () => {
    const settings = expandGrid(parseGrid(["a=1,2", "b=x,y,z"]));
    expect(settings.map((s) => s.label)).toEqual([
      "a=1 b=x",
      "a=1 b=y",
      "a=1 b=z",
      "a=2 b=x",
      "a=2 b=y",
      "a=2 b=z",
    ]);
    expect(settings[4]?.overrides).toEqual(["a=2", "b=y"]);
    expect(settings[4]?.values).toEqual({ a: 2, b: "y" });
    // The key hashes the values, not their spelling or the axis order.
    expect(expandGrid(parseGrid(["b=y", "a=2.0"]))[0]?.key).toBe(settings[4]?.key);
    expect(new Set(settings.map((s) => s.key)).size).toBe(6);
    expect(expandGrid([])).toHaveLength(1);
  });

  it("refuses bad grids with one line naming the flag", () => {
    const bad = [["lr"], ["lr="], ["lr=1,,2"], ["lr=1,1.0"], ["a..b=1"], ["x=[1,2"], ["a=1", "a=2"]];
    for (const texts of bad) expect(() => parseGrid(texts), texts.join(" ")).toThrow(InputError);
    expect(() => parseGrid(["lr=1,1.0"])).toThrow(/--grid lr=1,1.0: the value 1.0 is given twice/);
    expect(() =>
      expandGrid(
        parseGrid(["a=1,2,3,4,5,6,7,8,9,10", "b=1,2,3,4,5,6,7,8,9,10", "c=1,2,3,4,5,6,7,8,9,10,11"]),
      ),
    ).toThrow(/1100 settings/);
  });

  it("reads seeds as a count (1..N) or a list", () => {
    expect(parseSeeds("3")).toEqual([1, 2, 3]);
    expect(parseSeeds("0,4, 9")).toEqual([0, 4, 9]);
    for (const bad of ["0", "-1", "1.5", "a", "1,1", ""])
      expect(() => parseSeeds(bad), bad).toThrow(InputError);
  });
});
