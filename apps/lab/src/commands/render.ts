import { savePng } from "@hjepa/envs";
import { EnvironmentError } from "@hjepa/errors";
import { intFlag, outFile } from "../args.ts";
import { defineCommand } from "../cli.ts";
import { ENV_FLAGS, openEnv } from "../envFlags.ts";

/** Renders the environment after a seeded reset (agent and goal on the map) to a PNG. */
export const command = defineCommand({
  spec: {
    name: "render",
    summary: "render an environment after a seeded reset to a PNG",
    flags: {
      env: ENV_FLAGS.env,
      map: ENV_FLAGS.map,
      seed: { type: "string", value: "S", default: "0", help: "reset seed (places agent and goal)" },
      out: { type: "string", value: "FILE.png", required: true, help: "the picture to write" },
    },
    examples: ["hjepa render --env hjepa/FourRooms-v0 --seed 1 --out four-rooms.png"],
  },
  run({ values }) {
    const out = outFile("out", values.out, ".png");
    const seed = intFlag("seed", values.seed, 0, { min: 0 });
    const { env } = openEnv(values, { renderMode: "rgb_array" });
    try {
      env.reset({ seed });
      const frame = env.render();
      if (frame === null || typeof frame === "string")
        throw new EnvironmentError(`--env ${values.env} has no rgb_array render`);
      savePng(out, frame);
      console.log(`wrote ${values.out} (${frame.width}x${frame.height})`);
    } finally {
      env.close();
    }
  },
});
