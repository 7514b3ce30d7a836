import { pointFlag } from "../args.ts";
import { defineCommand } from "../cli.ts";
import { ENV_FLAGS, openEnv } from "../envFlags.ts";

/** Prints the exact shortest-path length between two states (and the path with --path). */
export const command = defineCommand({
  spec: {
    name: "oracle",
    summary: "print the exact shortest-path length between two states",
    flags: {
      env: ENV_FLAGS.env,
      map: ENV_FLAGS.map,
      from: { type: "string", value: "x,y", required: true, help: "start state (grids: r,c)" },
      to: { type: "string", value: "x,y", required: true, help: "goal state (grids: r,c)" },
      path: { type: "boolean", help: "also print the shortest path, one state per line" },
    },
    notes: [
      "Prints the length in map units, or `unreachable`. A state inside a wall or off the map is an error.",
    ],
    examples: ["hjepa oracle --env hjepa/TwoRooms-v0 --from 1.5,1.5 --to 11.5,5.5"],
  },
  run({ values }) {
    const from = pointFlag("from", values.from);
    const to = pointFlag("to", values.to);
    const { env, core } = openEnv(values);
    try {
      // reset validates both states (inside the map, not in a wall) with the env's own typed errors.
      env.reset({ seed: 0, options: { start: from, goal: to } });
      const oracle = core.oracle();
      const d = oracle.distance(from, to);
      console.log(Number.isFinite(d) ? String(Number(d.toFixed(6))) : "unreachable");
      if (values.path) {
        const path = oracle.path(from, to);
        if (path) for (const s of path) console.log(s.map((v) => Number(v.toFixed(6))).join(","));
      }
    } finally {
      env.close();
    }
  },
});
