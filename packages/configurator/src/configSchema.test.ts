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

  it("validates cost terms by their registered schemas, and level planners against the world's levels", () => {
    const ok = load("effort.json", { costTerms: [{ type: "effort", weight: 0.1 }] })() as {
      agent: { costTerms: Record<string, unknown>[] };
    };
    expect(ok.agent.costTerms).toEqual([{ type: "effort", name: "effort", weight: 0.1 }]);
    const unknown = load("bogus-term.json", { costTerms: [{ type: "bogus" }] });
    expect(unknown).toThrow(ConfigError);
    expect(unknown).toThrow(/agent\.costTerms\[0\]\.type must be one of effort, energy/);
    const badOption = load("bad-term.json", { costTerms: [{ type: "energy", name: "e2", gamma: 2 }] });
    expect(badOption).toThrow(/agent\.costTerms\[0\]\.gamma/);
    const level = load("bad-level.json", {
      levels: [{ level: 2, planner: "mpi", horizon: 4, budget: 100, replanEvery: 4 }],
    });
    expect(level).toThrow(/agent\.levels\[0\]\.level must name a level of world\.levels \(it has 1\)/);
  });

  it("refuses an unknown planner name at load, listing the registered ones", () => {
    const typo = load("mpi.json", { planner: "mpi" });
    expect(typo).toThrow(ConfigError);
    expect(typo).toThrow(InputError);
    expect(typo).toThrow(
      `${join(dir, "mpi.json")}: agent.planner must be one of beam, categorical-cem, cem, gradient, graph, landmark-graph, mppi (got "mpi")`,
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

  it("validates encoder, predictor and macro-action options by their registered schemas, filling defaults", () => {
    const file = join(dir, "components.json");
    const world = base.world as { levels: Record<string, unknown>[] };
    const one = world.levels[0] as { model: Record<string, unknown> };
    const write = (model: Record<string, unknown>, upper: Record<string, unknown>[] = []) =>
      writeFileSync(
        file,
        JSON.stringify({
          ...base,
          world: { ...world, levels: [{ ...one, model: { ...one.model, ...model } }, ...upper] },
        }),
      );
    write({ encoder: { type: "mlp" }, predictor: {} });
    const ok = loadConfig(file, fullExperimentSchema).world.levels[0].model;
    expect(ok.encoder).toEqual({
      type: "mlp",
      hidden: [64, 64],
      dim: 16,
      activation: "relu",
      layerNorm: false,
      projector: null,
    });
    expect(ok.predictor).toEqual({
      type: "residual-mlp",
      hidden: [128, 128],
      activation: "relu",
      layerNorm: false,
    });

    write({ encoder: { type: "transformer" } });
    expect(() => loadConfig(file, fullExperimentSchema)).toThrow(
      `${file}: world.levels[0].model.encoder.type must be one of cnn, embedding, mlp (got "transformer")`,
    );
    write({ encoder: { type: "mlp", dims: 8 }, predictor: { hidden: [0] } });
    const bad = () => loadConfig(file, fullExperimentSchema);
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(
      /world\.levels\[0\]\.model\.encoder\.dims is not an option of mlp; expected one of hidden, dim, /,
    );
    expect(bad).toThrow(/world\.levels\[0\]\.model\.predictor\.hidden\[0\] .* \(got 0\)/);
    write({}, [{ stride: 4, train: { steps: 1 }, macroAction: { type: "learned", dim: 0 } }]);
    expect(() => loadConfig(file, fullExperimentSchema)).toThrow(
      /world\.levels\[1\]\.macroAction\.dim .* \(got 0\)/,
    );
  });

  it("also checks a planner given with --set", () => {
    const file = join(dir, "set.json");
    writeFileSync(file, JSON.stringify(base));
    expect(() => loadConfig(file, fullExperimentSchema, ["agent.planner=mpi"])).toThrow(
      /agent\.planner must be one of/,
    );
  });
});
