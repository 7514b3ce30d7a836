import { intFlag, userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";

/**
 * Re-renders the report of an evaluation folder from its JSON: the SVG plots and index.html. No model is loaded
 * and nothing is evaluated; old folders (before trajectories.json) get their maps from the run's env.
 */
export const command = defineCommand({
  spec: {
    name: "report",
    summary: "re-render the plots (SVG) and index.html of an evaluation or comparison folder from its JSON",
    positionals: [
      {
        name: "DIR",
        help: "an evaluation folder (RUN_DIR/eval/NAME) with results.json, or a comparison folder (hjepa compare)",
      },
    ],
    flags: {
      pictures: {
        type: "string",
        value: "N",
        default: "3",
        help: "episodes to draw when the folder has no trajectories.json (older evaluations)",
      },
    },
    notes: [
      "Writes DIR/index.html (one self-contained page: table and plots inline, opens offline) and DIR/*.svg.",
      "The episode pictures come from DIR/trajectories.json (written by hjepa eval, with decoded plans and",
      "subgoals); without it, the first N episodes are drawn on the run's map without plans.",
      "A comparison folder (with comparison.json) gets its table, plots and example episodes redrawn from it.",
    ],
    examples: ["hjepa report runs/two-rooms/eval/mppi-two-rooms", "hjepa report runs/comparisons/four-rooms"],
  },
  async run({ positionals, values }) {
    const dir = userPath(positionals[0] as string);
    const comparisons = await import("../compare/comparisonFile.ts");
    if (comparisons.isComparisonFolder(dir)) {
      console.log(`report: ${(await comparisons.renderComparisonFolder(dir)).index}`);
      return;
    }
    const count = intFlag("pictures", values.pictures, 3, { min: 0 });
    const { renderEvalFolder } = await import("../eval/evalReport.ts");
    const { index, notes } = await renderEvalFolder(dir, count);
    for (const note of notes) console.log(`note: ${note}`);
    console.log(`report: ${index}`);
  },
});
