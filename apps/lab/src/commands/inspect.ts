import { isHjepaError, oneLine } from "@hjepa/errors";
import { RunFolder } from "@hjepa/experiment";
import { userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";

/**
 * Prints a run's status and its diagnostics table (one row per diagnostics record in metrics.jsonl), and, for a
 * run whose agent has a critic, the critic's diagnostic (it loads the model and the dataset).
 */
export const command = defineCommand({
  spec: {
    name: "inspect",
    summary:
      "print a run's status, integrity check and diagnostics table (and the critic's, when it has one)",
    positionals: [{ name: "RUN_DIR", help: "a run folder made by hjepa train" }],
    flags: {},
    examples: ["hjepa inspect runs/2026-12-01-two-rooms-1a2b3c4"],
  },
  async run({ positionals }) {
    const run = RunFolder.open(userPath(positionals[0] as string));
    const m = run.manifest;
    console.log(`run ${run.dir}`);
    console.log(
      `status ${m.status}; backend ${m.backend}; started ${m.startedAt}; ended ${m.endedAt ?? "-"}; commit ${m.git.commit?.slice(0, 10) ?? "-"}${m.git.dirty ? " (dirty)" : ""}`,
    );
    for (const note of m.notes) console.log(`note: ${note}`);
    const { checkRunFiles } = await import("../runCheck.ts");
    console.log(`files: ${await checkRunFiles(run)}`);
    printDiagnostics(run);
    await printLevels(run);
    await printCritic(run);
  },
});

/**
 * The critic's diagnostic (rank correlations with the oracle's geodesic and detour on held-out pairs), when the
 * run's agent has a critic; a run whose critic is not prepared says what to run.
 */
async function printCritic(run: RunFolder): Promise<void> {
  const agent = run.config<{ agent?: { critic?: unknown } }>().agent;
  if (agent?.critic === undefined || agent.critic === null) return;
  const { criticDiagnostic, formatCriticDiagnostic } = await import("../criticDiagnostic.ts");
  let r: Awaited<ReturnType<typeof criticDiagnostic>>;
  try {
    r = await criticDiagnostic(run.dir);
  } catch (e) {
    // A critic that is missing or stale is part of the run's status, not a failure of inspect.
    if (!isHjepaError(e)) throw e;
    r = { skipped: oneLine(e.message) };
  }
  if ("skipped" in r) console.log(`critic diagnostic: ${r.skipped}`);
  else for (const line of formatCriticDiagnostic(r.diagnostic)) console.log(line);
}

/** Each upper level's held-out diagnostics while it trained, and the per-level report written at the end. */
export async function printLevels(run: RunFolder): Promise<void> {
  const records = run.metrics();
  const during = records.filter(
    (r) => r.kind === "diagnostics" && typeof r.level === "number" && r.level > 1,
  );
  for (const r of during) {
    const prediction = (r.prediction as { horizon: number; ratio: number }[]) ?? [];
    console.log(
      `level ${r.level} @${r.step}: ${prediction.map((p) => `err@${p.horizon}/base ${p.ratio.toFixed(3)}`).join("  ")}`,
    );
  }
  const report = records.filter((r) => r.kind === "levels").at(-1);
  if (report === undefined) return;
  const { formatLevelReport, formatWallCrossing } = await import("@hjepa/world-model");
  console.log(formatLevelReport(report as never));
  for (const w of records.filter((r) => r.kind === "wallCrossing"))
    console.log(`walls, level ${w.level}: ${formatWallCrossing(w as never)}`);
}

interface DiagRecord {
  step: number;
  prediction: { horizon: number; error: number; baseline: number; ratio: number }[];
  probeR2: number;
  stdMin: number;
  stdMedian: number;
  effectiveRank: number;
  dim: number;
  collapsed: number[];
}

/** The diagnostics table: prediction error / no-motion baseline per horizon, probe R^2, spread, collapse. */
export function printDiagnostics(run: RunFolder): void {
  // Level 1's records (levels above tag theirs with `level`; printLevels shows them).
  const rows = run
    .metrics()
    .filter((r) => r.kind === "diagnostics" && (r.level ?? 1) === 1) as unknown as DiagRecord[];
  if (rows.length === 0) {
    console.log("no diagnostics recorded yet");
    return;
  }
  const horizons = rows[0]?.prediction.map((p) => p.horizon) ?? [];
  const header = [
    "step",
    ...horizons.map((h) => `err@${h}/base`),
    "probe R2",
    "std min",
    "std med",
    "eff rank",
    "collapsed",
  ];
  const table = rows.map((r) => [
    String(r.step),
    ...r.prediction.map((p) => p.ratio.toFixed(3)),
    r.probeR2.toFixed(4),
    r.stdMin.toFixed(3),
    r.stdMedian.toFixed(3),
    `${r.effectiveRank.toFixed(2)}/${r.dim}`,
    String(r.collapsed.length),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] as number)).join("  ");
  console.log(line(header));
  for (const row of table) console.log(line(row));
}
