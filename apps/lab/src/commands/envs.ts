import { HJEPA_ENVS } from "@hjepa/envs";
import { make, registeredIds } from "gymnasium-js";
import { parseFlags } from "../args.ts";

const USAGE = "hjepa envs [--all]";

/** Lists registered environment ids, one per line, with their action and observation spaces. */
export function envsCommand(argv: string[]): void {
  const { values } = parseFlags("envs", argv, { all: { type: "boolean" } }, USAGE);
  const ids = registeredIds().filter((id) => values.all || id.startsWith("hjepa/"));
  const rows = ids.map((id) => {
    const env = make(id);
    try {
      const modes = HJEPA_ENVS.find((e) => e.id === id)?.obsModes;
      return [
        id,
        `action ${env.actionSpace.toString()}`,
        `observation ${env.observationSpace.toString()}`,
        modes ? `obsMode ${modes.join("|")}` : "",
      ];
    } finally {
      env.close();
    }
  });
  const width = Math.max(0, ...rows.map((r) => (r[0] as string).length));
  for (const r of rows)
    console.log([(r[0] as string).padEnd(width), ...r.slice(1).filter(Boolean)].join("  "));
}
