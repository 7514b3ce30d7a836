import { dataPolicyNames } from "@hjepa/envs";
import { InputError } from "@hjepa/errors";
import { intFlag, outFile } from "../args.ts";
import { defineCommand } from "../cli.ts";
import { ENV_FLAGS, openEnv } from "../envFlags.ts";
import { handleInterrupts } from "../interrupt.ts";
import { ProgressBar } from "../progress.ts";

/** A dataset larger than this does not fit in memory when training reads it (about 20 bytes a state frame). */
const MAX_FRAMES = 1_000_000_000;

/** Collects offline trajectories into an Arrow IPC dataset, with a progress bar; Ctrl-C keeps what was saved. */
export const command = defineCommand({
  spec: {
    name: "collect",
    summary: "collect offline trajectories into an Arrow dataset",
    flags: {
      ...ENV_FLAGS,
      episodes: { type: "string", value: "N", required: true, help: "number of episodes" },
      steps: { type: "string", value: "T", required: true, help: "steps per episode" },
      policy: {
        type: "string",
        value: "NAME",
        required: true,
        help: "data policy: uniform, momentum, or one the env provides (an unknown name lists them)",
      },
      seed: {
        type: "string",
        value: "S",
        required: true,
        help: "seed: the same seed gives a byte-identical file",
      },
      out: { type: "string", value: "FILE.arrow", required: true, help: "the dataset to write" },
    },
    notes: [
      "Ctrl-C (or SIGTERM) stops within seconds and saves a complete dataset of the episodes finished so far.",
    ],
    examples: [
      "hjepa collect --env hjepa/TwoRooms-v0 --episodes 1000 --steps 100 --policy momentum --seed 0 --out two-rooms.arrow",
    ],
  },
  run: ({ values }) => collectRun(values),
});

async function collectRun(values: {
  env?: string;
  map?: string;
  obs?: string;
  episodes?: string;
  steps?: string;
  policy?: string;
  seed?: string;
  out?: string;
}): Promise<void> {
  const episodes = intFlag("episodes", values.episodes);
  const steps = intFlag("steps", values.steps);
  if (episodes * steps > MAX_FRAMES)
    throw new InputError(
      `--episodes x --steps must be at most ${MAX_FRAMES.toLocaleString("en-US")} frames (got ${episodes} x ${steps})`,
    );
  const seed = intFlag("seed", values.seed, undefined, { min: 0 });
  const out = outFile("out", values.out, ".arrow");
  // Open the env once up front so a bad id, map, obs mode or policy fails before anything is written.
  const { env, core, kwargs } = openEnv(values);
  env.close();
  const policy = values.policy as string;
  const policies = dataPolicyNames(core);
  if (!policies.includes(policy))
    throw new InputError(`--policy must be one of ${policies.join(", ")} (got "${policy}")`);
  const { collect, CollectionInterrupted } = await import("@hjepa/envs/data");

  const controller = new AbortController();
  const stopHandling = handleInterrupts({
    stopping: () => "stopping and saving the episodes collected so far",
    onStop: () => controller.abort(),
  });
  const bar = new ProgressBar({ label: "collect", total: episodes * steps, unit: " steps" });
  try {
    const result = await collect(values.env as string, {
      kwargs,
      episodes,
      steps,
      policy,
      seed,
      out,
      signal: controller.signal,
      onProgress: (p: { transitions: number; episodes: number }) =>
        bar.update(p.transitions, `episodes ${p.episodes}/${episodes}`),
    });
    // An interrupted bar stays where it stopped.
    if (result.aborted) process.stderr.write("\n");
    else bar.finish();
    console.log(
      `wrote ${values.out}: ${result.episodes} episodes, ${result.frames} frames${result.aborted ? ` (interrupted: ${result.episodes} of ${episodes} episodes)` : ""}`,
    );
  } catch (e) {
    if (!(e instanceof CollectionInterrupted)) throw e;
    process.stderr.write(
      "\nhjepa collect: interrupted before the first episode ended; nothing was written\n",
    );
    process.exitCode = 130;
  } finally {
    stopHandling();
  }
}
