import { availableParallelism } from "node:os";
import { intFlag, required, userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";

/**
 * Runs a comparison file: trains the runs its arms need (or reuses finished ones), evaluates every arm on the
 * same tasks for every training seed in worker processes, and writes comparison.json, comparison.md and the
 * report (plots and index.html). Ctrl-C stops the workers; running it again continues from the finished jobs.
 */
export const command = defineCommand({
  spec: {
    name: "compare",
    summary: "train what a comparison needs and evaluate its arms (table, intervals, report)",
    flags: {
      config: {
        type: "string",
        value: "FILE",
        required: true,
        help: "a comparison file (configs/comparisons/*.json)",
      },
      out: {
        type: "string",
        value: "DIR",
        default: "runs/comparisons/<name>",
        help: "the output folder: comparison.json, comparison.md, index.html, plots, jobs/, logs/",
      },
      runs: {
        type: "string",
        value: "DIR",
        default: "runs",
        help: "where runs are looked up (by their config less agent, name and description) and trained",
      },
      workers: { type: "string", value: "N", default: "one per core", help: "worker processes" },
    },
    notes: [
      "Each arm's config is the experiment config with the arm's `set` (and a budget's), per training seed. Arms",
      "that differ only under `agent` share a run per seed; other settings train runs of their own, named",
      "<runs>/<name>-s<seed>-<key>. A finished run with the same key is reused (a different commit or lockfile",
      "is noted in comparison.md, not retrained) when its saved agent parts (landmarks, hazard classifier) fit",
      "every arm on it; arms that need those parts made with different settings on one run are refused.",
      "Jobs (a training, or one arm on 10 tasks for one seed) write <out>/jobs/<id>/ whole; Ctrl-C kills the",
      "workers and keeps every finished job; the same command continues from them (an unfinished training from",
      "its last checkpoint). Worker output goes to <out>/logs/worker-N.log.",
    ],
    examples: [
      "hjepa compare --config configs/comparisons/four-rooms.json",
      "hjepa compare --config configs/comparisons/nine-rooms.json --workers 2 --out runs/comparisons/nine-rooms-try",
    ],
  },
  async run({ values }) {
    const config = userPath(required("config", values.config, "a comparison file"));
    const workers = intFlag("workers", values.workers, availableParallelism(), { max: 64 });
    const { compareCommand } = await import("../compare/command.ts");
    await compareCommand({
      config,
      out: values.out === undefined ? undefined : userPath(values.out),
      runsDir: userPath(values.runs ?? "runs"),
      workers,
    });
  },
});
