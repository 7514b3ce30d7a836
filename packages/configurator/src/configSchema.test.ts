import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "@hjepa/errors";
import { ConfigError, loadConfig } from "@hjepa/experiment";
import { describe, expect, it } from "vitest";
import { fullExperimentSchema } from "./configSchema.ts";

const configs = join(dirname(fileURLToPath(import.meta.url)), "../../../configs/experiments");
const base = JSON.parse(readFileSync(join(configs, "two-rooms.json"), "utf8")) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), "hjepa-config-schema-"));

/** Writes `base` with `agent` merged in and loads it with the full schema. */
function load(name: string, agent: Record<string, unknown>): () => unknown {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ ...base, agent: { ...(base.agent as object), ...agent } }));
  return () => loadConfig(file, fullExperimentSchema);
}

describe("fullExperimentSchema", () => {
  it("accepts every shipped experiment config", () => {
    for (const name of readdirSync(configs).filter((n) => n.endsWith(".json"))) {
      expect(() => loadConfig(join(configs, name), fullExperimentSchema)).not.toThrow();
    }
  });

  it("refuses an unknown planner name at load, listing the registered ones", () => {
    const typo = load("mpi.json", { planner: "mpi" });
    expect(typo).toThrow(ConfigError);
    expect(typo).toThrow(InputError);
    expect(typo).toThrow(
      `${join(dir, "mpi.json")}: agent.planner must be one of beam, categorical-cem, cem, gradient, graph, mppi (got "mpi")`,
    );
  });

  it("refuses an invalid or unknown planner option at load, naming the option field", () => {
    const bad = load("population.json", { planner: "cem", plannerOptions: { population: 1 } });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(
      `${join(dir, "population.json")}: agent.plannerOptions.population must be an integer >= 2 (got 1)`,
    );
    const unknown = load("iteration.json", { planner: "cem", plannerOptions: { iteration: 3 } });
    expect(unknown).toThrow(
      /iteration\.json: agent\.plannerOptions\.iteration is not an option of cem; expected one of iterations, .* \(got 3\)$/,
    );
    expect(load("ok.json", { planner: "mppi", plannerOptions: { iterations: 2 } })).not.toThrow();
  });

  it("also checks a planner given with --set", () => {
    const file = join(dir, "set.json");
    writeFileSync(file, JSON.stringify(base));
    expect(() => loadConfig(file, fullExperimentSchema, ["agent.planner=mpi"])).toThrow(
      /agent\.planner must be one of/,
    );
  });
});
