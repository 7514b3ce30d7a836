/**
 * Patch extraction (im2col) and its adjoint (col2im) for NHWC 2-D convolutions with dilation 1, on plain
 * typed arrays. They turn convolution gradients into one large matrix product each.
 *
 * Row index of a patch element: (i * filterWidth + j) * inChannels + c, the row-major order of a
 * [filterHeight, filterWidth, inChannels] block, so a [rows, outChannels] matrix is the filter itself.
 * Column (patch) index: ((n - n0) * outHeight + oh) * outWidth + ow for images n in [n0, n1).
 */

/** The geometry of one NHWC convolution (as `backend_util.computeConv2DInfo` describes it). */
export interface ConvGeometry {
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Writes the patches of images [n0, n1) of `x` ([batch, inHeight, inWidth, inChannels]) as the columns of
 * `colsT` ([rows, patches], row-major); out-of-image taps are 0. Every entry of `colsT` is written.
 */
export function im2colTransposed(
  x: Float32Array,
  g: ConvGeometry,
  n0: number,
  n1: number,
  colsT: Float32Array,
) {
  const { inHeight, inWidth, inChannels: c0, outHeight, outWidth, filterWidth } = g;
  const patches = (n1 - n0) * outHeight * outWidth;
  const rowStride = inWidth * c0;
  const imageStride = inHeight * rowStride;
  const colStep = g.strideWidth * c0;
  for (let i = 0; i < g.filterHeight; i++) {
    for (let j = 0; j < filterWidth; j++) {
      // Output columns whose tap (i, j) falls inside the image: ow in [owLo, owHi).
      const shift = j - g.padLeft;
      const owLo = Math.min(outWidth, Math.max(0, Math.ceil(-shift / g.strideWidth)));
      const owHi = Math.max(owLo, Math.min(outWidth, Math.floor((inWidth - 1 - shift) / g.strideWidth) + 1));
      for (let c = 0; c < c0; c++) {
        let dst = ((i * filterWidth + j) * c0 + c) * patches;
        for (let n = n0; n < n1; n++) {
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * g.strideHeight - g.padTop + i;
            if (ih < 0 || ih >= inHeight) {
              colsT.fill(0, dst, dst + outWidth);
              dst += outWidth;
              continue;
            }
            let src = n * imageStride + ih * rowStride + (owLo * g.strideWidth + shift) * c0 + c;
            let ow = 0;
            for (; ow < owLo; ow++) colsT[dst++] = 0;
            for (; ow < owHi; ow++, src += colStep) colsT[dst++] = x[src];
            for (; ow < outWidth; ow++) colsT[dst++] = 0;
          }
        }
      }
    }
  }
}

/**
 * Adds every patch row of `cols` ([patches, rows], row-major, patches of images [n0, n1)) back into the image
 * positions it was taken from in `dx` ([batch, inHeight, inWidth, inChannels]); taps outside are dropped.
 */
export function col2imAdd(cols: Float32Array, g: ConvGeometry, n0: number, n1: number, dx: Float32Array) {
  const { inHeight, inWidth, inChannels: c0, outHeight, outWidth, filterHeight, filterWidth } = g;
  const rows = filterHeight * filterWidth * c0;
  const rowStride = inWidth * c0;
  const imageStride = inHeight * rowStride;
  let p = 0;
  for (let n = n0; n < n1; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, p++) {
        const colBase = p * rows;
        for (let i = 0; i < filterHeight; i++) {
          const ih = oh * g.strideHeight - g.padTop + i;
          if (ih < 0 || ih >= inHeight) continue;
          for (let j = 0; j < filterWidth; j++) {
            const iw = ow * g.strideWidth - g.padLeft + j;
            if (iw < 0 || iw >= inWidth) continue;
            const dst = n * imageStride + ih * rowStride + iw * c0;
            const src = colBase + (i * filterWidth + j) * c0;
            for (let c = 0; c < c0; c++) dx[dst + c] += cols[src + c];
          }
        }
      }
    }
  }
}

/** Largest patch matrix the conv gradient kernels build at once, in floats (tests lower it to force chunks). */
export const PATCH_BUDGET = { maxFloats: 1 << 22 };

/** How many images to process per chunk so that one patch matrix stays under `maxFloats` entries. */
export function imagesPerChunk(g: ConvGeometry, batch: number, maxFloats: number): number {
  const perImage = g.filterHeight * g.filterWidth * g.inChannels * g.outHeight * g.outWidth;
  return Math.max(1, Math.min(batch, Math.floor(maxFloats / Math.max(1, perImage))));
}
