/**
 * Speed measurements for `pnpm bench`: matmul throughput (plain and transposed, the shapes of gradients) and
 * training-step time of a small MLP and a small CNN, per backend, with or without the wasm kernel patches.
 * Benchmarks measure; tests assert behaviour.
 */
import { Rng } from "gymnasium-js";
import { initTensors } from "./backend.ts";
import { heNormal, zeros } from "./init.ts";
import { installWasmPatches, uninstallWasmPatches, wasmPatchesInstalled } from "./kernels/wasmPatches.ts";
import { tf } from "./tf.ts";
import { createToyMlp, toyBatch, toyLoss } from "./toyMlp.ts";

export interface BenchOptions {
  /** With the wasm kernel patches (default true); false measures stock tfjs-backend-wasm. */
  wasmPatches?: boolean;
  /** Minimum measured time per case, in ms (default 300). */
  minMs?: number;
}

export interface MatmulBench {
  backend: string;
  wasmPatches: boolean;
  /** [m, k, n]: an [m, k] x [k, n] product (operands stored transposed when the flags say so). */
  size: [number, number, number];
  transposeA: boolean;
  transposeB: boolean;
  msPerOp: number;
  gflops: number;
}

export interface TrainStepBench {
  backend: string;
  wasmPatches: boolean;
  model: string;
  batch: number;
  msPerStep: number;
  /** Set when the step cannot run on this backend (for example a kernel is missing). */
  error?: string;
}

/** Switches to `backend` (patches as asked) for `fn`, then restores the previous backend and patches. */
async function onBackend<T>(backend: string, opts: BenchOptions, fn: () => Promise<T> | T): Promise<T> {
  await initTensors();
  const previous = tf.getBackend();
  const hadPatches = wasmPatchesInstalled();
  if (!(await tf.setBackend(backend))) throw new Error(`bench: backend '${backend}' is not available`);
  if (opts.wasmPatches === false) uninstallWasmPatches();
  else installWasmPatches();
  try {
    return await fn();
  } finally {
    if (hadPatches) installWasmPatches();
    else uninstallWasmPatches();
    await tf.setBackend(previous);
  }
}

/** Runs `op` (which must dispose what it makes) repeatedly for at least `minMs`; returns ms per call. */
function timeIt(op: () => void, minMs: number): number {
  op();
  let calls = 0;
  const t0 = performance.now();
  let now = t0;
  while (now - t0 < minMs || calls < 3) {
    op();
    calls++;
    now = performance.now();
  }
  return (now - t0) / calls;
}

/**
 * GFLOP/s of `tf.matMul` for each size (a number s means [s, s, s]) and each transpose combination
 * (default: plain, A^T, B^T).
 */
export async function benchMatmul(
  backend: string,
  sizes: Array<number | [number, number, number]>,
  opts: BenchOptions & { transposes?: Array<[boolean, boolean]> } = {},
): Promise<MatmulBench[]> {
  const transposes = opts.transposes ?? [
    [false, false],
    [true, false],
    [false, true],
  ];
  return onBackend(backend, opts, () => {
    const rows: MatmulBench[] = [];
    const rng = new Rng(0);
    for (const s of sizes) {
      const [m, k, n] = typeof s === "number" ? [s, s, s] : s;
      for (const [ta, tb] of transposes) {
        const a = heNormal(ta ? [k, m] : [m, k], rng);
        const b = heNormal(tb ? [n, k] : [k, n], rng);
        const ms = timeIt(() => {
          const c = tf.matMul(a, b, ta, tb);
          c.dataSync();
          c.dispose();
        }, opts.minMs ?? 300);
        tf.dispose([a, b]);
        rows.push({
          backend,
          wasmPatches: opts.wasmPatches !== false,
          size: [m, k, n],
          transposeA: ta,
          transposeB: tb,
          msPerOp: ms,
          gflops: (2 * m * k * n) / (ms * 1e6),
        });
      }
    }
    return rows;
  });
}

function trainStepTime(loss: () => tf.Scalar, params: tf.Variable[], minMs: number): number {
  const optimizer = tf.train.adam(1e-3);
  const ms = timeIt(() => {
    const cost = optimizer.minimize(loss, true, params);
    cost?.dataSync();
    cost?.dispose();
  }, minMs);
  optimizer.dispose();
  return ms;
}

/** ms per Adam step of an MLP (default 2 -> 256 -> 256 -> 64, batch 256) on MSE to random targets. */
export async function benchTrainStep(
  backend: string,
  opts: BenchOptions & { sizes?: number[]; batch?: number } = {},
): Promise<TrainStepBench> {
  const sizes = opts.sizes ?? [2, 256, 256, 64];
  const batch = opts.batch ?? 256;
  return onBackend(backend, opts, () => {
    const rng = new Rng(0);
    const mlp = createToyMlp(sizes, rng);
    const [x, y] = toyBatch(rng, batch, sizes[0], sizes[sizes.length - 1]);
    const base = { backend, wasmPatches: opts.wasmPatches !== false, model: `mlp ${sizes.join("-")}`, batch };
    try {
      return { ...base, msPerStep: trainStepTime(() => toyLoss(mlp, x, y), mlp.params, opts.minMs ?? 300) };
    } catch (e) {
      return { ...base, msPerStep: Number.NaN, error: e instanceof Error ? e.message : String(e) };
    } finally {
      mlp.dispose();
      tf.dispose([x, y]);
    }
  });
}

/**
 * ms per Adam step of a small CNN on [batch, 32, 32, 3] images: conv 3x3x16 stride 2, conv 3x3x32 stride 2
 * (both 'same', ReLU), global average pool, dense to 8; MSE to random targets.
 */
export async function benchConvTrainStep(
  backend: string,
  opts: BenchOptions & { batch?: number } = {},
): Promise<TrainStepBench> {
  const batch = opts.batch ?? 32;
  return onBackend(backend, opts, () => {
    const rng = new Rng(0);
    const init = [
      heNormal([3, 3, 3, 16], rng),
      heNormal([3, 3, 16, 32], rng),
      heNormal([32, 8], rng),
      zeros([8]),
    ];
    const params = init.map((t, i) => tf.variable(t, true, `cnn/p${i}`));
    tf.dispose(init);
    const x = heNormal([batch, 32, 32, 3], rng);
    const y = heNormal([batch, 8], rng);
    const loss = (): tf.Scalar => {
      const h1 = tf.relu(tf.conv2d(x as tf.Tensor4D, params[0] as tf.Tensor4D, 2, "same"));
      const h2 = tf.relu(tf.conv2d(h1, params[1] as tf.Tensor4D, 2, "same"));
      const pooled = tf.mean(h2, [1, 2]) as tf.Tensor2D;
      const out = tf.add(tf.matMul(pooled, params[2] as tf.Tensor2D), params[3]);
      return tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
    };
    const base = { backend, wasmPatches: opts.wasmPatches !== false, model: "cnn 32x32x3 c16 c32 d8", batch };
    // A kernel missing mid-backprop leaves the tape's saved tensors alive, so check before running.
    const missing = ["Conv2DBackpropFilter", "Conv2DBackpropInput"].filter((k) => !tf.getKernel(k, backend));
    if (missing.length > 0) {
      tf.dispose([...params, x, y]);
      return {
        ...base,
        msPerStep: Number.NaN,
        error: `kernels not registered for '${backend}': ${missing.join(", ")}`,
      };
    }
    try {
      return { ...base, msPerStep: trainStepTime(loss, params, opts.minMs ?? 300) };
    } catch (e) {
      return {
        ...base,
        msPerStep: Number.NaN,
        error: e instanceof Error ? e.message.split("\n")[0] : String(e),
      };
    } finally {
      tf.dispose([...params, x, y]);
    }
  });
}
