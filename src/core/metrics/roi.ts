// Regions of interest. The users' comparison script takes `--roi X0,X1,Y0,Y1`: fast (x) min and max, slow (y) min
// and max, bounds INCLUSIVE, i.e. numpy's img[y0:y1+1, x0:x1+1]. Metrics over a region are the full-frame metrics
// of that slice (same numpy rules), with positions reported in full-frame (slow, fast) coordinates.
import type { Metrics, Roi } from '../../shared/types.ts';
import { checkRoi } from '../../shared/roi.ts';
import { computeMetrics } from './metrics.ts';

// Parsing and bounds live in src/shared (case files, the CLI and the webview use them); re-exported for callers here.
export { RoiError, checkRoi, formatRoi, parseRoi, roiFromValue } from '../../shared/roi.ts';
export type { Roi } from '../../shared/types.ts';

/** img[y0:y1+1, x0:x1+1] as its own row-major image. */
export function cropImage(img: Float32Array, fpixels: number, r: Roi): Float32Array {
  const w = r.x1 - r.x0 + 1;
  const out = new Float32Array(w * (r.y1 - r.y0 + 1));
  for (let y = r.y0, o = 0; y <= r.y1; y++, o += w) out.set(img.subarray(y * fpixels + r.x0, y * fpixels + r.x1 + 1), o);
  return out;
}

export interface RoiMetrics { roi: Roi; metrics: Metrics }

/** Metrics of the region, with positions (max |Δ|, argmax) translated back to full-frame coordinates. */
export function computeRoiMetrics(reference: Float32Array, candidate: Float32Array, fpixels: number, r: Roi): RoiMetrics {
  const spixels = reference.length / fpixels;
  checkRoi(r, fpixels, spixels);
  const w = r.x1 - r.x0 + 1;
  // Full-width rows are contiguous: a view, not a copy (the full frame is dragged over too, ≤ 50 ms at 1024²).
  const slice = (img: Float32Array) => (w === fpixels ? img.subarray(r.y0 * fpixels, (r.y1 + 1) * fpixels) : cropImage(img, fpixels, r));
  const m = computeMetrics(slice(reference), slice(candidate), w);
  const toFull = (i: number | null) => (i === null ? null : (r.y0 + Math.floor(i / w)) * fpixels + r.x0 + (i % w));
  return {
    roi: r,
    metrics: {
      ...m,
      maxAbsDiffAt: m.maxAbsDiffAt ? [m.maxAbsDiffAt[0] + r.y0, m.maxAbsDiffAt[1] + r.x0] : null,
      argmaxReference: toFull(m.argmaxReference),
      argmaxCandidate: toFull(m.argmaxCandidate),
    },
  };
}
