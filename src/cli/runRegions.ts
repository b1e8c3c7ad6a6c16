// `nb-parity run` output for regions of interest and peaks: the JSON fields and the lines under the result table.
import type { Bundle, CaseResult } from '../shared/types.ts';
import { formatRoi } from '../shared/roi.ts';
import { describePeaks } from '../core/metrics/peakSummary.ts';
import { metricsFields, num } from '../core/evidence/texts.ts';

/** `roi` and `peaks` of one case in `run --json` (null when the case has none). */
export function regionJson(c: CaseResult): { roi: Record<string, unknown> | null; peaks: CaseResult['peaks'] | null } {
  return {
    roi: c.roi ? { ...c.roi, metrics: c.roiMetrics ? metricsFields(c.roiMetrics) : null } : null,
    peaks: c.peaks ?? null,
  };
}

/** "TC-X: ROI 100,160,90,150 (judged): corr … sum ratio …; full frame corr …" and one peaks line per case. */
export function regionLines(b: Bundle): string[] {
  const out: string[] = [];
  const rois = b.cases.filter((c) => c.roi);
  if (rois.length) {
    out.push('', 'Regions of interest (the verdict is judged on the ROI; X0,X1,Y0,Y1 = fast min, fast max, slow min, slow max, inclusive):');
    for (const c of rois) {
      const r = c.roiMetrics;
      out.push(`  ${c.caseId}: ROI ${formatRoi(c.roi!)}: ${r ? `corr ${num(r.correlation)}, sum ratio ${num(r.sumRatio)}, RMSE ${num(r.rmse)}, max|Δ| ${num(r.maxAbsDiff)}` : 'no ROI metrics'}; full frame corr ${num(c.metrics?.correlation)}, sum ratio ${num(c.metrics?.sumRatio)}`);
    }
  }
  const peaks = b.cases.filter((c) => c.peaks);
  if (peaks.length) {
    out.push('', 'Peaks (reference vs candidate):');
    for (const c of peaks) out.push(`  ${c.caseId}: ${describePeaks(c.peaks!)}`);
  }
  return out;
}
