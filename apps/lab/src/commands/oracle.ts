import { parseFlags, pointFlag } from "../args.ts";
import { openEnv } from "../envFlags.ts";
import { InputError } from "../errors.ts";

const USAGE = "hjepa oracle --env ID [--map FILE] --from x,y --to x,y [--path]";

/** Prints the exact shortest-path length between two states (and the path with --path). */
export function oracleCommand(argv: string[]): void {
  const { values } = parseFlags(
    "oracle",
    argv,
    {
      env: { type: "string" },
      map: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      path: { type: "boolean" },
    },
    USAGE,
  );
  const from = pointFlag("oracle", "from", values.from);
  const to = pointFlag("oracle", "to", values.to);
  const { env, core } = openEnv("oracle", values);
  try {
    // reset validates both states (inside the map, not in a wall) with the env's own error messages.
    try {
      env.reset({ seed: 0, options: { start: from, goal: to } });
    } catch (e) {
      throw new InputError(`hjepa oracle: --from/--to: ${(e as Error).message}`);
    }
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
}
