/** Test fixtures for the depthwise conv gradient kernels. */
import type { backend_util } from "@tensorflow/tfjs-core";

export interface DepthwiseCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: "same" | "valid" | number | backend_util.ExplicitPadding;
  dilations?: number | [number, number];
}

export const DEPTHWISE_CASES: DepthwiseCase[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: 1, pad: "valid" },
  { x: [2, 8, 7, 3], filter: [3, 3, 3, 2], strides: 1, pad: "same" },
  { x: [2, 9, 9, 2], filter: [3, 3, 2, 3], strides: 2, pad: "same" },
  { x: [3, 7, 6, 4], filter: [2, 3, 4, 1], strides: [2, 1], pad: "valid" },
  { x: [1, 6, 6, 2], filter: [3, 3, 2, 2], strides: 1, pad: 1 },
];

/**
 * Dilated geometry: the cpu backend's gradient kernels ignore dilation (tfjs's depthwise gradient never asks
 * for it), so these are checked against the forward convolution through the adjoint identity instead.
 */
export const DILATED_CASE: DepthwiseCase = {
  x: [2, 9, 9, 2],
  filter: [3, 3, 2, 2],
  strides: 1,
  pad: "same",
  dilations: 2,
};

export function depthwiseAttrs(c: DepthwiseCase): Record<string, unknown> {
  return { strides: c.strides, pad: c.pad, dilations: c.dilations ?? 1 };
}
