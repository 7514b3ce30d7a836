import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@hjepa/experiment";
import { describe, expect, it } from "vitest";
import { fullExperimentSchema } from "./configSchema.ts";

const here = dirname(fileURLToPath(import.meta.url));
const configs = join(here, "../../../configs/experiments");
/**
 * The resolved configs (defaults filled) as they were recorded when component options moved from the shared
 * schema to the registries: a run folder's config.json must not change when a schema moves.
 */
const recorded = JSON.parse(readFileSync(join(here, "resolvedConfigs.snapshot.json"), "utf8")) as Record<
  string,
  unknown
>;

describe("resolved experiment configs", () => {
  const names = readdirSync(configs)
    .filter((n) => n.endsWith(".json"))
    .sort();

  it("covers every shipped config", () => {
    expect(names).toEqual(Object.keys(recorded).sort());
  });

  it.each(names)("%s resolves to the recorded JSON", (name) => {
    const resolved = loadConfig(join(configs, name), fullExperimentSchema, [], { onNote: () => {} });
    // Compared as text: the same fields in the same order, as a run folder's config.json would be written.
    expect(JSON.stringify(resolved, null, 2)).toBe(JSON.stringify(recorded[name], null, 2));
  });
});
