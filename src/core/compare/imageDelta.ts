// How one side's image moved between two bundles (candidate A vs candidate B, reference A vs reference B):
// identical, or by how much and where. NaN on one side and a number on the other counts as a changed pixel.
export interface ImageDelta {
  pixels: number;
  identical: boolean;
  changedPixels: number;
  /** Largest |B − A| over pixels finite on both sides, with its [slow, fast]; null when none changed. */
  maxAbs: number | null;
  maxAbsAt: [number, number] | null;
  /** max |B − A| relative to max |A| (0 when identical). */
  maxRel: number | null;
  rmse: number | null;
  /** Pixels finite in one bundle and not in the other. */
  finitenessChanged: number;
  /** Bounding box of the changed pixels, X0,X1,Y0,Y1 inclusive (the ROI convention). */
  changedBox: [number, number, number, number] | null;
}

export function imageDelta(a: Float32Array, b: Float32Array, fpixels: number): ImageDelta {
  if (a.length !== b.length) throw new Error(`cannot compare images of different sizes: ${a.length} vs ${b.length} pixels`);
  let changed = 0, finiteness = 0, sse = 0, nFinite = 0, maxAbs = -1, at = -1, maxA = 0;
  let x0 = Infinity, x1 = -1, y0 = Infinity, y1 = -1;
  for (let i = 0; i < a.length; i++) {
    const u = a[i], v = b[i];
    const fu = u - u === 0, fv = v - v === 0;
    if (fu) { const au = u < 0 ? -u : u; if (au > maxA) maxA = au; }
    const same = u === v || (u !== u && v !== v);
    if (same) { if (fu && fv) nFinite++; continue; }
    changed++;
    const s = Math.floor(i / fpixels), f = i % fpixels;
    if (f < x0) x0 = f; if (f > x1) x1 = f; if (s < y0) y0 = s; if (s > y1) y1 = s;
    if (fu && fv) {
      nFinite++;
      const d = v - u, ad = d < 0 ? -d : d;
      sse += d * d;
      if (ad > maxAbs) { maxAbs = ad; at = i; }
    } else if (fu !== fv) finiteness++;
  }
  return {
    pixels: a.length,
    identical: changed === 0,
    changedPixels: changed,
    maxAbs: at >= 0 ? maxAbs : changed ? null : 0,
    maxAbsAt: at >= 0 ? [Math.floor(at / fpixels), at % fpixels] : null,
    maxRel: at >= 0 ? (maxA > 0 ? maxAbs / maxA : null) : changed ? null : 0,
    rmse: nFinite ? Math.sqrt(sse / nFinite) : null,
    finitenessChanged: finiteness,
    changedBox: changed ? [x0, x1, y0, y1] : null,
  };
}

/** The B − A image (NaN where either is NaN), for the webview's Δ-between-bundles view and exports. */
export function deltaImage(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = b[i] - a[i];
  return out;
}
