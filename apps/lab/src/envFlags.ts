import { existsSync } from "node:fs";
import { isPlanningEnv, type PlanningEnv } from "@hjepa/envs";
import { make } from "gymnasium-js";
import { userPath } from "./args.ts";
import { InputError } from "./errors.ts";

export interface EnvFlags {
  env?: string;
  map?: string;
  obs?: string;
}

/** Env kwargs from the common flags: `--map FILE` and `--obs MODE`. */
export function envKwargs(command: string, flags: EnvFlags): Record<string, unknown> {
  const kwargs: Record<string, unknown> = {};
  if (flags.map !== undefined) {
    const path = userPath(flags.map);
    if (!existsSync(path))
      throw new InputError(`hjepa ${command}: --map ${flags.map}: no such file (expected an ASCII map file)`);
    kwargs.mapFile = path;
  }
  if (flags.obs !== undefined) kwargs.obsMode = flags.obs;
  return kwargs;
}

/**
 * Makes the environment named by `--env` (with `--map`/`--obs`), turning a bad id, a malformed map or an
 * unknown observation mode into one clear input error. Returns the wrapped env and its planning core.
 */
export function openEnv(
  command: string,
  flags: EnvFlags,
  extra: Record<string, unknown> = {},
): { env: ReturnType<typeof make>; core: PlanningEnv; kwargs: Record<string, unknown> } {
  const id = flags.env;
  if (id === undefined || id === "") {
    throw new InputError(
      `hjepa ${command}: --env is required (an environment id; list them with: pnpm hjepa envs)`,
    );
  }
  const kwargs = { ...envKwargs(command, flags), ...extra };
  let env: ReturnType<typeof make>;
  try {
    env = make(id, { kwargs });
  } catch (e) {
    throw new InputError(`hjepa ${command}: --env ${id}: ${(e as Error).message}`);
  }
  const core = env.unwrapped;
  if (!isPlanningEnv(core)) {
    env.close();
    throw new InputError(
      `hjepa ${command}: --env ${id} is not an hjepa planning environment (expected an hjepa/* id)`,
    );
  }
  return { env, core, kwargs };
}
