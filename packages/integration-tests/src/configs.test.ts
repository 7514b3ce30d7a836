import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fullExperimentSchema } from "@hjepa/configurator";
import { HJEPA_ENVS } from "@hjepa/envs";
import { experimentSchema, loadConfig } from "@hjepa/experiment";
import { describe, expect, it } from "vitest";

const dir = resolve(import.meta.dirname, "../../../configs/experiments");
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

describe("configs/experiments", () => {
  it("holds the configs the world-model issue names", () => {
    for (const f of [
      "two-rooms",
      "two-rooms-pixels",
      "pldm-two-rooms",
      "four-rooms",
      "nine-rooms",
      "grid-maze",
      "key-door",
    ]) {
      expect(files).toContain(`${f}.json`);
    }
  });

  for (const f of files) {
    it(`${f} is valid and names a registered env and obs mode`, () => {
      const c = loadConfig(join(dir, f), experimentSchema);
      const entry = HJEPA_ENVS.find((e) => e.id === c.env.id);
      expect(entry, c.env.id).toBeDefined();
      expect(entry?.obsModes).toContain(c.env.kwargs.obsMode);
    });
  }

  it("rejects an invalid field with the file, the field path and what was expected", () => {
    expect(() =>
      loadConfig(join(dir, "two-rooms.json"), experimentSchema, ["world.levels[0].train.steps=0"]),
    ).toThrow(
      /two-rooms\.json: world\.levels\[0\]\.train\.steps Too small: expected number to be >0 \(got 0\)/,
    );
    // Component names and options are checked against their registries (what `hjepa train` loads with).
    expect(() =>
      loadConfig(join(dir, "two-rooms.json"), fullExperimentSchema, [
        "world.levels[0].model.encoder.type=transformer",
      ]),
    ).toThrow(
      /two-rooms\.json: world\.levels\[0\]\.model\.encoder\.type must be one of cnn, embedding, mlp \(got "transformer"\)/,
    );
  });
});
