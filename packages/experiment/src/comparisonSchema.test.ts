import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "@hjepa/errors";
import { afterAll, describe, expect, it } from "vitest";
import { comparisonSchema, loadComparison } from "./comparisonSchema.ts";

const dir = mkdtempSync(join(tmpdir(), "hjepa-comparison-schema-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = {
  name: "toy",
  experiment: "configs/experiments/toy.json",
  seeds: [1, 2],
  tasks: "configs/tasks/toy.json",
  bins: ["far"],
  computePerStep: 64,
  reference: "2 levels",
  arms: [
    { name: "2 levels" },
    {
      name: "flat",
      set: { "agent.hierarchy.use": 1, "agent.planner": "cem" },
      budgets: [
        { label: "small", set: { "agent.budget": 32 } },
        { label: "large", set: { "agent.budget": 64 } },
      ],
    },
  ],
};

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
}

/** The error lines `loadComparison` gives for `value`. */
function problems(value: unknown): string[] {
  const file = write("bad.json", value);
  try {
    loadComparison(file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message.split("\n");
  }
  throw new Error("expected a ConfigError");
}

describe("comparison files", () => {
  it("loads a good file with defaults filled", () => {
    const c = loadComparison(write("good.json", GOOD));
    expect(c.version).toBe(1);
    expect(c.pictures).toBe(2);
    expect(c.arms[0]).toEqual({ name: "2 levels", description: "", set: {} });
    expect(c.arms[1]?.budgets?.[1]).toEqual({ label: "large", set: { "agent.budget": 64 } });
  });

  it("names the file, the field and what is expected for each problem", () => {
    const file = join(dir, "bad.json");
    expect(problems({ ...GOOD, reference: "3 levels" })).toEqual([
      `${file}: reference must name one of the arms ("2 levels", "flat") (got "3 levels")`,
    ]);
    expect(problems({ ...GOOD, seeds: [1, 1] })).toEqual([
      `${file}: seeds[1] seed 1 is listed twice (got 1)`,
    ]);
    expect(problems({ ...GOOD, arms: [GOOD.arms[0], { name: "2 levels" }] })).toEqual([
      `${file}: arms[1].name "2 levels" is used twice (got "2 levels")`,
    ]);
    expect(problems({ ...GOOD, arms: [{ name: "2 levels", set: { "agent..budget": 1 } }] })).toEqual([
      `${file}: arms[0].set.agent..budget is not a field path like agent.levels[0].budget (got 1)`,
    ]);
    expect(problems({ ...GOOD, arms: [{ name: "2 levels", set: { seed: 3 } }] })[0]).toMatch(
      /arms\[0\]\.set\.seed cannot be set by an arm/,
    );
    expect(problems({ ...GOOD, name: "../x" })[0]).toMatch(/name must be a plain folder name/);
    expect(problems({ ...GOOD, computePerStep: 0 })[0]).toMatch(/computePerStep .*>0.*\(got 0\)/);
    expect(problems({ ...GOOD, extra: 1 })[0]).toMatch(/Unrecognized key.*extra/);
    const { seeds: _s, ...noSeeds } = GOOD;
    expect(problems(noSeeds)).toEqual([`${file}: seeds expected array, received undefined (got missing)`]);
  });

  it("says when the file is not JSON or not there", () => {
    expect(problems("{ nope")[0]).toMatch(/bad\.json: not valid JSON .*expected a comparison/);
    expect(() => loadComparison(join(dir, "missing.json"))).toThrow(
      /missing\.json: cannot read the comparison file/,
    );
  });

  it("is the schema the shipped comparisons use", () => {
    expect(comparisonSchema.safeParse(GOOD).success).toBe(true);
  });
});
