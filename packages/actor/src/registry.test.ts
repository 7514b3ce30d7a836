import { InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import "./index.ts";
import { PlannerOptionError } from "./plannerOptions.ts";
import { makePlanner, plannerNames, registerPlanner } from "./registry.ts";

describe("planner registry", () => {
  it("lists the built-in planners and builds them by name with options", () => {
    expect(plannerNames()).toEqual([
      "beam",
      "categorical-cem",
      "cem",
      "gradient",
      "graph",
      "landmark-graph",
      "mppi",
    ]);
    for (const name of plannerNames()) expect(makePlanner(name).name).toBe(name);
    expect(() => makePlanner("cem", { population: 1 })).toThrow(PlannerOptionError);
    expect(() => makePlanner("cem", { population: 1 })).toThrow(
      /cem: population must be an integer >= 2 \(got 1\)/,
    );
  });

  it("names the registered planners when asked for an unknown one, and refuses duplicates", () => {
    expect(() => makePlanner("mpi")).toThrow(InputError);
    expect(() => makePlanner("mpi")).toThrow(
      'no planner named "mpi"; expected one of beam, categorical-cem, cem, gradient, graph, landmark-graph, mppi',
    );
    expect(() => registerPlanner("cem", { schema: z.object({}), create: () => makePlanner("cem") })).toThrow(
      /"cem" is already registered/,
    );
  });

  it("lets a research package register a planner with its own option schema", () => {
    const seen: unknown[] = [];
    registerPlanner("test-random-shooting", {
      schema: z.object({ population: z.number().int().min(2).default(32) }).strict(),
      create: (o) => {
        seen.push(o);
        return {
          ...makePlanner("cem", { population: o.population, iterations: 1 }),
          name: "test-random-shooting",
        };
      },
    });
    expect(makePlanner("test-random-shooting").name).toBe("test-random-shooting");
    expect(seen).toEqual([{ population: 32 }]);
    expect(() => makePlanner("test-random-shooting", { populaton: 8 })).toThrow(
      /test-random-shooting: populaton is not an option of test-random-shooting; expected one of population/,
    );
  });
});
