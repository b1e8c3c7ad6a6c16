// Regions of interest. The users' comparison script takes `--roi X0,X1,Y0,Y1`: fast (x) min and max, slow (y) min
// and max, bounds INCLUSIVE, i.e. numpy's img[y0:y1+1, x0:x1+1]. Metrics over a region are the full-frame metrics
// of that slice (same numpy rules), with positions reported in full-frame (slow, fast) coordinates.
import type { Metrics, Roi } from '../../shared/types.ts';
import { checkRoi } from '../../shared/roi.ts';
import { computeRegionMetrics } from '../../shared/pairMetrics.ts';

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

/** Metrics of the region (src/shared/pairMetrics: the same code the webview runs live), positions full-frame. */
export function computeRoiMetrics(reference: Float32Array, candidate: Float32Array, fpixels: number, r: Roi): RoiMetrics {
  checkRoi(r, fpixels, reference.length / fpixels);
  return { roi: r, metrics: computeRegionMetrics(reference, candidate, fpixels, r) };
}
