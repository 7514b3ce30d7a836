/**
 * Wasm `_FusedMatMul` (matmul + bias + activation, `tf.fused.matMul`) kept on XNNPACK's fast path.
 *
 * Like the stock BatchMatMul, the stock fused kernel is fast only for one non-transposed product, and its slow
 * loop (transposes, batches) adds the bias at the wrong positions. Here transposed operands are transposed
 * first, a's batches are folded into rows when b has batch 1, and b's batches run one fused product each.
 * PReLU weights, general batch broadcasting and non-float32 go to the stock kernel unchanged.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  _FusedMatMul,
  type _FusedMatMulAttrs,
  broadcast_util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import { chunkRows, disposeAll, heapF32, swapLastTwo, transposeWasm, viewAs } from "./wasmTensors.ts";
import { safeRightOperand } from "./xnnWeightsGuard.ts";

export function patchedFusedMatMul(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined> & {
      a: TensorInfo;
      b: TensorInfo;
    };
    const attrs = args.attrs as unknown as _FusedMatMulAttrs;
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = attrs.transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = attrs.transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const n = attrs.transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const batchA = util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b.shape.slice(0, -2));
    const unsupported =
      preluActivationWeights != null || a.dtype !== "float32" || b.dtype !== "float32" || m * n * k === 0;
    const broadcastable = batchB === 1 || batchA === 1 || batchA === batchB;
    if (unsupported || !broadcastable) return stock.kernelFunc(args);
    const outShape = [
      ...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)),
      m,
      n,
    ];
    const fused = (ai: TensorInfo, bi: TensorInfo): TensorInfo => {
      const safeB = safeRightOperand(backend, bi);
      const inputs: Record<string, TensorInfo> = { a: ai, b: safeB };
      if (bias != null) inputs.bias = bias;
      const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
      const out = stock.kernelFunc({ inputs, backend, attrs: plainAttrs }) as TensorInfo;
      if (safeB.dataId !== bi.dataId) disposeAll(backend, safeB);
      return out;
    };
    const a2 = attrs.transposeA ? transposeWasm(backend, a, swapLastTwo(ra)) : a;
    const b2 = attrs.transposeB ? transposeWasm(backend, b, swapLastTwo(rb)) : b;
    let out: TensorInfo;
    if (batchB === 1) {
      out = fused(viewAs(a2, [1, batchA * m, k]), viewAs(b2, [1, k, n]));
    } else {
      // One fused product per batch: the stock kernel's batched loop adds the bias at wrong positions.
      out = backend.makeOutput([batchB, m, n], "float32");
      for (let i = 0; i < batchB; i++) {
        const ai = chunkRows(backend, a2, batchA === 1 ? 0 : i * m, m, k);
        const bi = chunkRows(backend, b2, i * k, k, n);
        const oi = fused(ai, bi);
        heapF32(backend, out).set(heapF32(backend, oi).subarray(0, m * n), i * m * n);
        disposeAll(backend, oi);
        if (ai.dataId !== a2.dataId) disposeAll(backend, ai);
        if (bi.dataId !== b2.dataId) disposeAll(backend, bi);
      }
    }
    if (a2 !== a) disposeAll(backend, a2);
    if (b2 !== b) disposeAll(backend, b2);
    out.shape = outShape;
    return out;
  };
  return { kernelName: _FusedMatMul, backendName: "wasm", setupFunc: stock.setupFunc, kernelFunc };
}
