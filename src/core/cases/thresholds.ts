// Threshold spellings: parity_cases.yaml uses snake_case (corr_min, sum_ratio_min...), our JSON uses the Thresholds keys.
import type { Thresholds } from '../../shared/types.ts';
import { didYouMean } from './suggest.ts';

const SNAKE: Record<string, keyof Thresholds> = {
  corr_min: 'corrMin',
  sum_ratio_tol: 'sumRatioTol',
  sum_ratio_min: 'sumRatioMin',
  sum_ratio_max: 'sumRatioMax',
  max_abs_max: 'maxAbsMax',
  rmse_max: 'rmseMax',
};

/** Every spelling a thresholds map may use (snake_case or the Thresholds keys). */
export const THRESHOLD_KEYS: readonly string[] = [...Object.keys(SNAKE), ...Object.values(SNAKE)];

/**
 * Convert a YAML thresholds map. `undefined` means the key is absent (the caller applies the seed's gate); `null`
 * means the map was present but cannot be read (quoted numbers, .nan, unknown keys, an empty map): the case is an
 * error, never a case with no gate that always passes.
 */
export function thresholdsFromSnake(v: unknown, where: string, errors: string[]): Thresholds | undefined | null {
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    errors.push(`${where}: expected a mapping like {corr_min: 0.999, sum_ratio_min: 0.99, sum_ratio_max: 1.01}, got ${JSON.stringify(v)}; the case is not run (remove the key to use the seed's gate)`);
    return null;
  }
  const out: Thresholds = {};
  let bad = false;
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const key = SNAKE[k] ?? (Object.values(SNAKE).includes(k as keyof Thresholds) ? (k as keyof Thresholds) : undefined);
    if (!key) { errors.push(`${where}.${k}: unknown threshold${didYouMean(k, Object.keys(SNAKE))} (known: ${Object.keys(SNAKE).join(', ')}); the case is not run`); bad = true; continue; }
    if (typeof val !== 'number' || !Number.isFinite(val)) { errors.push(`${where}.${k}: expected a number, got ${JSON.stringify(val) ?? String(val)}${typeof val === 'string' ? ' (a quoted number is text: remove the quotes)' : ''}; the case is not run`); bad = true; continue; }
    out[key] = val;
  }
  if (bad) return null;
  if (Object.keys(out).length === 0) {
    errors.push(`${where}: empty thresholds map: the case would pass whatever the images are; give at least one (e.g. corr_min: 0.999) or remove the key to use the seed's gate; the case is not run`);
    return null;
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
