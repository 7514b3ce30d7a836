import { join } from "node:path";
import { savePng } from "@hjepa/envs";
import { make } from "gymnasium-js";
import { userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";
import { envsTable } from "./envs.ts";

/** The main job (for now): list the environments and render one, as text and as a PNG. */
export const command = defineCommand({
  spec: {
    name: "start",
    summary: "list the environments and render one (runs/start/two-rooms.png)",
    flags: {},
    examples: ["pnpm start"],
  },
  run() {
    console.log(`hjepa environments:\n\n${envsTable(false)}`);
    const id = "hjepa/TwoRooms-v0";
    const env = make(id, { kwargs: { renderMode: "ansi" } });
    const { info } = env.reset({ seed: 0 });
    console.log(`\n${id} after reset({seed: 0}) (A agent, G goal):\n`);
    console.log(env.render());
    env.close();
    const pic = make(id, { kwargs: { renderMode: "rgb_array" } });
    pic.reset({ seed: 0 });
    const frame = pic.render();
    pic.close();
    if (frame && typeof frame !== "string") {
      savePng(join(userPath("runs/start"), "two-rooms.png"), frame);
      console.log(
        `start ${JSON.stringify(info.state)} goal ${JSON.stringify(info.goal)}; picture: runs/start/two-rooms.png`,
      );
    }
  },
});
