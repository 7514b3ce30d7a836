import { makeTaskSet, PointMazeEnv, roomOf, saveTaskSet } from "@hjepa/envs";
import { InputError } from "@hjepa/errors";
import { intFlag, outFile } from "../args.ts";
import { defineCommand } from "../cli.ts";
import { ENV_FLAGS, openEnv } from "../envFlags.ts";

const FILTERS = ["different-rooms"] as const;
/** More tasks per bin than this says nothing more and only takes long (each needs an exact oracle call). */
const MAX_COUNT = 100_000;

/** Builds start-goal pairs binned by oracle distance (near/mid/far) and saves them as JSON. */
export const command = defineCommand({
  spec: {
    name: "tasks",
    summary: "build a task set of start-goal pairs binned by oracle distance (near/mid/far)",
    flags: {
      env: ENV_FLAGS.env,
      map: ENV_FLAGS.map,
      count: { type: "string", value: "N", required: true, help: `tasks per bin (1 to ${MAX_COUNT})` },
      seed: { type: "string", value: "S", required: true, help: "seed for sampling start-goal pairs" },
      out: { type: "string", value: "FILE.json", required: true, help: "the task set to write" },
      filter: {
        type: "string",
        value: "NAME",
        help: `keep only pairs that pass a filter: ${FILTERS.join(", ")} (PointMaze rooms envs)`,
      },
      unbinned: { type: "boolean", help: "one bin of N tasks as the env samples them (PLDM's protocol)" },
      rollouts: {
        type: "string",
        value: "R",
        help: "realisations per start-goal pair, each its own task and env seed (stochastic envs; default 1)",
      },
    },
    examples: [
      "hjepa tasks --env hjepa/GridMaze-v0 --count 50 --seed 0 --out tasks.json",
      "hjepa tasks --env hjepa/TwoRooms-v0 --count 34 --seed 0 --filter different-rooms --out two-rooms.json",
      "hjepa tasks --env hjepa/WindyCliff-v0 --count 8 --rollouts 5 --seed 0 --out windy-cliff.json",
    ],
  },
  run({ values }) {
    const count = intFlag("count", values.count, undefined, { max: MAX_COUNT });
    const seed = intFlag("seed", values.seed, undefined, { min: 0 });
    const rollouts = intFlag("rollouts", values.rollouts, 1, { min: 1, max: 1000 });
    const out = outFile("out", values.out, ".json");
    let filter: ((start: readonly number[], goal: readonly number[]) => boolean) | undefined;
    if (values.filter !== undefined && !(FILTERS as readonly string[]).includes(values.filter)) {
      throw new InputError(`--filter must be one of ${FILTERS.join(", ")} (got "${values.filter}")`);
    }
    const { env, core, kwargs } = openEnv(values);
    env.close();
    if (values.filter !== undefined) {
      if (!(core instanceof PointMazeEnv)) {
        throw new InputError(`--filter different-rooms needs a PointMaze rooms env (got ${values.env})`);
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
    const set = makeTaskSet(values.env as string, {
      kwargs,
      seed,
      count,
      filter,
      filterName: values.filter,
      bins,
      rollouts,
    });
    saveTaskSet(out, set);
    const perBin = set.bins.map(
      (b: { name: string }) =>
        `${b.name} ${set.tasks.filter((t: { bin: string }) => t.bin === b.name).length}`,
    );
    console.log(`wrote ${values.out}: ${set.tasks.length} tasks (${perBin.join(", ")})`);
  },
});
