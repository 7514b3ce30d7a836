/**
 * The sweep target of the sweep's tests: one toy job (toyJob.ts, registered as the "eval" kind by the test's
 * runner and workers) per cell, whose result is the cell's metrics. A stand-in for experiment.ts that runs in
 * a second, so that tests exercise the runners, resumption and aggregation at full scale.
 */
import { resolve } from "node:path";
import { type Job, jobId } from "../jobs/job.ts";
import type { GridAxis } from "./grid.ts";
import { expandGrid } from "./grid.ts";
import type { SweepPlan } from "./runSweep.ts";
import type { ToyJobSpec } from "./toyJob.ts";

/** The kinds a runner or `hjepa worker` (HJEPA_TEST_JOB_KINDS) needs for the toy target. */
export const TOY_KINDS = { eval: resolve(import.meta.dirname, "toyJob.ts") };

export function toySweep(opts: { grid: GridAxis[]; seeds: number[]; log: string; ms: number }): SweepPlan {
  const settings = expandGrid(opts.grid);
  return {
    name: "toy",
    grid: opts.grid,
    settings,
    seeds: opts.seeds,
    target: {
      source: { target: "toy jobs (tests)" },
      metrics: [
        { name: "score", label: "score", unit: "points" },
        { name: "loss", label: "loss", unit: "toy units" },
      ],
      planned: { jobs: settings.length * opts.seeds.length, work: settings.length * opts.seeds.length },
      methods: ["score: the sum of the setting's values plus seeded noise (a toy)"],
      async cell(setting, seed, ctx) {
        const id = jobId("eval", { toy: setting.values, seed });
        const job: Job<ToyJobSpec> = {
          kind: "eval",
          id,
          spec: { id, values: setting.values, seed, log: opts.log, ms: opts.ms },
          title: `toy ${setting.label} seed ${seed}`,
        };
        ctx.weigh(job, 1);
        return ctx.runner.submit<Record<string, number>>(job);
      },
    },
  };
}
