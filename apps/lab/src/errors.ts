/** Bad input from the user: the CLI prints the message on one line and exits with code 2. */
export class InputError extends Error {
  override name = "InputError";
}

/** Runs `fn`, turning any error it throws into an `InputError` with `context` in front of the message. */
export function asInputError<T>(context: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${context}: ${(e as Error).message}`);
  }
}
