import { describe, expect, it } from "vitest";
import { ConfigError } from "./config.ts";
import { CONFIG_VERSION, type ConfigMigration, migrateConfig } from "./migrate.ts";

describe("migrateConfig", () => {
  it("treats an unversioned config as version 1 and moves its level-1 model to world.levels[0]", () => {
    const v1 = { name: "x", model: { encoder: { type: "mlp" } }, loss: { variance: 2 }, train: { steps: 5 } };
    const { config, notes } = migrateConfig(v1, "x.json");
    expect(config).toEqual({
      name: "x",
      world: {
        levels: [
          { stride: 1, model: { encoder: { type: "mlp" } }, loss: { variance: 2 }, train: { steps: 5 } },
        ],
      },
      version: CONFIG_VERSION,
    });
    expect(notes).toEqual([
      "x.json: migrated from config version 1 to 2: model, loss and train moved to world.levels[0] (level 1 of the world model)",
    ]);
    expect(migrateConfig({ version: 2, name: "y" }, "y.json")).toEqual({
      config: { version: 2, name: "y" },
      notes: [],
    });
  });

  it("applies each step in order with a one-line note", () => {
    const migrations: ConfigMigration[] = [
      {
        from: 1,
        note: "model became world.levels[0]",
        migrate: ({ model, ...rest }) => ({ ...rest, world: { levels: [model] } }),
      },
      {
        from: 2,
        note: "agent.planner became agent.levels[0].planner",
        migrate: (c) => ({ ...c, agent: { levels: [c.agent] } }),
      },
    ];
    const { config, notes } = migrateConfig({ model: { dim: 4 }, agent: { planner: "cem" } }, "old.json", {
      current: 3,
      migrations,
    });
    expect(config).toEqual({
      world: { levels: [{ dim: 4 }] },
      agent: { levels: [{ planner: "cem" }] },
      version: 3,
    });
    expect(notes).toEqual([
      "old.json: migrated from config version 1 to 2: model became world.levels[0]",
      "old.json: migrated from config version 2 to 3: agent.planner became agent.levels[0].planner",
    ]);
  });

  it("rejects a newer or malformed version, naming the file", () => {
    expect(() => migrateConfig({ version: 99 }, "new.json")).toThrow(ConfigError);
    expect(() => migrateConfig({ version: 99 }, "new.json")).toThrow(
      /new\.json: version 99 is newer than this hjepa reads/,
    );
    expect(() => migrateConfig({ version: "2" }, "x.json")).toThrow(
      /x\.json: version must be a positive integer/,
    );
    expect(() => migrateConfig({ version: 1 }, "x.json", { current: 2, migrations: [] })).toThrow(
      /no migration from version 1/,
    );
  });
});
