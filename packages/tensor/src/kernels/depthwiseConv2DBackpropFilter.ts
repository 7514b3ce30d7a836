/**
 * Wasm `DepthwiseConv2dNativeBackpropFilter`, which tfjs-backend-wasm does not register (so depthwise and
 * separable convolutions could not train there). A direct loop: depthwise convolutions do little arithmetic,
 * and the sums are kept in float64 like the cpu backend's.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  DepthwiseConv2dNativeBackpropFilter,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { type ConvGradAttrs, depthwiseGradGeometry, forEachDepthwiseTap } from "./convGeometry.ts";
import { heapF32 } from "./wasmTensors.ts";

const kernelFunc: KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as ConvGradAttrs & {
    dilations?: number | [number, number];
    filterShape: [number, number, number, number];
  };
  const name = DepthwiseConv2dNativeBackpropFilter;
  const g = depthwiseGradGeometry(name, x.shape, attrs.filterShape, dy.shape, attrs);
  if (x.dtype !== "float32" || dy.dtype !== "float32") {
    throw new Error(`${name} (wasm): x and dy must be float32 (got ${x.dtype}, ${dy.dtype})`);
  }
  const m = g.multiplier;
  const c0 = g.inChannels;
  const sums = new Float64Array(g.filterHeight * g.filterWidth * c0 * m);
  const xs = heapF32(backend, x);
  const dys = heapF32(backend, dy);
  forEachDepthwiseTap(g, (xBase, dyBase, fBase) => {
    for (let c = 0; c < c0; c++) {
      const xv = xs[xBase + c];
      for (let k = 0; k < m; k++) sums[fBase + c * m + k] += xv * dys[dyBase + c * m + k];
    }
  });
  const out = backend.makeOutput([...attrs.filterShape], "float32");
  heapF32(backend, out).set(sums);
  return out;
};

export const depthwiseConv2DBackpropFilterWasm: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: "wasm",
  kernelFunc,
};
