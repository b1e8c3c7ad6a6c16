// Reduced previews of large detector images. A 4096² float32 image is 64 MiB and takes seconds to cross the
// code-server websocket, so the host first sends a k×k MAX-binned preview (≤ ~1024 px a side) and the full image
// only when the webview asks (zoom past the preview's resolution, hover). Pure: used by the host, tested in Node.

/** Images with more pixels than this get a preview first; smaller ones are sent at full resolution only. */
export const PREVIEW_MAX_PIXELS = 1024 * 1024;
/** The preview's longer side is at most this many pixels. */
export const PREVIEW_TARGET_SIZE = 1024;

/** Bin size k for an image of fpixels × spixels: 1 = send as is, else ceil(max side / PREVIEW_TARGET_SIZE) ≥ 2. */
export function previewBinning(fpixels: number, spixels: number): number {
  if (fpixels * spixels <= PREVIEW_MAX_PIXELS) return 1;
  return Math.max(2, Math.ceil(Math.max(fpixels, spixels) / PREVIEW_TARGET_SIZE));
}

/**
 * Images above this many pixels but not above PREVIEW_MAX_PIXELS (e.g. 1024²) go first as a 2×2 max-binned "quick"
 * preview and then in full without being asked: the first image is on screen after a quarter of the bytes (a 1024²
 * float image is 4 MiB; crossing code-server's websocket took seconds on a busy machine — issue 15's first paint).
 */
export const QUICK_PREVIEW_PIXELS = 512 * 512;

/** How an image is first sent: bin k (1 = full) and whether the full image follows unasked (quick preview). */
export function firstDelivery(fpixels: number, spixels: number): { k: number; fullFollows: boolean } {
  const k = previewBinning(fpixels, spixels);
  if (k > 1) return { k, fullFollows: false };
  return fpixels * spixels > QUICK_PREVIEW_PIXELS ? { k: 2, fullFollows: true } : { k: 1, fullFollows: false };
}

/** Size of the k-binned preview: the last column/row of bins is partial when the size is not a multiple of k. */
export function previewSize(fpixels: number, spixels: number, k: number): { fpixels: number; spixels: number } {
  return { fpixels: Math.ceil(fpixels / k), spixels: Math.ceil(spixels / k) };
}

/**
 * k×k max-binning of a row-major (slow rows of fast pixels) float image. Each output pixel is the maximum of the
 * input pixels its bin covers (edge bins cover only the pixels that exist). MAX, not mean: a Bragg spot one pixel
 * wide keeps its peak value and stays visible in the preview. A bin with any NaN is NaN, so a NaN pixel (a port
 * bug worth seeing) is never hidden by its neighbours; +Inf wins as the maximum, -Inf only if the whole bin is -Inf.
 */
export function maxBin(image: ArrayLike<number>, fpixels: number, spixels: number, k: number): Float32Array {
  if (!Number.isInteger(k) || k < 1) throw new Error(`max-binning needs an integer bin size ≥ 1, got ${k}`);
  if (image.length !== fpixels * spixels) throw new Error(`max-binning: ${image.length} pixels is not ${fpixels}×${spixels}`);
  const { fpixels: pf, spixels: ps } = previewSize(fpixels, spixels, k);
  const out = new Float32Array(pf * ps).fill(Number.NEGATIVE_INFINITY);
  for (let s = 0; s < spixels; s++) {
    const row = s * fpixels;
    const orow = Math.floor(s / k) * pf;
    for (let b = 0; b < pf; b++) {
      let m = out[orow + b];
      const end = Math.min(fpixels, (b + 1) * k);
      for (let f = b * k; f < end; f++) {
        const v = image[row + f];
        // Once m is NaN neither test is true again, so NaN sticks for the rest of the bin (and later rows).
        if (v > m) m = v;
        else if (v !== v) m = Number.NaN;
      }
      out[orow + b] = m;
    }
  }
  return out;
}
