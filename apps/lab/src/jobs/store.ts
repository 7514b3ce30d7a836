import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeJsonAtomic } from "@hjepa/experiment/atomicWrite";
import { removeOnExit, removeStaleTemps, tempPathFor } from "@hjepa/experiment/crashSafety";
import type { Job } from "./job.ts";

/**
 * Job folders: `<root>/<job id>/` holds what the job wrote and, last, `result.json`. A job is written under a
 * temp name beside it (`.<id>.<pid>-<n>.tmp`) and renamed into place whole, so a folder either holds a finished
 * job or does not exist: a job killed half-way leaves only its temp folder, which the next runner removes, and
 * the job runs again.
 */
export const RESULT_FILE = "result.json";

/** What result.json holds: the job, its result, and when and where it ran (kept apart from the result). */
export interface StoredResult<R = unknown> {
  version: 1;
  job: Job;
  result: R;
  ran: { finishedAt: string; seconds: number; host: string; pid: number };
}

export function jobFolder(root: string, id: string): string {
  return join(root, id);
}

/**
 * The stored result of `job`, or null when it has not finished. A folder without a readable result.json for
 * this very job (written by hand, or by a crash before this layout) is removed: the job runs again.
 */
export function readStoredResult<R = unknown>(root: string, job: Job): StoredResult<R> | null {
  const dir = jobFolder(root, job.id);
  if (!existsSync(dir)) return null;
  try {
    const stored = JSON.parse(readFileSync(join(dir, RESULT_FILE), "utf8")) as StoredResult<R>;
    if (stored?.version === 1 && stored.job?.id === job.id && stored.job.kind === job.kind) return stored;
  } catch {
    // Missing or torn: not a finished job.
  }
  rmSync(dir, { recursive: true, force: true });
  return null;
}

/** Removes the temp folders of jobs whose process is gone (killed mid-job); returns their names. */
export function removeHalfWritten(root: string): string[] {
  return removeStaleTemps(root);
}

/**
 * Removes every temp folder of job `id` but this process's own, whichever process or machine wrote it: for a
 * store shared between machines, where a pid says nothing, called only when the job is known not to run
 * elsewhere (a queue hands it to one worker at a time). Returns their names.
 */
export function removeJobTemps(root: string, id: string): string[] {
  const mine = `.${id}.${process.pid}-`;
  const names = existsSync(root) ? readdirSync(root) : [];
  const stale = names.filter((n) => n.startsWith(`.${id}.`) && n.endsWith(".tmp") && !n.startsWith(mine));
  for (const n of stale) rmSync(join(root, n), { recursive: true, force: true });
  return stale;
}

/**
 * Runs `work` in a fresh temp folder for `job` and, when it returns, writes result.json there and renames the
 * folder into place (replacing a stale one). On an error, or if the process exits first, the temp folder is
 * removed and nothing is stored.
 */
export async function writeJobFolder<R>(
  root: string,
  job: Job,
  work: (dir: string) => Promise<R>,
): Promise<StoredResult<R>> {
  const final = jobFolder(root, job.id);
  const tmp = tempPathFor(final);
  const forget = removeOnExit(tmp);
  const started = performance.now();
  try {
    mkdirSync(tmp, { recursive: true });
    const result = await work(tmp);
    const stored: StoredResult<R> = {
      version: 1,
      job,
      result,
      ran: {
        finishedAt: new Date().toISOString(),
        seconds: (performance.now() - started) / 1000,
        host: hostname(),
        pid: process.pid,
      },
    };
    writeJsonAtomic(join(tmp, RESULT_FILE), stored, "write the job's result");
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
    return stored;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    forget();
  }
}
