import { RunFolder } from "@hjepa/experiment";
import { parseFlags, userPath } from "../args.ts";
import { InputError } from "../errors.ts";

const USAGE = "hjepa inspect RUN_DIR";

/** Prints a run's status and its diagnostics table (one row per diagnostics record in metrics.jsonl). */
export function inspectCommand(argv: string[]): void {
  const { positionals } = parseFlags("inspect", argv, {}, USAGE);
  if (positionals.length !== 1)
    throw new InputError(`hjepa inspect: expected one run folder (usage: ${USAGE})`);
  let run: RunFolder;
  try {
    run = RunFolder.open(userPath(positionals[0] as string));
  } catch (e) {
    throw new InputError(`hjepa inspect: ${(e as Error).message}`);
  }
  const m = run.manifest;
  console.log(`run ${run.dir}`);
  console.log(
    `status ${m.status}; backend ${m.backend}; started ${m.startedAt}; ended ${m.endedAt ?? "-"}; commit ${m.git.commit?.slice(0, 10) ?? "-"}${m.git.dirty ? " (dirty)" : ""}`,
  );
  for (const note of m.notes) console.log(`note: ${note}`);
  printDiagnostics(run);
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
  const rows = run.metrics().filter((r) => r.kind === "diagnostics") as unknown as DiagRecord[];
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
