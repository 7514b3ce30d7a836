import { createHash } from "node:crypto";

/**
 * A job is plain JSON that any worker can run from the job alone: its `kind` (which handler runs it), its `id`
 * (a hash of everything that determines its result, so a finished job is found again and never run twice) and
 * its `spec` (the handler's input). `title` is for people: progress lines and error messages.
 */
export type JobKind = "train" | "eval";

export interface Job<S = unknown> {
  kind: JobKind;
  id: string;
  spec: S;
  title?: string;
}

/** JSON with object keys sorted at every depth: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** sha256 of `canonicalJson(value)`, in hex. */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/**
 * A job's id: its kind and the first 20 hex digits of the hash of `identity` (what determines the result, not
 * where files go): `eval-3f2a...`. Stable across processes and machines; a folder name.
 */
export function jobId(kind: JobKind, identity: unknown): string {
  return `${kind}-${contentHash({ kind, identity }).slice(0, 20)}`;
}

/** What a job's handler gets besides its spec. */
export interface JobContext {
  /** The job's own folder, empty at the start; it becomes the job's result folder if the job finishes. */
  dir: string;
  /** Progress within the job, in the handler's own units (the runner forwards it as a `progress` event). */
  progress(done: number, total: number, detail?: Record<string, number>): void;
}

/** A job kind's handler module exports `run`; its result must be JSON. */
export interface JobHandlerModule<S = unknown, R = unknown> {
  run(spec: S, ctx: JobContext): Promise<R>;
}
