/**
 * Turns Conv2D gradient kernel attributes into an NHWC `ConvGeometry`, with the checks and error messages
 * shared by the wasm Conv2DBackpropFilter and Conv2DBackpropInput patches.
 */
import { backend_util } from "@tensorflow/tfjs-core";
import type { ConvGeometry } from "./im2col.ts";

export interface ConvGradAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Geometry of the forward conv `xShape` * `filterShape`; `dyShape` must be its output shape. */
export function convGradGeometry(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  dyShape: number[],
  attrs: ConvGradAttrs,
): ConvGeometry & { batch: number; outChannels: number } {
  if (attrs.dataFormat === "NCHW") {
    throw new Error(`${kernel} (wasm, @hjepa/tensor): dataFormat 'NCHW' is not supported; expected 'NHWC'`);
  }
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  const expectedDy = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (dyShape.length !== 4 || expectedDy.some((d, i) => d !== dyShape[i])) {
    throw new Error(
      `${kernel} (wasm): dy has shape [${dyShape}], expected [${expectedDy}] for input [${xShape}], ` +
        `filter [${filterShape}], strides ${JSON.stringify(attrs.strides)}, pad ${JSON.stringify(attrs.pad)}`,
    );
  }
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Geometry of a depthwise conv (dilations allowed), with its channel multiplier. */
export interface DepthwiseGeometry extends ConvGeometry {
  batch: number;
  multiplier: number;
  dilationHeight: number;
  dilationWidth: number;
}

export function depthwiseGradGeometry(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  dyShape: number[],
  attrs: Omit<ConvGradAttrs, "dataFormat"> & { dilations?: number | [number, number] },
): DepthwiseGeometry {
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const expectedDy = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (dyShape.length !== 4 || expectedDy.some((d, i) => d !== dyShape[i])) {
    throw new Error(
      `${kernel} (wasm): dy has shape [${dyShape}], expected [${expectedDy}] for input [${xShape}], ` +
        `filter [${filterShape}], strides ${JSON.stringify(attrs.strides)}, pad ${JSON.stringify(attrs.pad)}`,
    );
  }
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    multiplier: info.outChannels / info.inChannels,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
  };
}

/**
 * Calls `visit(xIndex, dyIndex, filterIndex)` for every (input, output, filter) triple of a depthwise conv,
 * with the filter index of multiplier 0 (add m for multiplier m, as dy's channel index already includes it).
 */
export function forEachDepthwiseTap(
  g: DepthwiseGeometry,
  visit: (xBase: number, dyBase: number, filterBase: number) => void,
): void {
  const c0 = g.inChannels;
  const outC = c0 * g.multiplier;
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let i = 0; i < g.filterHeight; i++) {
        const ih = oh * g.strideHeight - g.padTop + i * g.dilationHeight;
        if (ih < 0 || ih >= g.inHeight) continue;
        for (let ow = 0; ow < g.outWidth; ow++) {
          const dyBase = ((n * g.outHeight + oh) * g.outWidth + ow) * outC;
          for (let j = 0; j < g.filterWidth; j++) {
            const iw = ow * g.strideWidth - g.padLeft + j * g.dilationWidth;
            if (iw < 0 || iw >= g.inWidth) continue;
            visit(((n * g.inHeight + ih) * g.inWidth + iw) * c0, dyBase, (i * g.filterWidth + j) * outC);
          }
        }
      }
    }
  }
}
