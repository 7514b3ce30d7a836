import { InputError } from "@hjepa/errors";
import { findRepoRoot } from "@hjepa/experiment";
import { intFlag, required, userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";
import { handleInterrupts } from "../interrupt.ts";

/**
 * Job kinds a test registers for the workers it starts (JSON: kind -> handler module), as the local runner's
 * tests pass `kinds`; never set by a user.
 */
const TEST_KINDS_ENV = "HJEPA_TEST_JOB_KINDS";

/**
 * A worker of the Postgres job queue: takes jobs that `hjepa sweep --db` (on any machine) enqueued, runs them
 * and records their results in Postgres; run folders go to the shared output folder. Start as many as there
 * are cores on as many machines as you like, by hand, as a Slurm job array or as a Kubernetes Job.
 */
export const command = defineCommand({
  spec: {
    name: "worker",
    summary:
      "take jobs from the Postgres job queue and run them (retries, heartbeats; any number of machines)",
    flags: {
      db: {
        type: "string",
        value: "URL",
        default: "$HJEPA_DB",
        help: "the Postgres URL (hjepa db start prints one); by default the HJEPA_DB environment variable's",
      },
      out: {
        type: "string",
        value: "DIR",
        default: "the sweep's own path",
        help: "where this machine sees the shared output folder, when it is mounted at another path than on the machine that ran hjepa sweep",
      },
      jobs: { type: "string", value: "N", default: "1", help: "jobs at once, each in its own process" },
      "idle-exit": {
        type: "string",
        value: "SECONDS",
        help: "exit (code 0) once no job has been queued or running anywhere for this long (batch systems)",
      },
    },
    notes: [
      "Each job runs in a child process (hjepa job-worker); its output goes to <out>/logs/<host>-<pid>/.",
      "Heartbeats go to Postgres every few seconds: a worker that is killed or cut off loses its job to another",
      "worker within about 15 s, which runs it again from the start (a training from its last checkpoint).",
      "A job that fails with an error is recorded as failed and not retried (it would fail again).",
      "Ctrl-C (or SIGTERM): takes no new job and exits when the running one is done; again: exits at once, and the",
      "running job goes back to the queue for another worker.",
    ],
    examples: [
      "hjepa worker --db postgres://postgres:PASSWORD@dbhost:54329/postgres",
      "HJEPA_DB=postgres://... hjepa worker --out /mnt/shared/sweeps/lr --idle-exit 120",
    ],
  },
  async run({ values }) {
    // From the environment, the password stays out of the process list (and in a Kubernetes secret).
    const db = required("db", values.db ?? process.env.HJEPA_DB, "the Postgres URL, or set HJEPA_DB");
    const jobs = intFlag("jobs", values.jobs, 1, { max: 64 });
    const idleExit =
      values["idle-exit"] === undefined
        ? null
        : intFlag("idle-exit", values["idle-exit"], undefined, { min: 1 });
    const { BUILTIN_KINDS } = await import("../jobs/local.ts");
    const { QueueWorker } = await import("../jobs/queueWorker.ts");
    const { redact, WORKER_NAME } = await import("../jobs/queueDb.ts");
    const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
    const worker = await QueueWorker.start({
      db,
      out: values.out === undefined ? undefined : userPath(values.out),
      repo: findRepoRoot(import.meta.dirname),
      kinds: testKinds() ?? BUILTIN_KINDS,
      jobs,
      log,
    });
    log(`worker ${WORKER_NAME}: taking jobs from ${redact(db)} (${jobs} at a time)`);
    let stopping: Promise<void> | null = null;
    let timer: NodeJS.Timeout | null = null;
    const done = new Promise<void>((resolve) => {
      handleInterrupts({
        stopping: () => "taking no new job; the running one finishes first",
        onStop: () => {
          stopping ??= worker.drain().then(resolve);
        },
        // Kills the running jobs' processes now; the queue hands their jobs to another worker.
        onQuit: () => void worker.quit(),
      });
      if (idleExit !== null)
        timer = setInterval(async () => {
          const idle = await worker.idleFor().catch(() => 0);
          if (idle < idleExit * 1000 || stopping !== null) return;
          log(`worker ${WORKER_NAME}: no job for ${idleExit} s; exiting`);
          stopping = worker.drain().then(resolve);
        }, 1000);
    });
    await done;
    if (timer) clearInterval(timer);
    log(`worker ${WORKER_NAME}: stopped`);
  },
});

function testKinds(): Record<string, string> | null {
  const text = process.env[TEST_KINDS_ENV];
  if (text === undefined || text === "") return null;
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    throw new InputError(`${TEST_KINDS_ENV}: not JSON (expected {"kind": "/path/to/handler.ts"})`);
  }
}
