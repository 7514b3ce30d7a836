import { HJEPA_ENVS } from "@hjepa/envs";
import { make, registeredIds } from "gymnasium-js";
import { defineCommand } from "../cli.ts";

/** Lists registered environment ids, one per line, with their action and observation spaces. */
export const command = defineCommand({
  spec: {
    name: "envs",
    summary: "list registered environments with their action and observation spaces",
    flags: { all: { type: "boolean", help: "also list gymnasium-js's own test environments" } },
    examples: ["hjepa envs"],
  },
  run({ values }) {
    console.log(envsTable(values.all ?? false));
  },
});

export function envsTable(all: boolean): string {
  const ids = registeredIds().filter((id) => all || id.startsWith("hjepa/"));
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
  return rows
    .map((r) => [(r[0] as string).padEnd(width), ...r.slice(1).filter(Boolean)].join("  "))
    .join("\n");
}
