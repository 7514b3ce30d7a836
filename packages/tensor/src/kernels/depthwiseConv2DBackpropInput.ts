/**
 * Wasm `DepthwiseConv2dNativeBackpropInput`, which tfjs-backend-wasm does not register. A direct loop with
 * float64 sums (see depthwiseConv2DBackpropFilter.ts).
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  DepthwiseConv2dNativeBackpropInput,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { type ConvGradAttrs, depthwiseGradGeometry, forEachDepthwiseTap } from "./convGeometry.ts";
import { heapF32 } from "./wasmTensors.ts";

const kernelFunc: KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as ConvGradAttrs & {
    dilations?: number | [number, number];
    inputShape: [number, number, number, number];
  };
  const name = DepthwiseConv2dNativeBackpropInput;
  const g = depthwiseGradGeometry(name, attrs.inputShape, filter.shape, dy.shape, attrs);
  if (dy.dtype !== "float32" || filter.dtype !== "float32") {
    throw new Error(`${name} (wasm): dy and filter must be float32 (got ${dy.dtype}, ${filter.dtype})`);
  }
  const m = g.multiplier;
  const c0 = g.inChannels;
  const sums = new Float64Array(g.batch * g.inHeight * g.inWidth * c0);
  const dys = heapF32(backend, dy);
  const fs = heapF32(backend, filter);
  forEachDepthwiseTap(g, (xBase, dyBase, fBase) => {
    for (let c = 0; c < c0; c++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += dys[dyBase + c * m + k] * fs[fBase + c * m + k];
      sums[xBase + c] += s;
    }
  });
  const out = backend.makeOutput([...attrs.inputShape], "float32");
  heapF32(backend, out).set(sums);
  return out;
};

export const depthwiseConv2DBackpropInputWasm: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: "wasm",
  kernelFunc,
};
