/**
 * A job kind for the sweep's tests (sweep.test.ts, queue.test.ts), never registered by the command line: a
 * stand-in for a training whose numbers depend only on its setting and seed. It appends "pid ppid id" to
 * `spec.log` when it starts (so a test can count runs and kill the worker that runs it), writes a file into its
 * folder, waits `spec.ms`, and returns a score and a loss drawn from an Rng seeded by the seed.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "gymnasium-js";
import type { JobContext } from "../jobs/job.ts";

export interface ToyJobSpec {
  id: string;
  /** The setting's values (numbers: their sum moves the score). */
  values: Record<string, unknown>;
  seed: number;
  log: string;
  ms: number;
}

export async function run(spec: ToyJobSpec, ctx: JobContext): Promise<{ score: number; loss: number }> {
  appendFileSync(spec.log, `${process.pid} ${process.ppid} ${spec.id}\n`);
  writeFileSync(join(ctx.dir, "partial.txt"), "written before the wait");
  ctx.progress(0, 2);
  await new Promise((done) => setTimeout(done, spec.ms / 2));
  ctx.progress(1, 2);
  await new Promise((done) => setTimeout(done, spec.ms / 2));
  const rng = new Rng(spec.seed).derive("toy");
  const sum = Object.values(spec.values).reduce<number>((a, v) => a + (typeof v === "number" ? v : 0), 0);
  return { score: sum + rng.normal(0, 0.1), loss: 1 / (1 + sum) + rng.uniform(0, 0.01) };
}
