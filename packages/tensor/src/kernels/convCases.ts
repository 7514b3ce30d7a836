/**
 * Test fixtures shared by the conv gradient kernel tests: geometries covering strides, 'same'/'valid'/numeric/
 * explicit padding, rounding, 1x1 and even kernels, kernels as large as the input, and several images.
 */
import type { backend_util } from "@tensorflow/tfjs-core";

export interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: "same" | "valid" | number | backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

export const CONV_CASES: ConvCase[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: 1, pad: "valid" },
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: "same" },
  { x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: "same" },
  { x: [2, 9, 9, 3], filter: [4, 4, 3, 5], strides: 2, pad: "valid" },
  {
    x: [1, 7, 7, 2],
    filter: [3, 2, 2, 3],
    strides: [2, 1],
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [3, 10, 7, 4], filter: [5, 5, 4, 2], strides: 3, pad: "same" },
  { x: [2, 6, 6, 3], filter: [1, 1, 3, 8], strides: 1, pad: "valid" },
  { x: [2, 8, 8, 2], filter: [2, 2, 2, 3], strides: 2, pad: "same" },
  { x: [1, 4, 4, 3], filter: [4, 4, 3, 2], strides: 1, pad: "valid" },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 2], strides: 1, pad: 1 },
  { x: [2, 6, 7, 2], filter: [3, 3, 2, 2], strides: 2, pad: 1, dimRoundingMode: "ceil" },
  { x: [4, 16, 16, 8], filter: [3, 3, 8, 16], strides: 2, pad: "same" },
];

export function describeCase(c: ConvCase): string {
  return `x [${c.x}] filter [${c.filter}] strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)}`;
}
