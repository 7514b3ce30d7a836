import { makeTaskSet, saveTaskSet } from "@hjepa/envs";
import { intFlag, parseFlags, required, userPath } from "../args.ts";
import { openEnv } from "../envFlags.ts";

const USAGE = "hjepa tasks --env ID [--map FILE] --count N --seed S --out FILE.json";

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
    },
    USAGE,
  );
  const count = intFlag("tasks", "count", values.count);
  const seed = intFlag("tasks", "seed", values.seed, undefined, { min: 0 });
  const out = userPath(required("tasks", "out", values.out, "the task-set JSON file to write"));
  const { env, kwargs } = openEnv("tasks", values);
  env.close();
  const set = makeTaskSet(values.env as string, { kwargs, seed, count });
  saveTaskSet(out, set);
  const perBin = set.bins.map(
    (b: { name: string }) => `${b.name} ${set.tasks.filter((t: { bin: string }) => t.bin === b.name).length}`,
  );
  console.log(`wrote ${values.out}: ${set.tasks.length} tasks (${perBin.join(", ")})`);
}
