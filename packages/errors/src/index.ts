/**
 * The errors a user can fix. Each says what was wrong, where (a flag, a file, a field) and what is expected;
 * the command line prints the message on one line and exits with code 2. Any other error is a bug in hjepa:
 * it exits with code 1 and its stack trace, so that it gets reported. Errors are told apart by class (and a
 * file-system error by its errno code), never by their message text.
 */
export type ErrorKind = "input" | "data" | "checkpoint" | "environment" | "filesystem";

export abstract class HjepaError extends Error {
  abstract readonly kind: ErrorKind;
  override name = "HjepaError";
}

/** A flag, a config field, a planner option or another value the user gave is wrong. */
export class InputError extends HjepaError {
  readonly kind = "input";
  override name = "InputError";
}

/** A dataset, task set, map or other data file is malformed, truncated or does not fit what reads it. */
export class DataError extends HjepaError {
  readonly kind = "data";
  override name = "DataError";
}

/** A run folder, checkpoint, weights file or manifest is missing, corrupted or from an incompatible version. */
export class CheckpointError extends HjepaError {
  readonly kind = "checkpoint";
  override name = "CheckpointError";
}

/** An environment id, observation mode, option or state (a start inside a wall) is not valid. */
export class EnvironmentError extends HjepaError {
  readonly kind = "environment";
  override name = "EnvironmentError";
}

/** The file system refused: a missing file, a folder where a file is expected, a full disk, no permission. */
export class FileSystemError extends HjepaError {
  readonly kind = "filesystem";
  override name = "FileSystemError";
  constructor(
    message: string,
    readonly path: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export function isHjepaError(e: unknown): e is HjepaError {
  return e instanceof HjepaError;
}

/** What each errno code means to someone who gave the path, and what to do about it. */
const ERRNO: Record<string, string> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "is a folder; expected a file",
  EEXIST: "already exists",
  ENOSPC: "no space left on the device; free some space and run again",
  EDQUOT: "disk quota exceeded; free some space and run again",
  ENAMETOOLONG: "the name is too long for the file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  EMFILE: "too many open files",
  ENOTEMPTY: "the folder is not empty",
  EXDEV: "cannot move across file systems",
  EIO: "input/output error on the device",
};

/** Whether `e` is a Node system error with an errno code that a user can act on. */
export function isFileSystemFailure(e: unknown): e is NodeJS.ErrnoException {
  return (
    e instanceof Error &&
    typeof (e as NodeJS.ErrnoException).code === "string" &&
    (e as NodeJS.ErrnoException).code! in ERRNO
  );
}

/**
 * Turns a file-system failure on `path` into a `FileSystemError` ("`path`: cannot write the dataset (no space
 * left on the device; ...)"); returns any other error unchanged, so a bug stays a bug.
 */
export function fileSystemError(e: unknown, path: string, doing: string): unknown {
  if (e instanceof HjepaError || !isFileSystemFailure(e)) return e;
  const code = e.code as string;
  return new FileSystemError(`${path}: cannot ${doing} (${ERRNO[code]}, ${code})`, path, code);
}

/** Runs `fn`, turning a file-system failure into a `FileSystemError` naming `path` (see `fileSystemError`). */
export function onFileSystem<T>(path: string, doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw fileSystemError(e, path, doing);
  }
}

/** One line of text: newlines and runs of spaces collapse, so an error never spans lines on a terminal. */
export function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, "; ");
}

/** An error as it crosses a process boundary (a worker's message): its kind survives, so does its stack. */
export interface SerializedError {
  kind: ErrorKind | null;
  name: string;
  message: string;
  stack?: string;
  path?: string;
  code?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { kind: null, name: "Error", message: String(e) };
  const out: SerializedError = {
    kind: e instanceof HjepaError ? e.kind : null,
    name: e.name,
    message: e.message,
    stack: e.stack,
  };
  if (e instanceof FileSystemError) {
    out.path = e.path;
    if (e.code !== undefined) out.code = e.code;
  }
  return out;
}

/** The error `serializeError` described: the same typed class for a user error, a plain Error (a bug) else. */
export function deserializeError(s: SerializedError): Error {
  let e: Error;
  switch (s.kind) {
    case "input":
      e = new InputError(s.message);
      break;
    case "data":
      e = new DataError(s.message);
      break;
    case "checkpoint":
      e = new CheckpointError(s.message);
      break;
    case "environment":
      e = new EnvironmentError(s.message);
      break;
    case "filesystem":
      e = new FileSystemError(s.message, s.path ?? "", s.code);
      break;
    default:
      e = new Error(s.message);
      e.name = s.name;
  }
  if (s.stack !== undefined) e.stack = s.stack;
  return e;
}
