/**
 * Wasm `BatchMatMul` that stays on XNNPACK's fast path.
 *
 * The stock wasm kernel is fast (XNNPACK fully-connected) only for a single, non-transposed product. With
 * `transposeA`/`transposeB` (every matmul gradient) or a batch dimension it falls back to a naive loop that is
 * 10-35x slower. This replacement transposes operands with the wasm Transpose kernel (memory-bound, cheap) and
 * folds batch dimensions into rows, so that the work reaches the stock kernel as one plain product:
 * - b has batch 1: a's batches become rows, [batchA * m, k] x [k, n];
 * - a has batch 1: b's batches become columns, [m, k] x [k, batchB * n], then one transpose of the output;
 * - equal batches: one plain product per batch when each is large enough to pay for the calls.
 * Anything else (non-float32, empty tensors, general broadcasting) goes to the stock kernel unchanged.
 * Every fast-path call also goes through `safeRightOperand` (see xnnWeightsGuard.ts).
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  BatchMatMul,
  type BatchMatMulAttrs,
  broadcast_util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import { disposeAll, heapF32, swapLastTwo, transposeWasm, viewAs } from "./wasmTensors.ts";
import { safeRightOperand } from "./xnnWeightsGuard.ts";

/** Below this many multiply-adds per batch, per-batch calls cost more than the stock loop. */
const PER_BATCH_MIN_MACS = 32 * 32 * 32;

/** The patched kernel config; `stock` is the kernel registered by `@tensorflow/tfjs-backend-wasm`. */
export function patchedBatchMatMul(stock: KernelConfig): KernelConfig {
  // One plain [1, m, k] x [1, k, n] product on XNNPACK's fast path.
  const plain = (backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo => {
    const safeB = safeRightOperand(backend, b);
    const attrs = { transposeA: false, transposeB: false };
    const out = stock.kernelFunc({ inputs: { a, b: safeB }, backend, attrs }) as TensorInfo;
    if (safeB !== b) disposeAll(backend, safeB);
    return out;
  };

  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (k !== kb) {
      throw new Error(
        `BatchMatMul (wasm): inner dimensions differ: a [${a.shape}] (transposeA=${transposeA}) has ${k}, ` +
          `b [${b.shape}] (transposeB=${transposeB}) has ${kb}; expected equal`,
      );
    }
    const batchA = util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b.shape.slice(0, -2));
    const outShape = [
      ...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)),
      m,
      n,
    ];
    if (a.dtype !== "float32" || b.dtype !== "float32" || m * n * k === 0) return stock.kernelFunc(args);
    if (!transposeA && !transposeB && batchA === 1 && batchB === 1) {
      const out = plain(backend, viewAs(a, [1, m, k]), viewAs(b, [1, k, n]));
      out.shape = outShape;
      return out;
    }

    if (batchB === 1) {
      // [batchA, m, k] x [k, n]: a's batches are just more rows.
      const a2 = transposeA ? transposeWasm(backend, a, swapLastTwo(ra)) : a;
      const b2 = transposeB ? transposeWasm(backend, b, swapLastTwo(rb)) : b;
      const out = plain(backend, viewAs(a2, [1, batchA * m, k]), viewAs(b2, [1, k, n]));
      if (a2 !== a) disposeAll(backend, a2);
      if (b2 !== b) disposeAll(backend, b2);
      out.shape = outShape;
      return out;
    }

    if (batchA === 1) {
      // [m, k] x [batchB, k, n]: lay b out as [k, batchB * n], multiply once, then move batches to the front.
      const a2 = transposeA ? transposeWasm(backend, a, swapLastTwo(ra)) : a;
      const b3 = viewAs(b, [batchB, b.shape[rb - 2], b.shape[rb - 1]]);
      const bT = transposeWasm(backend, b3, transposeB ? [2, 0, 1] : [1, 0, 2]);
      const wide = plain(backend, viewAs(a2, [1, m, k]), viewAs(bT, [1, k, batchB * n]));
      const out = transposeWasm(backend, viewAs(wide, [m, batchB, n]), [1, 0, 2]);
      disposeAll(backend, bT, wide);
      if (a2 !== a) disposeAll(backend, a2);
      out.shape = outShape;
      return out;
    }

    if (batchA === batchB && m * n * k >= PER_BATCH_MIN_MACS) {
      const a2 = transposeA ? transposeWasm(backend, a, swapLastTwo(ra)) : a;
      const b2 = transposeB ? transposeWasm(backend, b, swapLastTwo(rb)) : b;
      const out = backend.makeOutput([batchA, m, n], "float32");
      for (let i = 0; i < batchA; i++) {
        const ai = backend.makeOutput([1, m, k], "float32");
        const bi = backend.makeOutput([1, k, n], "float32");
        heapF32(backend, ai).set(heapF32(backend, a2).subarray(i * m * k, (i + 1) * m * k));
        heapF32(backend, bi).set(heapF32(backend, b2).subarray(i * k * n, (i + 1) * k * n));
        const oi = plain(backend, ai, bi);
        heapF32(backend, out).set(heapF32(backend, oi).subarray(0, m * n), i * m * n);
        disposeAll(backend, ai, bi, oi);
      }
      if (a2 !== a) disposeAll(backend, a2);
      if (b2 !== b) disposeAll(backend, b2);
      out.shape = outShape;
      return out;
    }

    return stock.kernelFunc(args);
  };

  return { kernelName: BatchMatMul, backendName: "wasm", setupFunc: stock.setupFunc, kernelFunc };
}
