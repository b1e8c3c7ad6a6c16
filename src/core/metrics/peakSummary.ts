// What a bundle keeps of a peak comparison (peaks.ts): counts, distances, and capped lists of the unmatched peaks.
import type { PeakSummary } from '../../shared/types.ts';
import { comparePeaks } from './peaks.ts';
import { fmt } from './verdict.ts';

/** Unmatched peaks kept per side in metrics.json / bundle.json (the counts say how many there are in all). */
export const PEAK_LIST_CAP = 50;

export function peakSummary(reference: Float32Array, candidate: Float32Array, fpixels: number): PeakSummary {
  const p = comparePeaks(reference, candidate, fpixels);
  return {
    referencePeaks: p.referencePeaks,
    candidatePeaks: p.candidatePeaks,
    matched: p.matched.length,
    meanDistance: p.meanDistance,
    maxDistance: p.maxDistance,
    unmatchedReference: p.unmatchedReference.slice(0, PEAK_LIST_CAP),
    unmatchedCandidate: p.unmatchedCandidate.slice(0, PEAK_LIST_CAP),
    unmatchedReferenceCount: p.unmatchedReference.length,
    unmatchedCandidateCount: p.unmatchedCandidate.length,
    options: p.options,
  };
}

/** "37/38 matched, mean 0.12 px, max 1.0 px" (of the reference's peaks), for summary.md and the CLI. */
export function describePeaks(p: PeakSummary): string {
  const dist = p.meanDistance === null ? 'no distances' : `mean ${fmt(p.meanDistance, 3)} px, max ${fmt(p.maxDistance, 3)} px`;
  const extra = p.unmatchedCandidateCount ? `, ${p.unmatchedCandidateCount} candidate peak(s) unmatched` : '';
  return `${p.matched}/${p.referencePeaks} matched, ${dist}${extra}`;
}
