import { existsSync } from "node:fs";
import { isPlanningEnv, type PlanningEnv } from "@hjepa/envs";
import { deserializeError, EnvironmentError, InputError, isHjepaError, serializeError } from "@hjepa/errors";
import { DeprecatedEnv, make, NameNotFound, NamespaceNotFound, VersionNotFound } from "gymnasium-js";
import { isFolder, userPath } from "./args.ts";
import type { FlagSpec } from "./cli.ts";

/** The flags every command that names an environment takes. */
export const ENV_FLAGS = {
  env: {
    type: "string",
    value: "ID",
    required: true,
    help: "environment id, e.g. hjepa/TwoRooms-v0 (list them with: hjepa envs)",
  },
  map: {
    type: "string",
    value: "FILE",
    help: "an ASCII map file for the environment (see packages/envs/README.md)",
  },
  obs: {
    type: "string",
    value: "MODE",
    help: "observation mode, e.g. state or pixels (hjepa envs lists them)",
  },
} as const satisfies Record<string, FlagSpec>;

export interface EnvFlags {
  env?: string;
  map?: string;
  obs?: string;
}

/** Env kwargs from the common flags: `--map FILE` and `--obs MODE`. */
export function envKwargs(flags: EnvFlags): Record<string, unknown> {
  const kwargs: Record<string, unknown> = {};
  if (flags.map !== undefined) {
    const path = userPath(flags.map);
    if (!existsSync(path) || isFolder(path))
      throw new InputError(`--map ${flags.map}: no such file (expected an ASCII map file)`);
    kwargs.mapFile = path;
  }
  if (flags.obs !== undefined) kwargs.obsMode = flags.obs;
  return kwargs;
}

const UNKNOWN_ID = [NameNotFound, NamespaceNotFound, VersionNotFound, DeprecatedEnv];

/**
 * Makes the environment named by `--env` (with `--map`/`--obs`). An unknown id becomes an `EnvironmentError`;
 * a malformed map or a bad option is already typed by the env. Returns the wrapped env and its planning core.
 */
export function openEnv(
  flags: EnvFlags,
  extra: Record<string, unknown> = {},
): { env: ReturnType<typeof make>; core: PlanningEnv; kwargs: Record<string, unknown> } {
  const id = flags.env;
  if (id === undefined || id === "") {
    throw new InputError(`--env is required (an environment id; list them with: hjepa envs)`);
  }
  const kwargs = { ...envKwargs(flags), ...extra };
  let env: ReturnType<typeof make>;
  try {
    env = make(id, { kwargs });
  } catch (e) {
    if (UNKNOWN_ID.some((c) => e instanceof c))
      throw new EnvironmentError(`--env ${id}: ${(e as Error).message}`);
    throw e;
  }
  const core = env.unwrapped;
  if (!isPlanningEnv(core)) {
    env.close();
    throw new EnvironmentError(`--env ${id} is not an hjepa planning environment (expected an hjepa/* id)`);
  }
  return { env, core, kwargs };
}

/**
 * Checks that a config's environment can be made (its id exists, its kwargs are valid) before a command starts
 * work, so the error names the config file: "x.json: env.id hjepa/Nope-v0: ...".
 */
export function checkConfigEnv(source: string, id: string, kwargs: Record<string, unknown>): void {
  let env: ReturnType<typeof make>;
  try {
    env = make(id, { kwargs });
  } catch (e) {
    if (UNKNOWN_ID.some((c) => e instanceof c))
      throw new EnvironmentError(`${source}: env.id ${id}: ${(e as Error).message}`);
    if (isHjepaError(e))
      throw deserializeError({ ...serializeError(e), message: `${source}: env.kwargs: ${e.message}` });
    throw e;
  }
  env.close();
}
