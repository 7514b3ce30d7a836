import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "../../..");
export const hjepaBin = join(repoRoot, "apps/lab/bin/hjepa.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `hjepa` binary as a user would, in `cwd` (which is also INIT_CWD, so relative paths resolve there),
 * on the wasm backend; `nodeFlags` go before the binary (e.g. `--import` a module). Killed after `timeoutMs`.
 */
export function runHjepa(
  args: string[],
  { cwd, nodeFlags = [], timeoutMs = 120_000 }: { cwd: string; nodeFlags?: string[]; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...nodeFlags, hjepaBin, ...args], {
      cwd,
      env: { ...process.env, INIT_CWD: cwd, HJEPA_BACKEND: "wasm" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}
