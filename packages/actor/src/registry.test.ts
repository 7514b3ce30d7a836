import { InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import "./index.ts";
import { makePlanner, plannerNames, registerPlanner } from "./registry.ts";
import { PlannerOptionError } from "./search.ts";

describe("planner registry", () => {
  it("lists the built-in planners and builds them by name with options", () => {
    expect(plannerNames()).toEqual(["beam", "categorical-cem", "cem", "gradient", "graph", "mppi"]);
    for (const name of plannerNames()) expect(makePlanner(name).name).toBe(name);
    expect(() => makePlanner("cem", { population: 1 })).toThrow(PlannerOptionError);
    expect(() => makePlanner("cem", { population: 1 })).toThrow(
      /cem: option population must be an integer >= 2 \(got 1\)/,
    );
  });

  it("names the registered planners when asked for an unknown one, and refuses duplicates", () => {
    expect(() => makePlanner("mpi")).toThrow(InputError);
    expect(() => makePlanner("mpi")).toThrow(
      'no planner named "mpi"; expected one of beam, categorical-cem, cem, gradient, graph, mppi',
    );
    expect(() => registerPlanner("cem", () => makePlanner("cem"))).toThrow(/"cem" is already registered/);
    registerPlanner("test-random-shooting", (o) => ({
      ...makePlanner("cem", { ...o, iterations: 1 }),
      name: "test-random-shooting",
    }));
    expect(makePlanner("test-random-shooting").name).toBe("test-random-shooting");
  });
});
