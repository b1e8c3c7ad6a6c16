// Regions of interest. The users' comparison script takes `--roi X0,X1,Y0,Y1`: fast (x) min and max, slow (y) min
// and max, bounds INCLUSIVE, i.e. numpy's img[y0:y1+1, x0:x1+1]. Metrics over a region are the full-frame metrics
// of that slice (same numpy rules), with positions reported in full-frame (slow, fast) coordinates.
import type { Metrics } from '../../shared/types.ts';
import { computeMetrics } from './metrics.ts';

export interface Roi {
  /** Fast-axis (x) bounds, inclusive. */
  x0: number; x1: number;
  /** Slow-axis (y) bounds, inclusive. */
  y0: number; y1: number;
}

export class RoiError extends Error {
  constructor(message: string) { super(message); this.name = 'RoiError'; }
}

/** "X0,X1,Y0,Y1" (fast min, fast max, slow min, slow max; inclusive) → Roi. */
export function parseRoi(text: string): Roi {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 4 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new RoiError(`--roi ${text}: expected X0,X1,Y0,Y1 (fast min, fast max, slow min, slow max; whole pixels, inclusive)`);
  }
  const [x0, x1, y0, y1] = parts.map(Number);
  if (x1 < x0 || y1 < y0) throw new RoiError(`--roi ${text}: max below min (X0 ≤ X1 and Y0 ≤ Y1 are needed)`);
  return { x0, x1, y0, y1 };
}

/** The ROI from a case file (`roi: [x0, x1, y0, y1]` or `roi: "x0,x1,y0,y1"` or `{x0, x1, y0, y1}`). */
export function roiFromValue(v: unknown): Roi {
  if (typeof v === 'string') return parseRoi(v);
  if (Array.isArray(v)) return parseRoi(v.join(','));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return parseRoi([o.x0, o.x1, o.y0, o.y1].join(','));
  }
  throw new RoiError(`roi: expected [x0, x1, y0, y1], "x0,x1,y0,y1" or {x0, x1, y0, y1}, got ${JSON.stringify(v)}`);
}

export function formatRoi(r: Roi): string {
  return `${r.x0},${r.x1},${r.y0},${r.y1}`;
}

/** Refuse a region that leaves the image, naming the size. */
export function checkRoi(r: Roi, fpixels: number, spixels: number): void {
  if (r.x1 >= fpixels || r.y1 >= spixels) {
    throw new RoiError(`ROI ${formatRoi(r)} leaves the ${fpixels}×${spixels} image (fast 0…${fpixels - 1}, slow 0…${spixels - 1})`);
  }
}

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
  const m = computeMetrics(cropImage(reference, fpixels, r), cropImage(candidate, fpixels, r), w);
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
