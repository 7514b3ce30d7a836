import { availableParallelism } from "node:os";
import { join } from "node:path";
import { findRepoRoot } from "@hjepa/experiment";
import { intFlag, userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";

/** The quickstart's comparison file, in the repository that holds this command. */
const QUICKSTART = "configs/comparisons/quickstart.json";

/**
 * The main job, small: `hjepa compare` on configs/comparisons/quickstart.json. It trains a 2-level world model
 * on FourRooms from scratch and compares flat against 2-level planning at the same compute on the 34 far tasks,
 * with 95% intervals, in about 3 minutes on 2 cores; a second `pnpm start` reuses what the first made.
 */
export const command = defineCommand({
  spec: {
    name: "start",
    summary: "the quickstart: train a small world model and compare flat against 2-level planning (~3 min)",
    flags: {
      workers: { type: "string", value: "N", default: "one per core", help: "worker processes" },
    },
    notes: [
      `Runs hjepa compare --config ${QUICKSTART} --out runs/start --runs runs/start/runs: collects FourRooms`,
      "data, trains a 2-level world model (configs/experiments/quickstart.json), then plans the 34 far tasks of",
      "configs/tasks/four-rooms.json with the 2-level agent and with flat MPPI at the same compute per env step.",
      "Prints the table (success with 95% intervals, the paired difference, SPL, compute) and the path of",
      "runs/start/index.html (the plots and example episodes). Ctrl-C stops; pnpm start again continues.",
    ],
    examples: ["pnpm start", "pnpm hjepa start --workers 1"],
  },
  async run({ values }) {
    const workers = intFlag("workers", values.workers, availableParallelism(), { max: 64 });
    const config = join(findRepoRoot(import.meta.dirname), QUICKSTART);
    console.log(
      "hjepa quickstart: flat against 2-level planning on FourRooms, from scratch " +
        "(collect data, train 2 levels, plan 34 far tasks per arm; about 3 minutes on 2 cores)\n",
    );
    const { compareCommand } = await import("../compare/command.ts");
    await compareCommand({
      config,
      out: userPath("runs/start"),
      runsDir: userPath("runs/start/runs"),
      workers,
    });
  },
});
