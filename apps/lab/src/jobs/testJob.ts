/**
 * A job kind for the runner's tests (local.test.ts), never registered by the command line: it appends its pid
 * to `spec.log` when it starts (so a test can count runs and kill the worker), writes a file into its folder,
 * waits `spec.ms`, then returns `value * 2` or throws when `spec.fail` is set.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "@hjepa/errors";
import type { JobContext } from "./job.ts";

export interface TestJobSpec {
  value: number;
  log: string;
  ms?: number;
  fail?: boolean;
}

export async function run(spec: TestJobSpec, ctx: JobContext): Promise<{ doubled: number }> {
  appendFileSync(spec.log, `${process.pid} ${spec.value}\n`);
  writeFileSync(join(ctx.dir, "partial.txt"), "written before the wait");
  ctx.progress(0, 1);
  await new Promise((done) => setTimeout(done, spec.ms ?? 0));
  if (spec.fail) throw new InputError(`value ${spec.value} was asked to fail`);
  ctx.progress(1, 1);
  return { doubled: spec.value * 2 };
}
