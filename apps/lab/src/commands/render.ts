import { savePng } from "@hjepa/envs";
import { intFlag, parseFlags, required, userPath } from "../args.ts";
import { openEnv } from "../envFlags.ts";
import { InputError } from "../errors.ts";

const USAGE = "hjepa render --env ID [--map FILE] [--seed S] --out FILE.png";

/** Renders the environment after a seeded reset (agent and goal on the map) to a PNG. */
export function renderCommand(argv: string[]): void {
  const { values } = parseFlags(
    "render",
    argv,
    { env: { type: "string" }, map: { type: "string" }, seed: { type: "string" }, out: { type: "string" } },
    USAGE,
  );
  const out = required("render", "out", values.out, "a .png file to write");
  if (!out.toLowerCase().endsWith(".png"))
    throw new InputError(`hjepa render: --out must end in .png (got "${out}")`);
  const seed = intFlag("render", "seed", values.seed, 0, { min: 0 });
  const { env } = openEnv("render", values, { renderMode: "rgb_array" });
  try {
    env.reset({ seed });
    const frame = env.render();
    if (frame === null || typeof frame === "string")
      throw new InputError(`hjepa render: --env ${values.env} has no rgb_array render`);
    savePng(userPath(out), frame);
    console.log(`wrote ${out} (${frame.width}x${frame.height})`);
  } finally {
    env.close();
  }
}
