// Number formatting for every surface (webview, Markdown export, Test Explorer, bundle texts, ledger lines, CLI):
// one function, `formatNumber`, with the form (fixed decimals or significant digits) and the spellings of the
// special values as options. Each surface keeps its own spelling because its text is part of a format (bundle
// files and fix_plan.md lines are read back and asserted), but they all go through the same rules here.
import type { Thresholds } from './types.ts';

export interface NumberFormat {
  /** 'fixed': `digits` decimals (v.toFixed); 'significant': `digits` significant digits, trailing zeros dropped. */
  form: 'fixed' | 'significant';
  digits: number;
  /** |v| in [min, max) is written plainly, other non-zero values in exponent form. Default: always plain. */
  plain?: readonly [number, number];
  /** Mantissa decimals of the exponent form (default digits − 1). */
  exponentDigits?: number;
  /** Drop trailing zeros of the exponent form's mantissa (2.500e-5 → 2.5e-5). */
  trimExponent?: boolean;
  /** Spelling of null/undefined, NaN, +Infinity and −Infinity. Defaults: 'n/a', 'NaN', '+inf', '-inf'. */
  missing?: string;
  nan?: string;
  posInf?: string;
  negInf?: string;
}

/** A number as text by `f`: finite values in the chosen form, missing / NaN / ±Inf in the chosen spellings. */
export function formatNumber(v: number | null | undefined, f: NumberFormat): string {
  if (v === null || v === undefined) return f.missing ?? 'n/a';
  if (Number.isNaN(v)) return f.nan ?? 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? (f.posInf ?? '+inf') : (f.negInf ?? '-inf');
  const a = Math.abs(v);
  if (v !== 0 && f.plain && (a < f.plain[0] || a >= f.plain[1])) {
    const e = v.toExponential(f.exponentDigits ?? Math.max(0, f.digits - 1));
    return f.trimExponent ? e.replace(/\.?0+e/, 'e') : e;
  }
  if (f.form === 'fixed') return v.toFixed(f.digits);
  return v === 0 ? '0' : String(Number(v.toPrecision(f.digits)));
}

/** The spellings String(v) gives (NaN, Infinity, -Infinity), for texts that always printed those. */
export const JS_SPECIALS = { nan: 'NaN', posInf: 'Infinity', negInf: '-Infinity' } as const;

export function fmtFixed(v: number | null | undefined, decimals = 6): string {
  return formatNumber(v, { form: 'fixed', digits: decimals });
}

export const fmtCorrelation = (v: number | null | undefined): string => fmtFixed(v, 6);
export const fmtSumRatio = (v: number | null | undefined): string => fmtFixed(v, 6);

/** 4 significant digits, exponent form outside [1e-3, 1e5). */
export const SIG4: NumberFormat = { form: 'significant', digits: 4, plain: [1e-3, 1e5], exponentDigits: 3 };

export function fmtNumber(v: number | null | undefined): string {
  return formatNumber(v, SIG4);
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
