import { InputError } from "@hjepa/errors";
import { intFlag, userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";

/**
 * Re-runs a training run, an evaluation or a comparison from the resolved config and records its folder saved,
 * into a new folder, and reports metric by metric whether the results match (exit 0), or not (exit 1).
 */
export const command = defineCommand({
  spec: {
    name: "reproduce",
    summary: "re-run a run, an evaluation or a comparison and check its results match, metric by metric",
    positionals: [
      {
        name: "DIR",
        help: "a run folder (hjepa train), an evaluation folder RUN/eval/NAME (hjepa eval) or a comparison folder (hjepa compare)",
      },
    ],
    flags: {
      out: {
        type: "string",
        value: "DIR",
        default: "DIR.reproduced-<n>",
        help: "the new folder to re-run into",
      },
      against: {
        type: "string",
        value: "DIR",
        help: "run nothing: compare DIR with this folder, a re-run made already (e.g. by scripts/reproduce-all)",
      },
      tolerance: {
        type: "string",
        value: "X",
        default: "0 on wasm/cpu, else 1e-3",
        help: "numbers match when |a - b| <= X * max(1, |a|, |b|)",
      },
      backend: {
        type: "string",
        value: "NAME",
        default: "the one DIR records",
        help: "re-run on this backend: auto, wasm, cpu, tensorflow",
      },
      workers: { type: "string", value: "N", default: "as eval and compare", help: "worker processes" },
      "reuse-runs": {
        type: "boolean",
        help: "a comparison: evaluate its runs again instead of training them again in <out>/runs",
      },
    },
    notes: [
      "A run is trained again from its config.json (the cached dataset is reused); an evaluation is run again on",
      "its run and task set with the agent section results.json recorded; a comparison is run again from the",
      "comparison saved in comparison.json, its runs trained again in <out>/runs (--reuse-runs: evaluated only).",
      "Compared: a run's final losses, diagnostics, per-level report, checkpoints and agent parts (sha256); an",
      "evaluation's summary per bin and every episode; a comparison's rows per arm, bin and seed, paired",
      "differences, examples and its runs' weights. Exactly on the same deterministic backend (wasm, cpu); within",
      "--tolerance otherwise. Times (ms, seconds, elapsed, dates) are shown beside, never compared. A commit,",
      "pnpm-lock.yaml or backend other than the one DIR records is a warning line. Writes <out>/reproduce.json.",
      "Exit code 0: every value matches; 1: a value differs or is missing; 2: bad input.",
    ],
    examples: [
      "hjepa reproduce runs/two-rooms-levels",
      "hjepa reproduce runs/two-rooms-levels/eval/ship2 --workers 2",
      "hjepa reproduce runs/start --out /tmp/start-again",
      "hjepa reproduce runs/comparisons/nine-rooms --against /tmp/reproduce-all/nine-rooms",
    ],
  },
  async run({ positionals, values }) {
    const shown = positionals[0] as string;
    let tolerance: number | undefined;
    if (values.tolerance !== undefined) {
      tolerance = Number(values.tolerance);
      if (values.tolerance.trim() === "" || !Number.isFinite(tolerance) || tolerance < 0)
        throw new InputError(`--tolerance must be a number >= 0 (got "${values.tolerance}")`);
    }
    if (values.against !== undefined && values.out !== undefined)
      throw new InputError("give --out (a new re-run) or --against (one made already), not both");
    const workers =
      values.workers === undefined ? undefined : intFlag("workers", values.workers, 1, { max: 64 });
    const { reproduce } = await import("../reproduce/reproduce.ts");
    const outcome = await reproduce({
      dir: userPath(shown),
      shown,
      out: values.out === undefined ? undefined : userPath(values.out),
      against: values.against === undefined ? undefined : userPath(values.against),
      tolerance,
      backend: values.backend,
      workers,
      reuseRuns: values["reuse-runs"] === true,
    });
    if (outcome.comparison === null) process.exitCode = 130;
    else if (!outcome.comparison.match) process.exitCode = 1;
  },
});
