import { availableParallelism } from "node:os";
import { InputError } from "@hjepa/errors";
import { intFlag, required, userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";

const ACTIONS = ["run", "status", "report"] as const;

/**
 * Runs an experiment config over a grid of overrides and training seeds: trains every cell (and evaluates it
 * on a task set), on a local pool of worker processes or, with --db, on the Postgres job queue that `hjepa
 * worker` processes on any machines take jobs from; writes the mean and 95% interval per setting. `status`
 * and `report` read a --db sweep from Postgres.
 */
export const command = defineCommand({
  spec: {
    name: "sweep",
    summary:
      "train (and evaluate) every grid setting x seed; mean and 95% CI per setting (local pool or --db queue)",
    positionals: [
      {
        name: "ACTION",
        help: "run (the default), status (a --db sweep's cells and jobs) or report (its table and plots from Postgres)",
        optional: true,
      },
    ],
    flags: {
      config: {
        type: "string",
        value: "FILE",
        help: "an experiment config (configs/experiments/*.json); run only",
      },
      grid: {
        type: "string",
        multiple: true,
        value: "PATH=V1,V2,...",
        help: 'a config field and its values, read as --set reads them (JSON or text; commas inside [] {} "" kept)',
      },
      seeds: {
        type: "string",
        value: "N|LIST",
        default: "3",
        help: "training seeds 1..N, or a list like 1,4,9",
      },
      tasks: { type: "string", value: "FILE", help: "a task set (hjepa tasks) to evaluate every cell on" },
      limit: { type: "string", value: "N", help: "evaluate the first N tasks of each bin (default: all)" },
      out: {
        type: "string",
        value: "DIR",
        default: "runs/sweeps/<name>",
        help: "the output folder: sweep.json, sweep.md, plots, runs/, jobs/, logs/ (report: where to write)",
      },
      workers: {
        type: "string",
        value: "N",
        default: "one per core",
        help: "local worker processes (without --db)",
      },
      db: {
        type: "string",
        value: "URL",
        help: "a Postgres URL: jobs go to its queue for hjepa worker processes (status, report: default $HJEPA_DB)",
      },
      sweep: {
        type: "string",
        value: "NAME|DIR",
        help: "status, report: which sweep (default: all / the only one)",
      },
    },
    notes: [
      "Each cell is the config with the setting's overrides and seed=S. Settings that differ only in how the",
      "agent plans share a training per seed; runs go to <out>/runs/. With --tasks every cell is evaluated on the",
      "task set in shards of 10 tasks (as hjepa compare does). Jobs write <out>/jobs/<id>/ whole: a sweep",
      "interrupted (Ctrl-C, a killed machine) continues from its finished jobs when run again, and writes the",
      "same numbers. With --db the jobs wait in Postgres for `hjepa worker --db URL` processes (any machines that",
      "see <out> as a shared folder); Ctrl-C stops waiting, the workers go on; `hjepa sweep status --db URL`",
      "shows progress from anywhere, `hjepa sweep report --db URL` writes the table and plots of what finished.",
    ],
    examples: [
      "hjepa sweep --config configs/experiments/two-rooms.json --grid 'world.levels[0].train.lr=0.0003,0.001,0.003' --seeds 3",
      "hjepa sweep --config configs/experiments/two-rooms.json --grid agent.horizon=4,8,16 --tasks configs/tasks/two-rooms.json --limit 5",
      "hjepa sweep --config configs/experiments/two-rooms.json --grid agent.budget=400,1600 --db $HJEPA_DB --out /shared/sweeps/budget",
      "hjepa sweep status --db $HJEPA_DB",
      "hjepa sweep report --db $HJEPA_DB --sweep budget --out sweep-budget",
    ],
  },
  async run({ values, positionals }) {
    const action = positionals[0] ?? "run";
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new InputError(`unknown action "${action}" (expected one of: ${ACTIONS.join(", ")})`);
    if (action !== "run") {
      const db = required(
        "db",
        values.db ?? process.env.HJEPA_DB,
        `the Postgres URL the sweep ran on (hjepa sweep ${action} reads it)`,
      );
      const status = await import("../sweep/status.ts");
      if (action === "status") await status.sweepStatus(db, values.sweep);
      else
        await status.sweepReport(
          db,
          values.sweep,
          values.out === undefined ? undefined : userPath(values.out),
        );
      return;
    }
    if (values.sweep !== undefined)
      throw new InputError("--sweep is for status and report (a run names its --out)");
    const config = userPath(required("config", values.config, "an experiment config"));
    const { parseGrid, parseSeeds } = await import("../sweep/grid.ts");
    const grid = parseGrid(values.grid ?? []);
    const seeds = parseSeeds(values.seeds ?? "3");
    const workers = intFlag("workers", values.workers, availableParallelism(), { max: 64 });
    const limit = values.limit === undefined ? undefined : intFlag("limit", values.limit);
    if (limit !== undefined && values.tasks === undefined) throw new InputError("--limit needs --tasks");
    const { sweepCommand } = await import("../sweep/command.ts");
    await sweepCommand({
      config,
      grid,
      seeds,
      tasks: values.tasks === undefined ? null : userPath(values.tasks),
      limit,
      out: values.out === undefined ? undefined : userPath(values.out),
      defaultRoot: userPath("runs"),
      workers,
      db: values.db,
    });
  },
});
