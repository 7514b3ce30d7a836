import { collect } from "@hjepa/envs";
import { intFlag, parseFlags, required, userPath } from "../args.ts";
import { openEnv } from "../envFlags.ts";
import { InputError } from "../errors.ts";
import { ProgressBar } from "../progress.ts";

const USAGE =
  "hjepa collect --env ID --episodes N --steps T --policy NAME --seed S --out FILE.arrow [--map FILE] [--obs MODE]";

/** Collects offline trajectories into an Arrow IPC dataset, with a progress bar; Ctrl-C keeps what was saved. */
export async function collectCommand(argv: string[]): Promise<void> {
  const { values } = parseFlags(
    "collect",
    argv,
    {
      env: { type: "string" },
      episodes: { type: "string" },
      steps: { type: "string" },
      policy: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      map: { type: "string" },
      obs: { type: "string" },
    },
    USAGE,
  );
  const episodes = intFlag("collect", "episodes", values.episodes);
  const steps = intFlag("collect", "steps", values.steps);
  const seed = intFlag("collect", "seed", values.seed, undefined, { min: 0 });
  const policy = required(
    "collect",
    "policy",
    values.policy,
    "a data policy: uniform, momentum, or one the env provides",
  );
  const out = userPath(required("collect", "out", values.out, "the dataset file to write, e.g. data.arrow"));
  // Open the env once up front so a bad id, map or obs mode fails before anything is written.
  const { env, kwargs } = openEnv("collect", values);
  env.close();

  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write("\ninterrupted: finishing the current episode and saving what was collected...\n");
    controller.abort();
  };
  process.once("SIGINT", onSigint);
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
    bar.finish();
    console.log(
      `wrote ${values.out}: ${result.episodes} episodes, ${result.frames} frames${controller.signal.aborted ? " (interrupted)" : ""}`,
    );
  } catch (e) {
    if (/policy/i.test((e as Error).message))
      throw new InputError(`hjepa collect: --policy ${policy}: ${(e as Error).message}`);
    throw e;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
