/**
 * Gymnasium's registry: `register` an entry point under an id `[namespace/]Name[-vN]`, then `make` it with
 * the default wrappers (PassiveEnvChecker, OrderEnforcing, TimeLimit, in that order, innermost first).
 */
import { Env, type EnvSpec } from "./core.ts";
import {
  DeprecatedEnv,
  GymnasiumError,
  NameNotFound,
  NamespaceNotFound,
  RegistrationError,
  VersionNotFound,
} from "./errors.ts";
import { closeMatches } from "./utils/difflib.ts";
import { warn } from "./utils/logger.ts";
import { OrderEnforcing } from "./wrappers/orderEnforcing.ts";
import { PassiveEnvChecker } from "./wrappers/passiveEnvChecker.ts";
import { TimeLimit } from "./wrappers/timeLimit.ts";

/** Creates an environment from the merged keyword arguments. */
export type EnvCreator = (kwargs: Record<string, unknown>) => Env<unknown, unknown>;

/** What `register` stores: the `EnvSpec` plus the entry point. */
export interface RegisteredEnvSpec extends EnvSpec {
  entryPoint: EnvCreator;
}

export interface RegisterOptions {
  id: string;
  // biome-ignore lint/suspicious/noExplicitAny: entry points return envs of any observation/action types.
  entryPoint: (kwargs: Record<string, unknown>) => Env<any, any>;
  kwargs?: Record<string, unknown>;
  /** Episodes are truncated after this many steps by a `TimeLimit` wrapper (none when absent). */
  maxEpisodeSteps?: number | null;
  rewardThreshold?: number | null;
  /** The env is not reproducible from a seed and actions (skips determinism checks). Default false. */
  nondeterministic?: boolean;
  /** Wrap in `OrderEnforcing` (default true). */
  orderEnforce?: boolean;
  /** Do not wrap in `PassiveEnvChecker` (default false). */
  disableEnvChecker?: boolean;
}

export interface MakeOptions {
  /** Merged over the registered kwargs (given ones win). */
  kwargs?: Record<string, unknown>;
  /** Overrides the registered limit; -1 means no `TimeLimit`. */
  maxEpisodeSteps?: number;
  /** Overrides the registered `disableEnvChecker`. */
  disableEnvChecker?: boolean;
  /** Passed to the entry point as `kwargs.renderMode`. */
  renderMode?: string | null;
}

const ENV_ID_RE = /^(?:(?<namespace>[\w:-]+)\/)?(?:(?<name>[\w:.-]+?))(?:-v(?<version>\d+))?$/;

const specs = new Map<string, RegisteredEnvSpec>();

/** Every registered spec by id (read-only: use `register`/`deregister`). */
export const registry: ReadonlyMap<string, RegisteredEnvSpec> = specs;

let currentNamespace: string | null = null;

/** Splits `[namespace/]Name[-vN]` into its parts (namespace and version null when absent). */
export function parseEnvId(id: string): { namespace: string | null; name: string; version: number | null } {
  const m = typeof id === "string" ? ENV_ID_RE.exec(id) : null;
  if (!m?.groups) {
    throw new GymnasiumError(
      `Malformed environment ID: ${String(id)}. (All IDs must be of the form [namespace/](env-name)[-v(version)], ` +
        "for example `hjepa/PointMaze-v0`; namespace and version are optional)",
    );
  }
  const { namespace, name, version } = m.groups;
  return {
    namespace: namespace ?? null,
    name: name as string,
    version: version === undefined ? null : Number(version),
  };
}

/** The inverse of `parseEnvId`. */
export function getEnvId(namespace: string | null, name: string, version: number | null): string {
  let id = namespace === null ? name : `${namespace}/${name}`;
  if (version !== null) id += `-v${version}`;
  return id;
}

/** Registers every env in `fn` under `namespace` (Gymnasium's `with namespace(ns):`). */
export function namespace(ns: string, fn: () => void): void {
  const old = currentNamespace;
  currentNamespace = ns;
  try {
    fn();
  } finally {
    currentNamespace = old;
  }
}

export function register(opts: RegisterOptions): void {
  const parsed = parseEnvId(opts.id);
  if (typeof opts.entryPoint !== "function") {
    throw new TypeError(
      `register(${opts.id}): entryPoint must be a function (kwargs) => Env (got ${typeof opts.entryPoint})`,
    );
  }
  const maxEpisodeSteps = opts.maxEpisodeSteps ?? null;
  if (maxEpisodeSteps !== null && (!Number.isSafeInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0)) {
    throw new RangeError(
      `register(${opts.id}): maxEpisodeSteps must be a positive integer or null (got ${maxEpisodeSteps})`,
    );
  }
  const ns = currentNamespace ?? parsed.namespace;
  const id = getEnvId(ns, parsed.name, parsed.version);
  const spec: RegisteredEnvSpec = {
    id,
    namespace: ns,
    name: parsed.name,
    version: parsed.version,
    maxEpisodeSteps,
    orderEnforce: opts.orderEnforce ?? true,
    disableEnvChecker: opts.disableEnvChecker ?? false,
    kwargs: { ...(opts.kwargs ?? {}) },
    rewardThreshold: opts.rewardThreshold ?? null,
    nondeterministic: opts.nondeterministic ?? false,
    entryPoint: opts.entryPoint as EnvCreator,
  };
  checkSpecRegister(spec);
  if (specs.has(id)) warn(`Overriding environment ${id} already in registry.`);
  specs.set(id, spec);
}

/** Removes an id from the registry; returns whether it was there. */
export function deregister(id: string): boolean {
  return specs.delete(id);
}

/** All registered ids, sorted. */
export function registeredIds(): string[] {
  return [...specs.keys()].sort();
}

/** The registered spec of `id` (an unversioned id resolves to its latest version). */
export function spec(id: string): RegisteredEnvSpec {
  return findSpec(id);
}

/**
 * Creates the env registered as `id` (or described by a spec: its kwargs, limits and wrappers flags are used),
 * sets `env.unwrapped.spec`, and wraps it as Gymnasium's `make` does.
 */
export function make<Obs = unknown, Act = unknown>(
  id: string | EnvSpec,
  opts: MakeOptions = {},
): Env<Obs, Act> {
  let envSpec: EnvSpec;
  let entryPoint: EnvCreator;
  if (typeof id === "string") {
    const found = findSpec(id);
    envSpec = found;
    entryPoint = found.entryPoint;
  } else {
    envSpec = id;
    const ep = (id as Partial<RegisteredEnvSpec>).entryPoint ?? specs.get(id.id)?.entryPoint;
    if (ep === undefined)
      throw new GymnasiumError(`make: the spec ${id.id} has no entryPoint and is not registered`);
    entryPoint = ep;
  }

  const kwargs: Record<string, unknown> = { ...envSpec.kwargs, ...(opts.kwargs ?? {}) };
  if (opts.renderMode !== undefined) kwargs.renderMode = opts.renderMode;

  let env: Env<unknown, unknown>;
  try {
    env = entryPoint(kwargs);
  } catch (e) {
    if (e instanceof Error) {
      e.message = `${e.message} (raised by the entry point of ${envSpec.id} with kwargs ${formatKwargs(kwargs)})`;
    }
    throw e;
  }
  if (!(env instanceof Env)) {
    throw new TypeError(
      `The entry point of ${envSpec.id} must return an instance of gymnasium-js Env, actual: ${
        env === null || typeof env !== "object" ? String(env) : (env as object).constructor?.name
      }`,
    );
  }
  const renderMode = kwargs.renderMode;
  const modes = env.metadata?.renderModes;
  if (
    renderMode !== undefined &&
    renderMode !== null &&
    Array.isArray(modes) &&
    !modes.includes(renderMode as string)
  ) {
    warn(
      `The environment ${envSpec.id} is being initialised with renderMode=${JSON.stringify(renderMode)} that is not ` +
        `in the possible renderModes [${modes.join(", ")}].`,
    );
  }

  // The bare env's spec carries no wrappers; each default wrapper adds its own field to the spec it reports.
  env.unwrapped.spec = {
    id: envSpec.id,
    namespace: envSpec.namespace,
    name: envSpec.name,
    version: envSpec.version,
    maxEpisodeSteps: null,
    orderEnforce: false,
    disableEnvChecker: true,
    kwargs,
    rewardThreshold: envSpec.rewardThreshold,
    nondeterministic: envSpec.nondeterministic,
  };

  const disableChecker = opts.disableEnvChecker ?? envSpec.disableEnvChecker;
  if (!disableChecker) env = new PassiveEnvChecker(env);
  if (envSpec.orderEnforce) env = new OrderEnforcing(env);
  const limit = opts.maxEpisodeSteps ?? envSpec.maxEpisodeSteps;
  if (limit !== null && limit !== -1) env = new TimeLimit(env, limit);
  return env as Env<Obs, Act>;
}

function formatKwargs(kwargs: Record<string, unknown>): string {
  try {
    return JSON.stringify(kwargs);
  } catch {
    return `{${Object.keys(kwargs).join(", ")}}`;
  }
}

function findSpec(envId: string): RegisteredEnvSpec {
  const { namespace: ns, name, version: requested } = parseEnvId(envId);
  let version = requested;
  let found = specs.get(envId);
  const latest = highestVersion(ns, name);
  if (version !== null && latest !== null && latest > version) {
    warn(`The environment ${envId} is out of date. You should consider upgrading to version \`v${latest}\`.`);
  }
  if (version === null && latest !== null) {
    version = latest;
    const newId = getEnvId(ns, name, version);
    found = specs.get(newId);
    warn(
      `Using the latest versioned environment \`${newId}\` instead of the unversioned environment \`${envId}\`.`,
    );
  }
  if (found === undefined) {
    checkVersionExists(ns, name, version);
    throw new GymnasiumError(
      `No registered env with id: ${envId}. Registered ids: [${registeredIds().join(", ")}]`,
    );
  }
  return found;
}

function highestVersion(ns: string | null, name: string): number | null {
  let best: number | null = null;
  for (const s of specs.values()) {
    if (s.namespace === ns && s.name === name && s.version !== null && (best === null || s.version > best)) {
      best = s.version;
    }
  }
  return best;
}

function suggestion(word: string, candidates: Iterable<string>): string[] {
  return closeMatches(word, candidates, 3, 0.6);
}

function checkNamespaceExists(ns: string | null): void {
  if (ns === null) return;
  const namespaces = new Set<string>();
  for (const s of specs.values()) if (s.namespace !== null) namespaces.add(s.namespace);
  if (namespaces.has(ns)) return;
  const close = suggestion(ns, namespaces);
  const hint =
    close.length > 0
      ? `Did you mean: ${close.map((c) => `\`${c}\``).join(", ")}?`
      : `Have you imported the package that registers ${ns}?`;
  throw new NamespaceNotFound(`Namespace ${ns} not found. ${hint}`);
}

function checkNameExists(ns: string | null, name: string): void {
  checkNamespaceExists(ns);
  const names = new Set<string>();
  for (const s of specs.values()) if (s.namespace === ns) names.add(s.name);
  if (names.has(name)) return;
  const close = suggestion(name, names);
  const where = ns !== null ? ` in namespace ${ns}` : "";
  const hint = close.length > 0 ? ` Did you mean: ${close.map((c) => `\`${c}\``).join(", ")}?` : "";
  throw new NameNotFound(`Environment \`${name}\` doesn't exist${where}.${hint}`);
}

function checkVersionExists(ns: string | null, name: string, version: number | null): void {
  if (specs.has(getEnvId(ns, name, version))) return;
  checkNameExists(ns, name);
  if (version === null) return;
  let message = `Environment version \`v${version}\` for environment \`${getEnvId(ns, name, null)}\` doesn't exist.`;
  const same = [...specs.values()]
    .filter((s) => s.namespace === ns && s.name === name)
    .sort((a, b) => (a.version ?? -1) - (b.version ?? -1));
  const unversioned = same.find((s) => s.version === null);
  if (unversioned) {
    message += ` It provides the default version \`${unversioned.id}\`.`;
    if (same.length === 1) throw new DeprecatedEnv(message);
  }
  const versioned = same.filter((s) => s.version !== null);
  const latest = versioned[versioned.length - 1];
  if (latest !== undefined && version > (latest.version as number)) {
    message += ` It provides versioned environments: [ ${same.map((s) => `\`v${s.version}\``).join(", ")} ].`;
    throw new VersionNotFound(message);
  }
  if (latest !== undefined && version < (latest.version as number)) {
    throw new DeprecatedEnv(
      `Environment version v${version} for \`${getEnvId(ns, name, null)}\` is deprecated. ` +
        `Please use \`${latest.id}\` instead.`,
    );
  }
}

function checkSpecRegister(spec: EnvSpec): void {
  let latest: EnvSpec | null = null;
  let unversioned: EnvSpec | null = null;
  for (const s of specs.values()) {
    if (s.namespace !== spec.namespace || s.name !== spec.name) continue;
    if (s.version === null) unversioned = s;
    else if (latest === null || s.version > (latest.version as number)) latest = s;
  }
  if (unversioned !== null && spec.version !== null) {
    throw new RegistrationError(
      `Can't register the versioned environment \`${spec.id}\` when the unversioned environment ` +
        `\`${unversioned.id}\` of the same name already exists.`,
    );
  }
  if (latest !== null && spec.version === null) {
    throw new RegistrationError(
      `Can't register the unversioned environment \`${spec.id}\` when the versioned environment ` +
        `\`${latest.id}\` of the same name already exists. Note: \`make\` with the unversioned id returns the ` +
        "latest versioned environment",
    );
  }
}
