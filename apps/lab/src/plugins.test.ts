import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { plannerRegistry } from "@hjepa/actor";
import { fullExperimentSchema } from "@hjepa/configurator";
import { costTermRegistry } from "@hjepa/cost";
import { InputError } from "@hjepa/errors";
import { loadConfig } from "@hjepa/experiment";
import { encoderRegistry } from "@hjepa/perception";
import { predictorRegistry, regularizerRegistry } from "@hjepa/world-model";
import { afterAll, describe, expect, it } from "vitest";
import { isPluginManifest, loadPlugins, needsPlugins, pluginPackages } from "./plugins.ts";

const LAB = join(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = join(LAB, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "hjepa-plugins-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A package folder with `package.json` = `manifest`. */
function pkg(at: string, manifest: object): void {
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, "package.json"), JSON.stringify(manifest));
}

describe("pluginPackages", () => {
  it("lists the dependencies that declare hjepa.plugin, sorted, and nothing else", () => {
    const lab = join(dir, "lab");
    pkg(lab, { dependencies: { "@hjepa/zeta": "workspace:*", "@hjepa/alpha": "workspace:*", zod: "4.6.7" } });
    pkg(join(lab, "node_modules", "@hjepa", "zeta"), { name: "@hjepa/zeta", hjepa: { plugin: true } });
    pkg(join(lab, "node_modules", "@hjepa", "alpha"), { name: "@hjepa/alpha", hjepa: { plugin: true } });
    pkg(join(lab, "node_modules", "zod"), { name: "zod" });
    expect(pluginPackages(lab)).toEqual(["@hjepa/alpha", "@hjepa/zeta"]);
    expect(isPluginManifest({ hjepa: { plugin: "yes" } })).toBe(false);
    expect(isPluginManifest(null)).toBe(false);
  });

  it("says to run the install when a listed dependency is missing", () => {
    const lab = join(dir, "missing");
    pkg(lab, { dependencies: { "@hjepa/gone": "workspace:*" } });
    expect(() => pluginPackages(lab)).toThrow(InputError);
    expect(() => pluginPackages(lab)).toThrow(
      /lists @hjepa\/gone but it is not installed .*pnpm@10.34.9 install/,
    );
  });
});

describe("needsPlugins", () => {
  it("loads them for commands that read configs, not for light ones or help", () => {
    expect(needsPlugins("eval", ["--run", "x"])).toBe(true);
    expect(needsPlugins("eval-worker", [])).toBe(true);
    expect(needsPlugins("envs", [])).toBe(false);
    expect(needsPlugins("train", ["--help"])).toBe(false);
  });
});

describe("loadPlugins", () => {
  const registries: Record<string, { has(name: string): boolean }> = {
    planner: plannerRegistry,
    encoder: encoderRegistry,
    predictor: predictorRegistry,
    cost: costTermRegistry,
    regularizer: regularizerRegistry,
  };

  it("registers the component of every plugin package of the lab, which a config can then name", async () => {
    const names = await loadPlugins();
    expect(names).toEqual(pluginPackages());
    for (const name of names) {
      const manifest = JSON.parse(readFileSync(join(LAB, "node_modules", name, "package.json"), "utf8"));
      const { kind, component } = manifest.hjepa as { kind: string; component: string };
      expect(registries[kind]?.has(component), `${name} registers ${kind} "${component}"`).toBe(true);
    }
    if (!names.includes("@hjepa/planner-icem")) return;
    const config = join(ROOT, "configs", "experiments", "two-rooms.json");
    const loaded = loadConfig(config, fullExperimentSchema, [
      'agent.planner="icem"',
      'agent.plannerOptions={"noiseBeta":2.5}',
    ]);
    expect(loaded.agent).toMatchObject({ planner: "icem", plannerOptions: { noiseBeta: 2.5 } });
    expect(() =>
      loadConfig(config, fullExperimentSchema, ['agent.planner="icem"', 'agent.plannerOptions={"beta":2}']),
    ).toThrow(/agent\.plannerOptions\.beta is not an option of icem/);
  });
});
