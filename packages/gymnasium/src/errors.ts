/** Base class of the errors gymnasium-js throws on purpose (Gymnasium's `gymnasium.error.Error`). */
export class GymnasiumError extends Error {
  override name = "GymnasiumError";
}

/** `make`/`spec` was given a namespace that no registered id uses. */
export class NamespaceNotFound extends GymnasiumError {
  override name = "NamespaceNotFound";
}

/** `make`/`spec` was given a name that no registered id uses (in its namespace). */
export class NameNotFound extends GymnasiumError {
  override name = "NameNotFound";
}

/** The name exists but not with the requested version. */
export class VersionNotFound extends GymnasiumError {
  override name = "VersionNotFound";
}

/** The requested version is older than the latest registered one, or only an unversioned id exists. */
export class DeprecatedEnv extends GymnasiumError {
  override name = "DeprecatedEnv";
}

/** `register` was called with an id that clashes with the registry (versioned vs unversioned). */
export class RegistrationError extends GymnasiumError {
  override name = "RegistrationError";
}

/** `step` or `render` was called before the first `reset` (raised by `OrderEnforcing`). */
export class ResetNeeded extends GymnasiumError {
  override name = "ResetNeeded";
}

/** An environment broke the Gymnasium API where Gymnasium asserts (passive checker, `checkEnv`). */
export class EnvCheckError extends GymnasiumError {
  override name = "EnvCheckError";
}
