/**
 * Backend choice: `initTensors` picks and starts a TensorFlow.js backend once per process.
 *
 * auto: native TensorFlow (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`) when one loads and works,
 * else wasm (XNNPACK, with the kernel patches in ./kernels), else the pure-JS cpu backend. The environment
 * variable HJEPA_BACKEND overrides the requested backend, so a run can be moved to another backend without
 * touching code or configs.
 */
import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { InputError } from "@hjepa/errors";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { installWasmPatches, WASM_PATCHED_KERNELS } from "./kernels/wasmPatches.ts";
import { tf } from "./tf.ts";
import { registerTfjsSideEffects } from "./tfjsSideEffects.ts";

export type BackendChoice = "auto" | "wasm" | "cpu" | "tensorflow";
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "wasm", "cpu", "tensorflow"];

export interface InitTensorsOptions {
  /** Which backend to use (default "auto"); HJEPA_BACKEND, when set, wins over this. */
  backend?: BackendChoice;
  /**
   * Threads for native TensorFlow (sets TF_NUM_INTRAOP_THREADS unless already set) and for threaded wasm.
   * Node has no threaded wasm build, so there wasm always runs on one thread.
   */
  threads?: number;
}

export interface InitTensorsResult {
  /** The backend now active: "tensorflow", "wasm" or "cpu" (what `tf.getBackend()` returns). */
  backend: string;
  /** Why: what was requested (and by whom), what was tried and why it failed, what runs now. */
  reason: string;
  /** One short line for a command's output, e.g. "backend wasm (tfjs-node-gpu not built: see README)". */
  summary: string;
}

/** The native packages `auto` and `tensorflow` try, in order; both register the backend "tensorflow". */
export const NATIVE_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

const require = createRequire(import.meta.url);

let queue: Promise<unknown> = Promise.resolve();
let current: { key: string; result: InitTensorsResult } | null = null;
/** Native packages that failed to load, with the reason (an import is not retried). */
const nativeFailures = new Map<string, string>();
let wasmPathsSet = false;

function parseChoice(value: string, where: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new InputError(`${where}: unknown backend '${value}'; expected one of ${BACKEND_CHOICES.join(", ")}`);
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split("\n").find((l) => l.trim() !== "") ?? text;
  return line.length > 240 ? `${line.slice(0, 240)}...` : line;
}

/** A tiny computation through the active backend; null when it gives the right numbers. */
function smokeTest(): string | null {
  try {
    const [sum, prod] = tf.tidy(() => {
      const a = tf.tensor2d([1, 2], [1, 2]);
      const b = tf.tensor2d([3, 4], [2, 1]);
      return [tf.add(a, tf.tensor2d([3, 4], [1, 2])).dataSync(), tf.matMul(a, b).dataSync()];
    });
    if (sum[0] === 4 && sum[1] === 6 && prod[0] === 11) return null;
    return `smoke test gave [${sum}] and [${prod}], expected [4,6] and [11]`;
  } catch (e) {
    return `smoke test threw: ${firstLine(e)}`;
  }
}

/** The cpu backend greets Node users on first use with advice to install tfjs-node; we say it in `reason`. */
function quietCpuBackend(): void {
  const cpu = tf.findBackend("cpu") as unknown as { firstUse?: boolean } | null;
  if (cpu !== null && typeof cpu === "object" && "firstUse" in cpu) cpu.firstUse = false;
}

/** Throws if a backend package would load its own copy of tfjs-core (its kernels would miss our engine). */
export function assertSingleTfjsCore(): void {
  const ours = realpathSync(require.resolve("@tensorflow/tfjs-core"));
  for (const pkg of ["@tensorflow/tfjs-backend-cpu", "@tensorflow/tfjs-backend-wasm"]) {
    const theirs = realpathSync(createRequire(require.resolve(pkg)).resolve("@tensorflow/tfjs-core"));
    if (theirs !== ours) {
      throw new Error(
        `@hjepa/tensor: ${pkg} loads @tensorflow/tfjs-core from ${theirs}, but @hjepa/tensor uses ${ours}; ` +
          "expected one copy (run `pnpm install` so both resolve to the same tfjs-core 4.22.0)",
      );
    }
  }
}

/** Points the wasm backend at the .wasm binaries inside its own package (needed when bundled). */
function ensureWasmPaths(): void {
  if (wasmPathsSet || tf.engine().registry.wasm !== undefined) return;
  wasmPathsSet = true;
  const dist = dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
  setWasmPaths(`${dist}/`);
}

/**
 * Why `pkg` cannot load without trying (importing a native package whose binding was never built still costs
 * seconds: it pulls in all of @tensorflow/tfjs first); null when an import is worth trying.
 */
function nativeSkipReason(pkg: string): string | null {
  let dir: string;
  try {
    dir = dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return "not installed";
  }
  // node-pre-gyp puts the binding under lib/napi-v<N>/ (package.json "binary.module_path").
  if (!existsSync(join(dir, "lib"))) {
    return `installed at ${dir}, but its native binding was never built (no lib/ folder: its install script did not run)`;
  }
  return null;
}

async function tryNative(pkg: string, threads: number | undefined): Promise<string | null> {
  const known = nativeFailures.get(pkg);
  if (known !== undefined) return known;
  const fail = (why: string): string => {
    nativeFailures.set(pkg, why);
    return why;
  };
  const skip = nativeSkipReason(pkg);
  if (skip !== null) return fail(skip);
  if (threads !== undefined && process.env.TF_NUM_INTRAOP_THREADS === undefined) {
    process.env.TF_NUM_INTRAOP_THREADS = String(threads);
  }
  try {
    // A variable specifier: the package is optional and may not be installed (or built) at all.
    await import(/* @vite-ignore */ pkg);
  } catch (e) {
    return fail(firstLine(e));
  }
  if (tf.findBackendFactory("tensorflow") == null) {
    return fail(
      "loaded, but no 'tensorflow' backend appeared in this tfjs-core (a second copy of tfjs-core?)",
    );
  }
  if (!(await tf.setBackend("tensorflow"))) return fail("tf.setBackend('tensorflow') returned false");
  const smoke = smokeTest();
  return smoke === null ? null : fail(smoke);
}

/**
 * The emscripten wasm module adds process handlers that rethrow every uncaught error, which makes Node print
 * a line of minified wasm glue instead of the error's own source; drop the handlers it added.
 */
async function withoutNewProcessHandlers<T>(fn: () => Promise<T>): Promise<T> {
  const exceptions = process.listeners("uncaughtException");
  const rejections = process.listeners("unhandledRejection");
  try {
    return await fn();
  } finally {
    for (const l of process.listeners("uncaughtException")) {
      if (!exceptions.includes(l)) process.removeListener("uncaughtException", l);
    }
    for (const l of process.listeners("unhandledRejection")) {
      if (!rejections.includes(l)) process.removeListener("unhandledRejection", l);
    }
  }
}

async function tryWasm(threads: number | undefined): Promise<string | null> {
  try {
    ensureWasmPaths();
    if (threads !== undefined && tf.engine().registry.wasm === undefined) setThreadsCount(threads);
    const ok = await withoutNewProcessHandlers(() => tf.setBackend("wasm"));
    if (!ok) return "tf.setBackend('wasm') returned false (see the warning above)";
  } catch (e) {
    return firstLine(e);
  }
  return smokeTest();
}

async function tryCpu(): Promise<string | null> {
  if (!(await tf.setBackend("cpu"))) return "tf.setBackend('cpu') returned false";
  quietCpuBackend();
  return smokeTest();
}

async function describeWasm(): Promise<string> {
  const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) ? "SIMD" : "no SIMD";
  const n = getThreadsCount();
  return `wasm (${simd}, ${n} thread${n === 1 ? "" : "s"}; patched kernels: ${WASM_PATCHED_KERNELS.join(", ")})`;
}

async function start(
  requested: BackendChoice,
  threads: number | undefined,
  by: string,
): Promise<InitTensorsResult> {
  const failures: string[] = [];
  const explicit = requested !== "auto";
  if (requested === "auto" || requested === "tensorflow") {
    for (const pkg of NATIVE_PACKAGES) {
      const why = await tryNative(pkg, threads);
      if (why === null) {
        return {
          backend: "tensorflow",
          reason: `${by}: using native TensorFlow via ${pkg}`,
          summary: `backend tensorflow (${pkg})`,
        };
      }
      failures.push(`${pkg} unavailable (${why})`);
    }
    if (explicit) {
      // The user asked for a backend this machine cannot run: they fix it by building it or choosing another.
      throw new InputError(
        `initTensors: backend 'tensorflow' (${by}) needs ${NATIVE_PACKAGES.join(" or ")}, and neither works: ` +
          `${failures.join("; ")}. Install and build one (see packages/tensor/README.md, "GPU users") or use ` +
          "'auto', 'wasm' or 'cpu'",
      );
    }
  }
  const tried = failures.length > 0 ? `${failures.join("; ")}; ` : "";
  if (requested === "auto" || requested === "wasm") {
    const why = await tryWasm(threads);
    if (why === null) {
      return {
        backend: "wasm",
        reason: `${by}: ${tried}using ${await describeWasm()}`,
        summary: `backend wasm${failures.length > 0 ? " (native TensorFlow not built: see README, Tensors and GPUs)" : ""}`,
      };
    }
    if (explicit) throw new Error(`initTensors: backend 'wasm' (${by}) failed to start: ${why}`);
    failures.push(`wasm unavailable (${why})`);
  }
  const why = await tryCpu();
  if (why !== null) throw new Error(`initTensors: backend 'cpu' (${by}) failed to start: ${why}`);
  const triedAll = failures.length > 0 ? `${failures.join("; ")}; ` : "";
  return {
    backend: "cpu",
    reason: `${by}: ${triedAll}using cpu (pure JavaScript, slowest)`,
    summary: `backend cpu (pure JavaScript, slowest${failures.length > 0 ? "; faster backends unavailable: --verbose" : ""})`,
  };
}

/**
 * Starts TensorFlow.js on the requested backend (HJEPA_BACKEND wins) and returns which backend runs and why.
 * Idempotent: a repeated call with the same request returns the same result without restarting anything;
 * calls are serialised. Installs the wasm kernel patches and registers gradients and chained tensor methods, once; call it
 * before any `tf.grad` or optimizer step. Throws when an explicitly requested backend
 * ("wasm", "cpu", "tensorflow") cannot start; "auto" always ends on some backend.
 */
export function initTensors(options: InitTensorsOptions = {}): Promise<InitTensorsResult> {
  const run = queue.then(async () => {
    const fromEnv = process.env.HJEPA_BACKEND?.trim();
    const requested = fromEnv
      ? parseChoice(fromEnv, "HJEPA_BACKEND environment variable")
      : parseChoice(options.backend ?? "auto", "initTensors({ backend })");
    const { threads } = options;
    if (threads !== undefined && !(Number.isSafeInteger(threads) && threads > 0)) {
      throw new InputError(`initTensors({ threads }): threads must be a positive integer (got ${threads})`);
    }
    const key = `${requested}|${threads ?? ""}`;
    if (current !== null && current.key === key && tf.getBackend() === current.result.backend) {
      return current.result;
    }
    assertSingleTfjsCore();
    installWasmPatches();
    await registerTfjsSideEffects();
    const by = fromEnv
      ? `HJEPA_BACKEND=${fromEnv}${options.backend ? ` (overrides '${options.backend}')` : ""}`
      : `requested '${requested}'`;
    const result = await start(requested, threads, by);
    quietCpuBackend();
    current = { key, result };
    return result;
  });
  queue = run.catch(() => undefined);
  return run;
}
