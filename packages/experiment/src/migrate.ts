import { ConfigError } from "./config.ts";

/**
 * Experiment configs carry a schema `version`. A config without one is version 1 (every config written before
 * versions existed has version 1's shape). An older config is migrated step by step to the current version,
 * each step saying in one line what it changed; a newer one is rejected with what to do.
 */
export const CONFIG_VERSION = 2;

export interface ConfigMigration {
  /** Migrates a config of version `from` to version `from + 1`. */
  from: number;
  /** One line for the user: what changed. */
  note: string;
  migrate(raw: Record<string, unknown>): Record<string, unknown>;
}

/** Every migration, in order. A change to the schema's shape adds one here and bumps `CONFIG_VERSION`. */
export const CONFIG_MIGRATIONS: readonly ConfigMigration[] = [
  {
    from: 1,
    note: "model, loss and train moved to world.levels[0] (level 1 of the world model)",
    migrate: (config) => {
      // Only a config with a level-1 model to move (and no world model yet) changes.
      if (config.model === undefined || config.world !== undefined) return config;
      const { model, loss, train, ...rest } = config;
      const level: Record<string, unknown> = { stride: 1, model };
      if (loss !== undefined) level.loss = loss;
      if (train !== undefined) level.train = train;
      return { ...rest, world: { levels: [level] } };
    },
  },
];

/**
 * Brings `raw` (a parsed config file) to `current`, returning it with `version: current` and one note per
 * migration applied. Anything that is not an object is returned as it is, for the schema to report.
 */
export function migrateConfig(
  raw: unknown,
  source: string,
  { current = CONFIG_VERSION, migrations = CONFIG_MIGRATIONS } = {},
): { config: unknown; notes: string[] } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { config: raw, notes: [] };
  let config = raw as Record<string, unknown>;
  const version = config.version ?? 1;
  if (!Number.isSafeInteger(version) || (version as number) < 1) {
    throw new ConfigError(`${source}: version must be a positive integer (got ${JSON.stringify(version)})`);
  }
  if ((version as number) > current) {
    throw new ConfigError(
      `${source}: version ${version} is newer than this hjepa reads (up to ${current}); update hjepa (git pull, pnpm install)`,
    );
  }
  const notes: string[] = [];
  for (let v = version as number; v < current; v++) {
    const step = migrations.find((m) => m.from === v);
    if (step === undefined)
      throw new ConfigError(`${source}: version ${v} cannot be migrated (no migration from version ${v})`);
    config = { ...step.migrate(config), version: v + 1 };
    notes.push(`${source}: migrated from config version ${v} to ${v + 1}: ${step.note}`);
  }
  return { config: { ...config, version: current }, notes };
}
