import { readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * What an interrupted process leaves behind, and how the kill tests stop one on purpose.
 *
 * Files that take more than one synchronous call to write (datasets, checkpoints) are written under a temp name
 * beside their target, `.<target>.<pid>-<n>.tmp`, and renamed over the target when complete, so a target is
 * never partial. A temp name is removed: by its writer on success or error; by `removeOnExit` when the process
 * exits on purpose mid-write (a second Ctrl-C); and, after a SIGKILL, by the next writer to the same folder
 * (`removeStaleTemps`: the pid in the name is no longer running).
 */

const TEMP = /^\.(.+)\.(\d+)-\d+\.tmp$/;
let counter = 0;

/** A fresh temp path beside `target`, owned by this process. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}-${counter++}.tmp`);
}

/**
 * Removes the temp files and folders in `dir` left by processes that are no longer running (only those of
 * `target` when given); returns their names. Temp files of live processes are left alone.
 */
export function removeStaleTemps(dir: string, target?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (m === null || (target !== undefined && m[1] !== basename(target))) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || isRunning(pid)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  // A killed process whose parent has not reaped it yet (a zombie) is not running.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

const pending = new Set<string>();
let hooked = false;

/**
 * Removes `path` (a temp file or folder) if the process exits before the returned function is called; call it
 * once the temp path is renamed or removed.
 */
export function removeOnExit(path: string): () => void {
  if (!hooked) {
    hooked = true;
    process.on("exit", () => {
      for (const p of pending) rmSync(p, { recursive: true, force: true });
    });
  }
  pending.add(path);
  return () => {
    pending.delete(path);
  };
}

/** The stages where `HJEPA_TEST_PAUSE_AT` can stop a process (see `pauseForTest`). */
export type TestStage = "collecting" | "saving-dataset" | "training" | "saving-checkpoint";

const paused = new Set<TestStage>();

/**
 * The kill tests' hook (packages/integration-tests/src/interrupt.test.ts): when `HJEPA_TEST_PAUSE_AT` names
 * `stage`, the first time the process reaches it, it writes `hjepa-test: paused at <stage>` to stderr and waits
 * `HJEPA_TEST_PAUSE_MS` ms (default 1000) without blocking signal handlers, so that a test can signal it there.
 * Otherwise a no-op.
 */
export async function pauseForTest(stage: TestStage): Promise<void> {
  if (process.env.HJEPA_TEST_PAUSE_AT !== stage || paused.has(stage)) return;
  paused.add(stage);
  process.stderr.write(`hjepa-test: paused at ${stage}\n`);
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.HJEPA_TEST_PAUSE_MS ?? 1000)));
}
