import { pathToFileURL } from "node:url";
import { serializeError } from "@hjepa/errors";
import type { Job, JobHandlerModule } from "./job.ts";
import { writeJobFolder } from "./store.ts";

/**
 * The worker side of the local runner (the hidden `hjepa job-worker` command, forked by `LocalJobRunner`): it
 * takes one job at a time over IPC, runs its kind's handler in this process, writes the job's folder (result
 * last, renamed into place whole) and reports back. It exits when its parent goes away, so a killed `hjepa
 * compare` leaves no worker behind.
 */

/** Parent to worker. */
export type ToWorker =
  | { type: "init"; root: string; kinds: Record<string, string> }
  | { type: "job"; job: Job };

/** Worker to parent. */
export type FromWorker =
  | { type: "progress"; id: string; done: number; total: number; detail?: Record<string, number> }
  | { type: "done"; id: string; result: unknown; seconds: number }
  | { type: "error"; id: string; error: ReturnType<typeof serializeError> };

export async function jobWorker(): Promise<void> {
  let root = "";
  let kinds: Record<string, string> = {};
  const send = (m: FromWorker) => process.send?.(m);
  process.on("disconnect", () => process.exit(0));
  let chain = Promise.resolve();
  const handle = async (m: ToWorker) => {
    if (m.type === "init") {
      root = m.root;
      kinds = m.kinds;
      return;
    }
    const { job } = m;
    console.log(`== job ${job.id}${job.title ? ` (${job.title})` : ""}: started ${new Date().toISOString()}`);
    try {
      const path = kinds[job.kind];
      if (path === undefined) throw new Error(`no handler for job kind "${job.kind}"`);
      const handler = (await import(pathToFileURL(path).href)) as JobHandlerModule;
      const stored = await writeJobFolder(root, job, (dir) =>
        handler.run(job.spec, {
          dir,
          progress: (done, total, detail) => send({ type: "progress", id: job.id, done, total, detail }),
        }),
      );
      console.log(`== job ${job.id}: finished in ${stored.ran.seconds.toFixed(1)} s`);
      send({ type: "done", id: job.id, result: stored.result, seconds: stored.ran.seconds });
    } catch (e) {
      console.log(`== job ${job.id}: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      send({ type: "error", id: job.id, error: serializeError(e) });
    }
    // A handler may set an exit code for a command (a diverged training sets 1); the worker's own is 0.
    process.exitCode = 0;
  };
  await new Promise<never>(() => {
    process.on("message", (m: ToWorker) => {
      chain = chain.then(() => handle(m));
    });
  });
}
