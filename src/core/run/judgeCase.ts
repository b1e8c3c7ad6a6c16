// The numbers of one case: full-frame metrics, the region's metrics when the case (or `run --roi`) names one — the
// verdict is then judged on the region and says so — and the two images' Bragg peaks matched.
import type { CaseResult, EngineRun, Metrics, Roi, Thresholds, Verdict } from '../../shared/types.ts';
import { formatRoi, RoiError } from '../../shared/roi.ts';
import { computeMetrics } from '../metrics/metrics.ts';
import { computeRoiMetrics } from '../metrics/roi.ts';
import { peakSummary } from '../metrics/peakSummary.ts';
import { fmt, judge } from '../metrics/verdict.ts';

export type CaseNumbers = Pick<CaseResult, 'metrics' | 'roi' | 'roiMetrics' | 'peaks' | 'verdict'>;

export function judgeCase(reference: EngineRun, candidate: EngineRun, thresholds: Thresholds, roi?: Roi): CaseNumbers {
  const sameSize = !!reference.image && !!candidate.image && reference.fpixels === candidate.fpixels && reference.spixels === candidate.spixels;
  const metrics = sameSize ? computeMetrics(reference.image!, candidate.image!, reference.fpixels) : undefined;
  const full = judge({ metrics, thresholds, reference, candidate });
  if (!sameSize || !metrics) return { metrics, roi, verdict: full };
  const peaks = peakSummary(reference.image!, candidate.image!, reference.fpixels);
  if (!roi) return { metrics, peaks, verdict: full };
  let roiMetrics: Metrics;
  try {
    roiMetrics = computeRoiMetrics(reference.image!, candidate.image!, reference.fpixels, roi).metrics;
  } catch (e) {
    if (!(e instanceof RoiError)) throw e;
    return { metrics, roi, peaks, verdict: { status: 'error', reason: `${e.message}; fix the case's roi (or --roi)`, failed: [] } };
  }
  return { metrics, roi, roiMetrics, peaks, verdict: roiVerdict(judge({ metrics: roiMetrics, thresholds, reference, candidate }), roi, metrics) };
}

/** The region's verdict, saying it is the region's and what the full frame shows. */
function roiVerdict(v: Verdict, roi: Roi, full: Metrics): Verdict {
  if (v.status === 'error') return { ...v, reason: `${v.reason} (ROI ${formatRoi(roi)})` };
  const note = `(ROI ${formatRoi(roi)}; full frame corr ${fmt(full.correlation)}, sum ratio ${fmt(full.sumRatio)})`;
  return { ...v, reason: `${v.reason} ${note}`, failed: v.failed.map((f) => ({ ...f, metric: `ROI ${f.metric}` })) };
}
