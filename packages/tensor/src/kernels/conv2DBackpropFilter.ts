/**
 * Wasm `Conv2DBackpropFilter` (the filter gradient of conv2d), which tfjs-backend-wasm does not register.
 *
 * dW[rows, outC] = patchesT[rows, P] x dy[P, outC], where patchesT is x's im2col written already transposed
 * (so XNNPACK's fast non-transposed product applies) and P = images * outHeight * outWidth. Images are taken
 * in chunks to bound the patch matrix; chunk results are summed in float32.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  BatchMatMul,
  Conv2DBackpropFilter,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { type ConvGradAttrs, convGradGeometry } from "./convGeometry.ts";
import { im2colTransposed, imagesPerChunk, PATCH_BUDGET } from "./im2col.ts";
import { chunkRows, disposeAll, heapF32, runWasmKernel } from "./wasmTensors.ts";

const kernelFunc: KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as ConvGradAttrs & { filterShape: [number, number, number, number] };
  const g = convGradGeometry(Conv2DBackpropFilter, x.shape, attrs.filterShape, dy.shape, attrs);
  if (x.dtype !== "float32" || dy.dtype !== "float32") {
    throw new Error(`Conv2DBackpropFilter (wasm): x and dy must be float32 (got ${x.dtype}, ${dy.dtype})`);
  }
  const rows = g.filterHeight * g.filterWidth * g.inChannels;
  const perImage = g.outHeight * g.outWidth;
  const chunk = imagesPerChunk(g, g.batch, PATCH_BUDGET.maxFloats);
  let out: TensorInfo | undefined;
  for (let n0 = 0; n0 < g.batch; n0 += chunk) {
    const n1 = Math.min(g.batch, n0 + chunk);
    const patches = (n1 - n0) * perImage;
    const colsT = backend.makeOutput([1, rows, patches], "float32");
    const dyChunk = chunkRows(backend, dy, n0 * perImage, patches, g.outChannels);
    im2colTransposed(heapF32(backend, x), g, n0, n1, heapF32(backend, colsT));
    const part = runWasmKernel(
      BatchMatMul,
      backend,
      { a: colsT, b: dyChunk },
      { transposeA: false, transposeB: false },
    );
    disposeAll(backend, colsT);
    if (dyChunk.dataId !== dy.dataId) disposeAll(backend, dyChunk);
    if (out === undefined) {
      out = part;
    } else {
      const acc = heapF32(backend, out);
      const add = heapF32(backend, part);
      for (let i = 0; i < acc.length; i++) acc[i] += add[i];
      disposeAll(backend, part);
    }
  }
  if (out === undefined) {
    // An empty batch: the gradient is all zeros.
    out = backend.makeOutput([...attrs.filterShape], "float32");
    heapF32(backend, out).fill(0);
  }
  out.shape = [...attrs.filterShape];
  return out;
};

export const conv2DBackpropFilterWasm: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc,
};
