import { join } from "node:path";
import { InputError } from "@hjepa/errors";
import {
  applyOverrides,
  type ExperimentConfig,
  findRepoRoot,
  migrateConfig,
  parseOverride,
  RunFolder,
  validateConfig,
  writeJsonAtomic,
} from "@hjepa/experiment";
import { userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";
import { criticLine } from "../criticDiagnostic.ts";
import { backendLine } from "../output.ts";
import { ProgressBar } from "../progress.ts";

/**
 * Computes a run's learned agent parts (hazard classifier, landmarks, critic) once, from its model and dataset,
 * and saves them in RUN_DIR/agent/ for `hjepa eval`, which loads them and never trains. `--set agent...` is the one
 * way to change a finished run: it writes the changed settings into the run's agent section (config.json);
 * the model, data and training settings stay as they are.
 */
export const command = defineCommand({
  spec: {
    name: "prepare",
    summary:
      "compute a run's learned agent parts (hazard classifier, landmarks, critic) and save them in the run",
    positionals: [{ name: "RUN_DIR", help: "a run folder made by hjepa train" }],
    flags: {
      set: {
        type: "string",
        multiple: true,
        value: "agent.path=value",
        help: "change an agent setting and write it into the run's config.json, e.g. agent.landmarks.radius=0.5",
      },
    },
    notes: [
      "Writes RUN_DIR/agent/ (hazard/, landmarks/, critic/ with checksums, prepared.json) whole or not at all;",
      "hjepa eval loads them and stops, naming this command, when they are missing or made from other settings.",
      "A finished run's model is immutable: --set takes agent.* paths only (train a new run to change the rest).",
      "Needs a prepare: agent.guardrails.hazard.{epochs,samples,margin} and agent.landmarks.{samples,radius,",
      "capacity,transitions,window} and agent.critic.*; the hazard guardrail's mode and threshold, agent.energy and",
      "agent.hierarchy are read when planning (hjepa eval --set is enough).",
    ],
    examples: [
      "hjepa prepare runs/2026-12-01-four-rooms-hazard-1a2b3c4",
      "hjepa prepare runs/2026-12-01-grid-maze-1a2b3c4 --set agent.landmarks.radius=0.5",
      "hjepa prepare runs/2026-12-01-four-rooms-1a2b3c4 --set agent.guardrails.hazard={} --set agent.guardrails.hazard.margin=1",
    ],
  },
  run: ({ positionals, values }) => prepare(userPath(positionals[0] as string), values.set ?? []),
});

async function prepare(runDir: string, sets: string[]): Promise<void> {
  // Everything the user gave is checked before anything is loaded or written.
  const run = RunFolder.open(runDir);
  for (const text of sets) {
    if (parseOverride(text).path[0] !== "agent")
      throw new InputError(
        `--set ${text}: only agent.* settings can be changed in a run (its model is immutable; ` +
          "train a new run to change the rest)",
      );
  }
  const { fullExperimentSchema, prepareRun } = await import("@hjepa/configurator");
  const file = join(runDir, "config.json");
  const raw = run.config<Record<string, unknown>>();
  const config: ExperimentConfig = validateConfig(
    fullExperimentSchema,
    applyOverrides(migrateConfig(raw, file).config, sets),
    `${file}${sets.length ? " with --set" : ""}`,
  );

  const { initTensors } = await import("@hjepa/tensor");
  const { loadTrainedModel, prepareData } = await import("@hjepa/runs");
  // Tensors first: loading the model allocates them.
  console.log(backendLine(await initTensors({ backend: config.backend })));
  const { model, checkpoint } = await loadTrainedModel(runDir);
  try {
    const needsData =
      config.agent.guardrails.hazard !== null ||
      config.agent.landmarks !== null ||
      config.agent.critic !== null;
    const root = findRepoRoot(process.env.INIT_CWD ?? process.cwd());
    let bar: ProgressBar | null = null;
    const onCollectProgress = (done: number, total: number) => {
      bar ??= new ProgressBar({ label: "collect", total, unit: " steps" });
      bar.update(done);
    };
    const data = needsData ? (await prepareData(config, { root, onCollectProgress })).data : null;
    (bar as ProgressBar | null)?.finish();
    let criticBar: ProgressBar | null = null;
    const onCriticStep = (done: number, total: number) => {
      criticBar ??= new ProgressBar({ label: "critic", total, unit: " steps" });
      criticBar.update(done);
    };
    const prepared = await prepareRun(run, config, model, data, { onCriticStep });
    (criticBar as ProgressBar | null)?.finish();
    const { hazard, landmarks, critic } = prepared.parts;
    if (hazard)
      console.log(
        `hazard classifier: ${hazard.windows} windows (${hazard.hazards} hazards), training accuracy ${hazard.accuracy.toFixed(3)}`,
      );
    if (landmarks) {
      const moves = landmarks.transitions > 0 ? `, ${landmarks.transitions} observed moves between them` : "";
      console.log(`landmarks: ${landmarks.size} at radius ${landmarks.radius.toPrecision(3)}${moves}`);
    }
    if (critic) console.log(`critic: ${criticLine(critic)}`);
    if (!hazard && !landmarks && !critic)
      console.log("the agent asks for no learned part (no hazard guardrail, no landmarks, no critic)");
    if (sets.length > 0 && JSON.stringify(raw.agent) !== JSON.stringify(config.agent)) {
      // After the parts are saved: a failed prepare leaves the run's config as it was.
      writeJsonAtomic(file, { ...raw, agent: config.agent }, "update the run's agent settings");
      run.updateManifest({
        notes: [
          ...run.manifest.notes,
          `hjepa prepare --set ${sets.join(" --set ")} changed the agent section`,
        ],
      });
      console.log(`agent settings written to ${file}`);
    }
    console.log(
      `prepared: ${join(runDir, "agent")} (model checkpoint ${checkpoint.slice(run.checkpointsDir.length + 1)})`,
    );
  } finally {
    model.dispose();
  }
}
