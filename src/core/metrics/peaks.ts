// Bragg peaks: find them on both images and match them, as the users' comparison script reports
// (matched count, mean and max peak distance in pixels).
//
// A peak is a finite pixel that is a strict local maximum of its 8-neighbourhood (ties broken towards the
// lower flat index, so a flat-topped peak counts once) and is at least `relThreshold` × the image's largest
// finite value (default 0.1) and strictly above `absThreshold` (default 0). At most `maxPeaks` (default 500), brightest first.
// Matching is greedy by distance: all reference–candidate pairs within `matchRadius` pixels (default 3), closest
// first, each peak used once. Unmatched peaks on either side are listed.

export interface Peak { slow: number; fast: number; value: number }

export interface PeakOptions {
  relThreshold?: number;
  absThreshold?: number;
  maxPeaks?: number;
}

export const PEAK_DEFAULTS = { relThreshold: 0.1, absThreshold: 0, maxPeaks: 500, matchRadius: 3 } as const;

export function findPeaks(img: Float32Array, fpixels: number, opts: PeakOptions = {}): Peak[] {
  const rel = opts.relThreshold ?? PEAK_DEFAULTS.relThreshold;
  const abs = opts.absThreshold ?? PEAK_DEFAULTS.absThreshold;
  const limit = opts.maxPeaks ?? PEAK_DEFAULTS.maxPeaks;
  const spixels = img.length / fpixels;
  let max = -Infinity;
  for (let i = 0; i < img.length; i++) { const v = img[i]; if (v - v === 0 && v > max) max = v; }
  if (max === -Infinity) return [];
  const floor = Math.max(abs, rel * max);
  // Flat indices of the peaks: every run pays for this search, so interior pixels take a branch-light path.
  const found: number[] = [];
  const F = fpixels;
  for (let s = 0; s < spixels; s++) {
    const interiorRow = s > 0 && s < spixels - 1;
    for (let f = 0, i = s * F; f < F; f++, i++) {
      const v = img[i];
      if (!(v - v === 0) || v < floor || v <= abs) continue;
      if (interiorRow && f > 0 && f < F - 1) {
        // A neighbour that is larger, or equal and earlier (lower flat index), wins.
        if (img[i - F - 1] >= v || img[i - F] >= v || img[i - F + 1] >= v || img[i - 1] >= v
          || img[i + 1] > v || img[i + F - 1] > v || img[i + F] > v || img[i + F + 1] > v) continue;
        found.push(i);
      } else if (isEdgePeak(img, F, spixels, s, f, i, v)) found.push(i);
    }
  }
  return brightest(img, found, limit).map((i) => ({ slow: Math.floor(i / F), fast: i % F, value: img[i] }));
}

function isEdgePeak(img: Float32Array, fpixels: number, spixels: number, s: number, f: number, i: number, v: number): boolean {
  for (let ds = -1; ds <= 1; ds++) {
    const ss = s + ds;
    if (ss < 0 || ss >= spixels) continue;
    for (let df = -1; df <= 1; df++) {
      const ff = f + df;
      if ((ds === 0 && df === 0) || ff < 0 || ff >= fpixels) continue;
      const j = ss * fpixels + ff;
      const u = img[j];
      if (u > v || (u === v && j < i)) return false;
    }
  }
  return true;
}

/** The `limit` brightest of `found` (ascending flat indices), brightest first, ties by flat index (slow, then fast). */
function brightest(img: Float32Array, found: number[], limit: number): number[] {
  let keep = found;
  if (found.length > limit) {
    // A noisy image has ~1/9 of its pixels as local maxima: cut with a native typed sort before the comparator sort.
    const values = Float32Array.from(found, (i) => img[i]).sort();
    const cut = limit > 0 ? values[values.length - limit] : Infinity;
    let atCut = limit - found.reduce((n, i) => n + (img[i] > cut ? 1 : 0), 0);
    keep = found.filter((i) => img[i] > cut || (img[i] === cut && atCut-- > 0));
  }
  return keep.sort((a, b) => img[b] - img[a] || a - b);
}

export interface PeakMatch {
  reference: Peak;
  candidate: Peak;
  distance: number;
}

export interface PeakComparison {
  referencePeaks: number;
  candidatePeaks: number;
  matched: PeakMatch[];
  unmatchedReference: Peak[];
  unmatchedCandidate: Peak[];
  /** Mean / max distance in pixels over matched pairs; null when nothing matched. */
  meanDistance: number | null;
  maxDistance: number | null;
  options: { relThreshold: number; absThreshold: number; maxPeaks: number; matchRadius: number };
}

export function matchPeaks(ref: Peak[], cand: Peak[], matchRadius: number = PEAK_DEFAULTS.matchRadius): Omit<PeakComparison, 'options'> {
  const pairs: { i: number; j: number; d: number }[] = [];
  for (let i = 0; i < ref.length; i++) {
    for (let j = 0; j < cand.length; j++) {
      const d = Math.hypot(ref[i].slow - cand[j].slow, ref[i].fast - cand[j].fast);
      if (d <= matchRadius) pairs.push({ i, j, d });
    }
  }
  pairs.sort((a, b) => a.d - b.d || a.i - b.i || a.j - b.j);
  const usedR = new Set<number>(), usedC = new Set<number>();
  const matched: PeakMatch[] = [];
  for (const p of pairs) {
    if (usedR.has(p.i) || usedC.has(p.j)) continue;
    usedR.add(p.i); usedC.add(p.j);
    matched.push({ reference: ref[p.i], candidate: cand[p.j], distance: p.d });
  }
  const distances = matched.map((m) => m.distance);
  return {
    referencePeaks: ref.length,
    candidatePeaks: cand.length,
    matched,
    unmatchedReference: ref.filter((_, i) => !usedR.has(i)),
    unmatchedCandidate: cand.filter((_, j) => !usedC.has(j)),
    meanDistance: distances.length ? distances.reduce((a, b) => a + b, 0) / distances.length : null,
    maxDistance: distances.length ? Math.max(...distances) : null,
  };
}

export function comparePeaks(reference: Float32Array, candidate: Float32Array, fpixels: number, opts: PeakOptions & { matchRadius?: number } = {}): PeakComparison {
  const options = {
    relThreshold: opts.relThreshold ?? PEAK_DEFAULTS.relThreshold,
    absThreshold: opts.absThreshold ?? PEAK_DEFAULTS.absThreshold,
    maxPeaks: opts.maxPeaks ?? PEAK_DEFAULTS.maxPeaks,
    matchRadius: opts.matchRadius ?? PEAK_DEFAULTS.matchRadius,
  };
  return { ...matchPeaks(findPeaks(reference, fpixels, options), findPeaks(candidate, fpixels, options), options.matchRadius), options };
}
