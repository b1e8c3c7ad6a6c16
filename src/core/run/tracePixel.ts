// Which pixel to trace: one the user names (`S,F`), the largest finite |Δ| between the two images, or the
// brightest reference pixel. Pure scans over float images (index = slow·fpixels + fast).

export type PixelRequest = { slow: number; fast: number } | 'max-delta' | 'peak';

export interface Pixel { slow: number; fast: number }

/** `--pixel` text → request: `S,F` (also `S F`, `(S, F)`), `max-delta`, `peak`; throws with what is expected. */
export function parsePixelRequest(text: string): PixelRequest {
  const t = text.trim().toLowerCase();
  if (t === 'max-delta' || t === 'maxdelta' || t === 'max') return 'max-delta';
  if (t === 'peak') return 'peak';
  const m = /^\(?\s*(\d+)\s*[, ]\s*(\d+)\s*\)?$/.exec(t);
  if (!m) throw new Error(`--pixel ${text}: expected S,F (slow and fast pixel indices, e.g. 129,129), max-delta or peak`);
  return { slow: Number(m[1]), fast: Number(m[2]) };
}

/** The pixel with the largest finite |reference − candidate| (first in raster order on ties), or undefined. */
export function maxDeltaPixel(reference: Float32Array, candidate: Float32Array, fpixels: number): Pixel | undefined {
  const n = Math.min(reference.length, candidate.length);
  let best = -1;
  let at = -1;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(reference[i] - candidate[i]);
    if (Number.isFinite(d) && d > best) { best = d; at = i; }
  }
  return at < 0 ? undefined : { slow: Math.floor(at / fpixels), fast: at % fpixels };
}

/** The brightest finite pixel of an image, or undefined when it has none. */
export function peakPixel(image: Float32Array, fpixels: number): Pixel | undefined {
  let best = -Infinity;
  let at = -1;
  for (let i = 0; i < image.length; i++) {
    const v = image[i];
    if (Number.isFinite(v) && v > best) { best = v; at = i; }
  }
  return at < 0 ? undefined : { slow: Math.floor(at / fpixels), fast: at % fpixels };
}

/** Explain why a pixel lies outside an fpixels × spixels detector, or undefined when it is inside. */
export function outsideDetector(p: Pixel, fpixels: number, spixels: number): string | undefined {
  if (p.slow < spixels && p.fast < fpixels) return undefined;
  return `pixel (${p.slow}, ${p.fast}) is outside the ${fpixels}×${spixels} detector (slow < ${spixels}, fast < ${fpixels})`;
}
