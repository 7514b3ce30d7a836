/**
 * Wasm `UnsortedSegmentSum`, which tfjs-backend-wasm does not register. It is the gradient of `gather`
 * (embedding lookups, picking per-action values), so without it nothing with a gather trains on wasm.
 * out[s, ...] = sum of x[i, ...] over rows i with segmentIds[i] = s; ids outside [0, numSegments) are dropped,
 * as in TensorFlow.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  UnsortedSegmentSum,
  util,
} from "@tensorflow/tfjs-core";

const kernelFunc: KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = args.attrs as { numSegments: number };
  if (x.dtype !== "float32" && x.dtype !== "int32") {
    throw new Error(`UnsortedSegmentSum (wasm): x must be float32 or int32 (got ${x.dtype})`);
  }
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(
      `UnsortedSegmentSum (wasm): segmentIds must be 1-D with one id per row of x (x [${x.shape}], ` +
        `segmentIds [${segmentIds.shape}])`,
    );
  }
  const rowSize = util.sizeFromShape(x.shape.slice(1));
  const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
  // Views after the allocation: makeOutput may grow (and detach) the heap.
  const o = backend.typedArrayFromHeap(out);
  const xs = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap({ ...segmentIds, dtype: "int32" });
  o.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * rowSize;
    const dst = s * rowSize;
    for (let j = 0; j < rowSize; j++) o[dst + j] += xs[src + j];
  }
  return out;
};

export const unsortedSegmentSumWasm: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: "wasm",
  kernelFunc,
};
