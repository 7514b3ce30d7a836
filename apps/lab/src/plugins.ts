/**
 * Research packages (made by `pnpm new:package`) register their components (a planner, an encoder, a cost
 * term...) by name when they are imported. The lab imports every dependency in its own package.json whose
 * package.json declares `"hjepa": { "plugin": true }`: adding a package to the lab is then one dependency line
 * (which the scaffold writes), and removing it is deleting that line, with no list of imports in shared code
 * to keep in step. Configs are validated against the registries only after this, so they can name the new
 * component.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "@hjepa/errors";
import { wantsHelp } from "./cli.ts";

/** apps/lab, whose package.json lists the plugins among its dependencies. */
const LAB_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Commands that read no experiment config and build no model: they skip the plugins, whose import loads
 * TensorFlow.js (about 2 s), so they keep starting fast.
 */
const WITHOUT_PLUGINS = new Set(["envs", "render", "oracle", "tasks", "collect", "report", "doctor"]);

/** Whether the command line `name ...rest` needs the research packages registered before it runs. */
export function needsPlugins(name: string, rest: readonly string[]): boolean {
  return !name.startsWith("-") && !WITHOUT_PLUGINS.has(name) && !wantsHelp(rest);
}

/** True when a package.json (parsed) marks its package as a plugin of the lab. */
export function isPluginManifest(manifest: unknown): boolean {
  const hjepa = (manifest as { hjepa?: { plugin?: unknown } } | null)?.hjepa;
  return hjepa?.plugin === true;
}

/**
 * The names of the plugin packages among the dependencies of the package in `labDir`, sorted (so that they
 * register in the same order everywhere). A listed dependency that is not installed is an `InputError`
 * saying to run the install.
 */
export function pluginPackages(labDir: string = LAB_DIR): string[] {
  const manifest = JSON.parse(readFileSync(join(labDir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {})
    .sort()
    .filter((name) => {
      const file = join(labDir, "node_modules", name, "package.json");
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        throw new InputError(
          `${join(labDir, "package.json")} lists ${name} but it is not installed (no ${file}); ` +
            "run: npx pnpm@10.34.9 install",
        );
      }
      return isPluginManifest(JSON.parse(text));
    });
}

let loaded: Promise<string[]> | null = null;

/**
 * Imports every plugin package of the lab once (later calls return the same promise); resolves to their
 * names. A plugin that fails to import (or registers a taken name) is a bug in that package: its error is
 * rethrown with the package's name.
 */
export function loadPlugins(): Promise<string[]> {
  loaded ??= (async () => {
    const names = pluginPackages();
    for (const name of names) {
      try {
        await import(name);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new Error(`loading the research package ${name} (a plugin of apps/lab) failed: ${why}`, {
          cause: e,
        });
      }
    }
    return names;
  })();
  return loaded;
}
