// Regions of interest, as text and as data (shared by the CLI, case files and the webview). The users' comparison
// script takes `--roi X0,X1,Y0,Y1`: fast (x) min and max, slow (y) min and max, bounds INCLUSIVE, i.e. numpy's
// img[y0:y1+1, x0:x1+1]. The metrics over a region live in core/metrics/roi.ts.
import type { Roi } from './types.ts';

export type { Roi } from './types.ts';

export class RoiError extends Error {
  constructor(message: string) { super(message); this.name = 'RoiError'; }
}

/** "X0,X1,Y0,Y1" (fast min, fast max, slow min, slow max; inclusive) → Roi. `label` names the source in errors. */
export function parseRoi(text: string, label = '--roi'): Roi {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 4 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new RoiError(`${label} ${text}: expected X0,X1,Y0,Y1 (fast min, fast max, slow min, slow max; whole pixels, inclusive)`);
  }
  const [x0, x1, y0, y1] = parts.map(Number);
  if (x1 < x0 || y1 < y0) throw new RoiError(`${label} ${text}: max below min (X0 ≤ X1 and Y0 ≤ Y1 are needed)`);
  return { x0, x1, y0, y1 };
}

const ROI_KEYS = ['x0', 'x1', 'y0', 'y1'] as const;

/** The ROI from a case file (`roi: [x0, x1, y0, y1]` or `roi: "x0,x1,y0,y1"` or `{x0, x1, y0, y1}`). */
export function roiFromValue(v: unknown, label = 'roi:'): Roi {
  const forms = 'expected [x0, x1, y0, y1], "x0,x1,y0,y1" or {x0, x1, y0, y1} (fast min, fast max, slow min, slow max; inclusive)';
  if (typeof v === 'string') return parseRoi(v, label);
  if (Array.isArray(v)) {
    if (v.length !== 4 || v.some((x) => typeof x !== 'number')) throw new RoiError(`${label} ${JSON.stringify(v)}: ${forms}`);
    return parseRoi(v.join(','), label);
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => !(ROI_KEYS as readonly string[]).includes(k));
    const missing = ROI_KEYS.filter((k) => !(k in o));
    if (extra.length || missing.length || ROI_KEYS.some((k) => typeof o[k] !== 'number')) {
      const what = [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unknown ${extra.join(', ')}` : ''].filter(Boolean).join('; ');
      throw new RoiError(`${label} ${JSON.stringify(v)}: ${what ? `${what}; ` : ''}${forms}`);
    }
    return parseRoi(ROI_KEYS.map((k) => o[k]).join(','), label);
  }
  throw new RoiError(`${label} ${JSON.stringify(v) ?? String(v)}: ${forms}`);
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
