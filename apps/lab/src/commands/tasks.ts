import { makeTaskSet, PointMazeEnv, roomOf, saveTaskSet } from "@hjepa/envs";
import { intFlag, parseFlags, required, userPath } from "../args.ts";
import { openEnv } from "../envFlags.ts";
import { InputError } from "../errors.ts";

const USAGE =
  "hjepa tasks --env ID [--map FILE] --count N --seed S --out FILE.json [--filter different-rooms] [--unbinned]";

const FILTERS = ["different-rooms"] as const;

/** Builds start-goal pairs binned by oracle distance (near/mid/far) and saves them as JSON. */
export function tasksCommand(argv: string[]): void {
  const { values } = parseFlags(
    "tasks",
    argv,
    {
      env: { type: "string" },
      map: { type: "string" },
      count: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      filter: { type: "string" },
      unbinned: { type: "boolean" },
    },
    USAGE,
  );
  const count = intFlag("tasks", "count", values.count);
  const seed = intFlag("tasks", "seed", values.seed, undefined, { min: 0 });
  const out = userPath(required("tasks", "out", values.out, "the task-set JSON file to write"));
  const { env, core, kwargs } = openEnv("tasks", values);
  env.close();
  let filter: ((start: readonly number[], goal: readonly number[]) => boolean) | undefined;
  if (values.filter !== undefined) {
    if (!(FILTERS as readonly string[]).includes(values.filter)) {
      throw new InputError(
        `hjepa tasks: --filter must be one of ${FILTERS.join(", ")} (got "${values.filter}")`,
      );
    }
    if (!(core instanceof PointMazeEnv)) {
      throw new InputError(
        `hjepa tasks: --filter different-rooms needs a PointMaze rooms env (got ${values.env})`,
      );
    }
    // Rooms of the built-in layouts: 5x5-cell rooms; a state [x, y] lies in cell [floor(y), floor(x)].
    const room = (s: readonly number[]) => roomOf([Math.floor(s[1] as number), Math.floor(s[0] as number)]);
    filter = (start, goal) => {
      const a = room(start);
      const b = room(goal);
      return a !== null && b !== null && (a[0] !== b[0] || a[1] !== b[1]);
    };
  }
  // --unbinned: one bin of `count` tasks as the env samples them (e.g. PLDM's evaluation protocol).
  const bins = values.unbinned ? [{ name: "all", min: 0, max: null }] : undefined;
  const set = makeTaskSet(values.env as string, { kwargs, seed, count, filter, bins });
  saveTaskSet(out, set);
  const perBin = set.bins.map(
    (b: { name: string }) => `${b.name} ${set.tasks.filter((t: { bin: string }) => t.bin === b.name).length}`,
  );
  console.log(`wrote ${values.out}: ${set.tasks.length} tasks (${perBin.join(", ")})`);
}
