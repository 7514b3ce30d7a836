/**
 * Time to train a whole hierarchical world model: `hjepa train` of a multi-level config (by default
 * nine-rooms-levels, 3 levels) into a temp folder, spawned as a user runs it, with the time each level took
 * from the run's metrics. The dataset is collected first (or reused from the cache) and timed apart, so the
 * number is the training itself. The target: all three levels in at most 6 minutes on 2 cores.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Row } from "./commands/bench.ts";
import { hjepaLauncher } from "./startupBench.ts";

export const LEVELS_TARGET_S = 360;

export function benchLevels(root: string, { quick }: { quick: boolean }): Row[] {
  const config = join(root, "configs/experiments/nine-rooms-levels.json");
  const launcher = hjepaLauncher(root);
  const dir = mkdtempSync(join(tmpdir(), "hjepa-bench-levels-"));
  // --quick trains every level for a tenth of its steps (a smoke run of the same path).
  const sets = quick
    ? ["0", "1", "2"].flatMap((k) => ["--set", `world.levels[${k}].train.steps=${k === "0" ? 300 : 200}`])
    : [];
  try {
    const t0 = performance.now();
    const r = spawnSync(
      launcher.command,
      [...launcher.args, "train", "--config", config, "--out", join(dir, "run"), ...sets],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, INIT_CWD: root },
      },
    );
    const totalS = (performance.now() - t0) / 1000;
    if (r.status !== 0) {
      const why = (r.stderr ?? "").trim().split("\n")[0] ?? "";
      return [
        {
          what: "train nine-rooms-levels (3 levels)",
          value: `failed (exit ${r.status}: ${why})`,
          target: "",
        },
      ];
    }
    const metrics = readFileSync(join(dir, "run", "metrics.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as { kind?: string; level?: number; elapsed?: number });
    const perLevel = [1, 2, 3].map((k) =>
      Math.max(
        0,
        ...metrics.filter((m) => m.kind === "train" && (m.level ?? 1) === k).map((m) => m.elapsed ?? 0),
      ),
    );
    const training = perLevel.reduce((a, b) => a + b, 0);
    return [
      {
        what: `train nine-rooms-levels${quick ? " (--quick: 300/200/200 steps)" : ""}: levels 1 / 2 / 3`,
        value: perLevel.map((s) => `${s.toFixed(0)} s`).join(" / "),
        target: "",
      },
      {
        what: "train nine-rooms-levels: all levels (training; whole command incl. data)",
        value: `${training.toFixed(0)} s (${totalS.toFixed(0)} s)`,
        target: quick ? "" : `<= ${LEVELS_TARGET_S} s`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
