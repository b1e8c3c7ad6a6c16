// The peak markers of a case for the webview: every peak of both images (core/metrics/peaks, the defaults the
// run reports in metrics.json), each flagged matched or not, so the webview can draw the two kinds differently.
import { comparePeaks, type Peak } from '../../core/metrics/peaks.ts';
import type { PeakPoint, PeaksMessage } from '../../shared/compareMessages.ts';

export function peaksMessage(caseId: string, reference: Float32Array, candidate: Float32Array, fpixels: number): PeaksMessage {
  const cmp = comparePeaks(reference, candidate, fpixels);
  const point = (p: Peak, matched: boolean): PeakPoint => ({ slow: p.slow, fast: p.fast, matched });
  return {
    type: 'peaks',
    caseId,
    reference: [...cmp.matched.map((m) => point(m.reference, true)), ...cmp.unmatchedReference.map((p) => point(p, false))],
    candidate: [...cmp.matched.map((m) => point(m.candidate, true)), ...cmp.unmatchedCandidate.map((p) => point(p, false))],
    matchedCount: cmp.matched.length,
    meanDistance: cmp.meanDistance,
    maxDistance: cmp.maxDistance,
  };
}
