// Histograms turned into small tables for vega-lite: the candidate-vs-reference 2-D histogram and the Δ histogram.
// Binning happens here (not in vega) so a million pixels become a few hundred rows before they reach the chart.

export interface Bin2D { x0: number; x1: number; y0: number; y1: number; count: number; log10Count: number }
export interface Hist2D {
  bins: Bin2D[];
  /** Axis transform used for both axes. */
  axis: 'linear' | 'log10';
  /** Pixels left out: non-finite in either image, or ≤ 0 on a log axis. */
  dropped: number;
  /** Pixels counted. */
  counted: number;
}

/**
 * 2-D histogram of (reference, candidate) pixel pairs on a square grid spanning both images' range, so parity
 * lies on the diagonal. On a log10 axis only pixels positive in both images are counted.
 */
export function histogram2d(reference: ArrayLike<number>, candidate: ArrayLike<number>, opts: { bins?: number; axis?: 'linear' | 'log10' } = {}): Hist2D {
  if (reference.length !== candidate.length) throw new Error(`2-D histogram needs equal sizes: ${reference.length} vs ${candidate.length} pixels`);
  const nb = opts.bins ?? 64;
  const axis = opts.axis ?? 'linear';
  const tx = axis === 'log10' ? Math.log10 : (v: number) => v;
  const ok = (r: number, c: number) => Number.isFinite(r) && Number.isFinite(c) && (axis === 'linear' || (r > 0 && c > 0));
  // One pass transforms and keeps the usable pairs (NaN marks a dropped pixel); the second only bins.
  const xs = new Float32Array(reference.length), ys = new Float32Array(reference.length);
  let lo = Infinity, hi = -Infinity, dropped = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i], c = candidate[i];
    if (!ok(r, c)) { dropped++; xs[i] = Number.NaN; continue; }
    const a = tx(r), b = tx(c);
    xs[i] = a; ys[i] = b;
    if (a < lo) lo = a; if (b < lo) lo = b;
    if (a > hi) hi = a; if (b > hi) hi = b;
  }
  if (!(hi >= lo)) return { bins: [], axis, dropped, counted: 0 };
  if (hi === lo) hi = lo + 1;
  const w = (hi - lo) / nb;
  const counts = new Uint32Array(nb * nb);
  for (let i = 0; i < xs.length; i++) {
    const a = xs[i];
    if (Number.isNaN(a)) continue;
    const bx = Math.min(nb - 1, Math.max(0, Math.floor((a - lo) / w)));
    const by = Math.min(nb - 1, Math.max(0, Math.floor((ys[i] - lo) / w)));
    counts[by * nb + bx]++;
  }
  const bins: Bin2D[] = [];
  let counted = 0;
  for (let by = 0; by < nb; by++) {
    for (let bx = 0; bx < nb; bx++) {
      const count = counts[by * nb + bx];
      if (!count) continue;
      counted += count;
      bins.push({ x0: lo + bx * w, x1: lo + (bx + 1) * w, y0: lo + by * w, y1: lo + (by + 1) * w, count, log10Count: Math.log10(count) });
    }
  }
  return { bins, axis, dropped, counted };
}

export interface Bin1D { x0: number; x1: number; count: number }
export interface Hist1D { bins: Bin1D[]; dropped: number; counted: number; lo: number; hi: number }

/** Histogram of Δ values on a range symmetric around 0 (±max |Δ|), so "no bias" sits in the middle bin edge. */
export function deltaHistogram(delta: ArrayLike<number>, opts: { bins?: number } = {}): Hist1D {
  const nb = opts.bins ?? 60;
  let m = 0, dropped = 0;
  for (let i = 0; i < delta.length; i++) {
    const v = delta[i];
    if (!Number.isFinite(v)) { dropped++; continue; }
    const a = Math.abs(v);
    if (a > m) m = a;
  }
  if (m === 0) m = 1e-12; // identical images: one bin around zero still shows the count
  const lo = -m, hi = m, w = (hi - lo) / nb;
  const counts = new Float64Array(nb);
  let counted = 0;
  for (let i = 0; i < delta.length; i++) {
    const v = delta[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(nb - 1, Math.max(0, Math.floor((v - lo) / w)))]++;
    counted++;
  }
  const bins: Bin1D[] = [];
  for (let k = 0; k < nb; k++) bins.push({ x0: lo + k * w, x1: lo + (k + 1) * w, count: counts[k] });
  return { bins, dropped, counted, lo, hi };
}
