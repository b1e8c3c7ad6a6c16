// Number formatting shared by the webview, the Markdown export and (ideally) summary.md, so the three agree digit
// for digit: correlation and sum ratio with 6 decimals, other metrics in 4 significant digits.
import type { Thresholds } from './types.ts';

export function fmtFixed(v: number | null | undefined, decimals = 6): string {
  if (v === null || v === undefined) return 'n/a';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+inf' : '-inf';
  return v.toFixed(decimals);
}

export const fmtCorrelation = (v: number | null | undefined): string => fmtFixed(v, 6);
export const fmtSumRatio = (v: number | null | undefined): string => fmtFixed(v, 6);

/** 4 significant digits, exponent form outside [1e-3, 1e5). */
export function fmtNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** Threshold of one metric as a short limit text, or undefined when the case does not check it. */
export function thresholdText(metric: 'correlation' | 'sumRatio' | 'rmse' | 'maxAbsDiff', t: Thresholds): string | undefined {
  switch (metric) {
    case 'correlation': return t.corrMin === undefined ? undefined : `≥ ${t.corrMin}`;
    case 'sumRatio': {
      const parts: string[] = [];
      if (t.sumRatioTol !== undefined) parts.push(`|r − 1| ≤ ${t.sumRatioTol}`);
      if (t.sumRatioMin !== undefined && t.sumRatioMax !== undefined) parts.push(`in [${t.sumRatioMin}, ${t.sumRatioMax}]`);
      else if (t.sumRatioMin !== undefined) parts.push(`≥ ${t.sumRatioMin}`);
      else if (t.sumRatioMax !== undefined) parts.push(`≤ ${t.sumRatioMax}`);
      return parts.length ? parts.join(', ') : undefined;
    }
    case 'rmse': return t.rmseMax === undefined ? undefined : `≤ ${t.rmseMax}`;
    case 'maxAbsDiff': return t.maxAbsMax === undefined ? undefined : `≤ ${t.maxAbsMax}`;
  }
}

/** Whether a metric meets its threshold: true/false, or undefined when unchecked or not computable. */
export function meetsThreshold(metric: 'correlation' | 'sumRatio' | 'rmse' | 'maxAbsDiff', v: number | null | undefined, t: Thresholds): boolean | undefined {
  if (thresholdText(metric, t) === undefined) return undefined;
  if (v === null || v === undefined || !Number.isFinite(v)) return false;
  switch (metric) {
    case 'correlation': return v >= (t.corrMin as number);
    case 'sumRatio':
      return (t.sumRatioTol === undefined || Math.abs(v - 1) <= t.sumRatioTol)
        && (t.sumRatioMin === undefined || v >= t.sumRatioMin)
        && (t.sumRatioMax === undefined || v <= t.sumRatioMax);
    case 'rmse': return v <= (t.rmseMax as number);
    case 'maxAbsDiff': return v <= (t.maxAbsMax as number);
  }
}
