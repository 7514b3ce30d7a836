/**
 * Wasm `MaxPoolGrad` that routes every window's gradient to its maximum. The stock wasm kernel sends the
 * gradient of a window whose maximum is negative to the wrong input or drops it (so a max-pool straight after a
 * conv, without ReLU, trains wrongly there). Each output's dy goes to the first largest input of its window in
 * row-major order, as on the cpu backend.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { heapF32 } from "./wasmTensors.ts";

interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number | backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

const kernelFunc: KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const attrs = args.attrs as unknown as MaxPoolGradAttrs;
  if (input.dtype !== "float32" || dy.dtype !== "float32") {
    throw new Error(`MaxPoolGrad (wasm): input and dy must be float32 (got ${input.dtype}, ${dy.dtype})`);
  }
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const expectedDy = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (expectedDy.some((d, i) => d !== dy.shape[i])) {
    throw new Error(
      `MaxPoolGrad (wasm): dy has shape [${dy.shape}], expected [${expectedDy}] for input [${input.shape}]`,
    );
  }
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } =
    info;
  const channels = info.inChannels;
  const out = backend.makeOutput([...input.shape], "float32");
  const dx = heapF32(backend, out);
  const x = heapF32(backend, input);
  const g = heapF32(backend, dy);
  dx.fill(0);
  for (let n = 0; n < info.batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * strideHeight - info.padInfo.top;
      const hLo = Math.max(0, h0);
      const hHi = Math.min(inHeight, h0 + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * strideWidth - info.padInfo.left;
        const wLo = Math.max(0, w0);
        const wHi = Math.min(inWidth, w0 + filterWidth);
        const dyBase = ((n * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          let best = -1;
          let bestValue = Number.NEGATIVE_INFINITY;
          for (let h = hLo; h < hHi; h++) {
            for (let w = wLo; w < wHi; w++) {
              const at = ((n * inHeight + h) * inWidth + w) * channels + c;
              if (x[at] > bestValue || best < 0) {
                best = at;
                bestValue = x[at];
              }
            }
          }
          if (best >= 0) dx[best] += g[dyBase + c];
        }
      }
    }
  }
  return out;
};

export const maxPoolGradWasm: KernelConfig = { kernelName: MaxPoolGrad, backendName: "wasm", kernelFunc };
