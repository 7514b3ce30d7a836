/**
 * Small helpers for wasm kernels written in TypeScript: run another registered wasm kernel, view a tensor
 * through another shape, read and write tensor memory on the wasm heap, and free intermediates.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { getKernel, type NamedAttrMap, type TensorInfo, util } from "@tensorflow/tfjs-core";

/** Runs the wasm kernel currently registered under `kernelName` and returns its single output. */
export function runWasmKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(kernelName, "wasm");
  if (kernel === undefined) {
    throw new Error(
      `@hjepa/tensor: kernel '${kernelName}' is not registered for backend 'wasm' (needed by a patch)`,
    );
  }
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    throw new Error(`@hjepa/tensor: kernel '${kernelName}' returned ${out.length} outputs, expected one`);
  }
  return out;
}

/**
 * The same data seen with another shape of equal size. No reference is taken: never dispose a view, and never
 * use it after its source is disposed.
 */
export function viewAs(x: TensorInfo, shape: number[]): TensorInfo {
  if (util.sizeFromShape(shape) !== util.sizeFromShape(x.shape)) {
    throw new Error(`@hjepa/tensor: cannot view shape [${x.shape}] as [${shape}] (sizes differ)`);
  }
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** Transposes with the stock wasm Transpose kernel; the result must be disposed. */
export function transposeWasm(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel("Transpose", backend, { x }, { perm });
}

/** The permutation that swaps the last two axes of a rank-`rank` tensor. */
export function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * A float32 view of a tensor's memory on the wasm heap. Any allocation (`makeOutput`, running a kernel) may
 * grow the heap and detach earlier views, so take views after allocating, right before use.
 */
export function heapF32(backend: BackendWasm, x: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(x) as Float32Array;
}

/** Frees intermediates created inside a kernel (each one was returned by a kernel or `makeOutput`). */
export function disposeAll(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * Rows [from, from + count) of `x` seen as a [rows, width] matrix, as a [1, count, width] tensor: a view when
 * that is all of x, else a copy. Dispose it when its dataId differs from x's.
 */
export function chunkRows(
  backend: BackendWasm,
  x: TensorInfo,
  from: number,
  count: number,
  width: number,
): TensorInfo {
  if (from === 0 && count * width === util.sizeFromShape(x.shape)) return viewAs(x, [1, count, width]);
  const out = backend.makeOutput([1, count, width], x.dtype);
  heapF32(backend, out).set(heapF32(backend, x).subarray(from * width, (from + count) * width));
  return out;
}
