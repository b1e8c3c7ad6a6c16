// Threshold spellings: parity_cases.yaml uses snake_case (corr_min, sum_ratio_min...), our JSON uses the Thresholds keys.
import type { Thresholds } from '../../shared/types.ts';

const SNAKE: Record<string, keyof Thresholds> = {
  corr_min: 'corrMin',
  sum_ratio_tol: 'sumRatioTol',
  sum_ratio_min: 'sumRatioMin',
  sum_ratio_max: 'sumRatioMax',
  max_abs_max: 'maxAbsMax',
  rmse_max: 'rmseMax',
};

/** Convert a YAML thresholds map; unknown or non-numeric keys are reported (and ignored) rather than guessed. */
export function thresholdsFromSnake(v: unknown, where: string, errors: string[]): Thresholds | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) {
    errors.push(`${where}: expected a mapping like {corr_min: 0.999, sum_ratio_min: 0.99, sum_ratio_max: 1.01}`);
    return undefined;
  }
  const out: Thresholds = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const key = SNAKE[k] ?? (Object.values(SNAKE).includes(k as keyof Thresholds) ? (k as keyof Thresholds) : undefined);
    if (!key) { errors.push(`${where}.${k}: unknown threshold (known: ${Object.keys(SNAKE).join(', ')}); it is not checked`); continue; }
    if (typeof val !== 'number' || !Number.isFinite(val)) { errors.push(`${where}.${k}: expected a number, got ${JSON.stringify(val)}`); continue; }
    out[key] = val;
  }
  return out;
}

/** "corr ≥ 0.999, |sum ratio − 1| ≤ 0.001" for listings (the analysis layer has the verdict wording). */
export function describeThresholds(t: Thresholds): string {
  const parts: string[] = [];
  if (t.corrMin !== undefined) parts.push(`corr ≥ ${t.corrMin}`);
  if (t.sumRatioTol !== undefined) parts.push(`|sum ratio − 1| ≤ ${t.sumRatioTol}`);
  if (t.sumRatioMin !== undefined) parts.push(`sum ratio ≥ ${t.sumRatioMin}`);
  if (t.sumRatioMax !== undefined) parts.push(`sum ratio ≤ ${t.sumRatioMax}`);
  if (t.maxAbsMax !== undefined) parts.push(`max|Δ| ≤ ${t.maxAbsMax}`);
  if (t.rmseMax !== undefined) parts.push(`RMSE ≤ ${t.rmseMax}`);
  return parts.length ? parts.join(', ') : 'no thresholds (always passes when both runs succeed)';
}
