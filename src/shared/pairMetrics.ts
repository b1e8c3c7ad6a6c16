// Moved from src/core/metrics (one implementation for host and webview: the webview computes ROI metrics live).
// Image-pair metrics with float64 accumulation, defined to equal numpy's on float32 images cast to float64
// (np.corrcoef, np.sum, np.mean((c−r)²), np.max(np.abs(c−r))), including how numpy treats NaN/Inf:
//
// - A side's sum and mean are NaN (null in JSON) as soon as that side has any NaN or ±Inf pixel,
//   exactly as np.sum would make them unusable.
// - Every pair metric (correlation, sum ratio, MSE, RMSE, max |Δ| and where) is NaN/null unless BOTH images are
//   entirely finite: numpy propagates NaN, and a metric computed over "whatever is finite" would hide the very
//   defect the verdict must report.
// - correlation is null when either image is constant (zero variance; numpy returns NaN), sum ratio is null when
//   the reference sum is 0.
// - argmax per side is the flat index of the largest FINITE pixel (first one on ties, like np.argmax); null when
//   the side has no finite pixel (numpy's nanargmax raises there).
// - finitePixels counts pixels finite on both sides.
//
// Two passes over the data: the first gathers sums, counts, extrema and the squared difference; the second the
// centred second moments for Pearson's r (the naive Σxy − n·x̄ȳ form loses ~8 digits when corr ≈ 1, which is
// exactly where parity decisions are made).
import type { Metrics } from './types.ts';

export class MetricsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsInputError';
  }
}

/** Inclusive pixel rectangle: fast (x) x0…x1, slow (y) y0…y1 — numpy's img[y0:y1+1, x0:x1+1]. */
export interface PixelRect { x0: number; x1: number; y0: number; y1: number }

export function computeMetrics(reference: Float32Array, candidate: Float32Array, fpixels: number): Metrics {
  const full = reference.length;
  if (candidate.length !== full) {
    throw new MetricsInputError(`cannot compare images of different sizes: reference has ${full} pixels, candidate ${candidate.length}`);
  }
  if (!(fpixels > 0) || full % fpixels !== 0) {
    throw new MetricsInputError(`fpixels=${fpixels} does not divide the image's ${full} pixels`);
  }
  return computeRegionMetrics(reference, candidate, fpixels, { x0: 0, x1: fpixels - 1, y0: 0, y1: full / fpixels - 1 });
}

/**
 * The metrics of the slice img[y0:y1+1, x0:x1+1] without copying it (the webview calls this while a rectangle is
 * dragged). Positions (max |Δ| at, argmax) are full-frame; `pixels` is the region's pixel count.
 */
export function computeRegionMetrics(reference: Float32Array, candidate: Float32Array, fpixels: number, rect: PixelRect): Metrics {
  const full = reference.length;
  if (candidate.length !== full) {
    throw new MetricsInputError(`cannot compare images of different sizes: reference has ${full} pixels, candidate ${candidate.length}`);
  }
  if (!(fpixels > 0) || full % fpixels !== 0) {
    throw new MetricsInputError(`fpixels=${fpixels} does not divide the image's ${full} pixels`);
  }
  const { x0, x1, y0, y1 } = rect;
  if (![x0, x1, y0, y1].every(Number.isInteger) || x0 < 0 || y0 < 0 || x1 < x0 || y1 < y0 || x1 >= fpixels || y1 >= full / fpixels) {
    throw new MetricsInputError(`region ${x0},${x1},${y0},${y1} (x0,x1,y0,y1 inclusive) is empty or leaves the ${fpixels}×${full / fpixels} image`);
  }
  const n = (x1 - x0 + 1) * (y1 - y0 + 1);

  let sumR = 0, sumC = 0;
  let nanR = 0, nanC = 0, infR = 0, infC = 0, finiteBoth = 0;
  let maxR = -Infinity, maxC = -Infinity, argR = -1, argC = -1;
  let sse = 0, maxAbs = -1, maxAbsAt = -1;

  for (let y = y0; y <= y1; y++) {
    const end = y * fpixels + x1;
    for (let i = y * fpixels + x0; i <= end; i++) {
      const r = reference[i];
      const c = candidate[i];
      const rFinite = r - r === 0; // false for NaN and ±Inf, cheaper than Number.isFinite in the hot loop
      const cFinite = c - c === 0;
      if (rFinite) {
        sumR += r;
        if (r > maxR) { maxR = r; argR = i; }
      } else if (r !== r) nanR++;
      else { infR++; sumR += r; }
      if (cFinite) {
        sumC += c;
        if (c > maxC) { maxC = c; argC = i; }
      } else if (c !== c) nanC++;
      else { infC++; sumC += c; }
      if (rFinite && cFinite) {
        finiteBoth++;
        const d = c - r;
        sse += d * d;
        const a = d < 0 ? -d : d;
        if (a > maxAbs) { maxAbs = a; maxAbsAt = i; }
      }
    }
  }

  const allFinite = finiteBoth === n && n > 0;
  const rClean = nanR === 0 && infR === 0;
  const cClean = nanC === 0 && infC === 0;
  const sumReference = rClean ? sumR : NaN;
  const sumCandidate = cClean ? sumC : NaN;

  let correlation: number | null = null;
  let sumRatio: number | null = null;
  let mse: number | null = null;
  let rmse: number | null = null;
  let maxAbsDiff: number | null = null;
  let maxAbsDiffAt: [number, number] | null = null;

  if (allFinite) {
    const meanR = sumR / n;
    const meanC = sumC / n;
    let srr = 0, scc = 0, src = 0;
    for (let y = y0; y <= y1; y++) {
      const end = y * fpixels + x1;
      for (let i = y * fpixels + x0; i <= end; i++) {
        const dr = reference[i] - meanR;
        const dc = candidate[i] - meanC;
        srr += dr * dr;
        scc += dc * dc;
        src += dr * dc;
      }
    }
    if (srr > 0 && scc > 0) {
      const r = src / Math.sqrt(srr) / Math.sqrt(scc);
      correlation = Math.max(-1, Math.min(1, r));
    }
    sumRatio = sumR !== 0 ? sumC / sumR : null;
    mse = sse / n;
    rmse = Math.sqrt(mse);
    maxAbsDiff = maxAbs;
    maxAbsDiffAt = [Math.floor(maxAbsAt / fpixels), maxAbsAt % fpixels];
  }

  const argmaxReference = argR >= 0 ? argR : null;
  const argmaxCandidate = argC >= 0 ? argC : null;
  let peakDistance: number | null = null;
  if (argmaxReference !== null && argmaxCandidate !== null) {
    const ds = Math.floor(argmaxReference / fpixels) - Math.floor(argmaxCandidate / fpixels);
    const df = (argmaxReference % fpixels) - (argmaxCandidate % fpixels);
    peakDistance = Math.hypot(ds, df);
  }

  return {
    pixels: n,
    correlation,
    sumRatio,
    mse,
    rmse,
    maxAbsDiff,
    maxAbsDiffAt,
    sumReference,
    sumCandidate,
    meanReference: sumReference / n,
    meanCandidate: sumCandidate / n,
    nanReference: nanR,
    nanCandidate: nanC,
    infReference: infR,
    infCandidate: infC,
    finitePixels: finiteBoth,
    argmaxReference,
    argmaxCandidate,
    peakDistance,
  };
}
