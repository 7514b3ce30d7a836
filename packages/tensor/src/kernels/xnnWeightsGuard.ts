/**
 * Guards XNNPACK's operator cache in the wasm matmul.
 *
 * The stock wasm kernel caches one packed XNNPACK operator per right-hand operand, keyed by the tensor's id
 * only. A reshape shares the id, so `matMul(y, reshape(w, ...))` after `matMul(x, w)` reuses an operator packed
 * for other dimensions and aborts the wasm module (the whole process). We remember the [k, n] each id was
 * first multiplied with and give the stock kernel a fresh copy when it differs.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { TensorInfo } from "@tensorflow/tfjs-core";
import { heapF32 } from "./wasmTensors.ts";

const dimsSeen = new WeakMap<object, string>();

/**
 * `b` ([1, k, n]) itself when XNNPACK may safely cache it, else a copy with a fresh id (dispose it when
 * it is not `b`).
 */
export function safeRightOperand(backend: BackendWasm, b: TensorInfo): TensorInfo {
  const dims = `${b.shape[1]}x${b.shape[2]}`;
  const seen = dimsSeen.get(b.dataId);
  if (seen === undefined) {
    dimsSeen.set(b.dataId, dims);
    return b;
  }
  if (seen === dims) return b;
  const copy = backend.makeOutput([...b.shape], "float32");
  heapF32(backend, copy).set(heapF32(backend, b));
  dimsSeen.set(copy.dataId, dims);
  return copy;
}
