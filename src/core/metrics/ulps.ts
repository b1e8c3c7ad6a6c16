// Float32 resolution at a pixel's value: a max-|Δ| threshold tighter than a few float32 steps of the
// pixel itself cannot be met by two float32 images of the same physics (a 9.4e8-count pixel has a
// spacing of 64, so "max|Δ| ≤ 500" is ~8 ulps). Saying so keeps users from hunting physics in rounding.
import { formatNumber } from '../../shared/format.ts';

/** Distance from |v| to the next float32 (its ulp); 0 for non-finite v. */
export function float32Spacing(v: number): number {
  const a = Math.abs(Math.fround(v));
  if (!Number.isFinite(a)) return 0;
  if (a < 2 ** -126) return 2 ** -149;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return 2 ** (e - 23);
}

/** Up to this many float32 steps of the pixel's value, a max-|Δ| miss is worth the sentence. */
export const FEW_ULPS = 16;

/**
 * When max|Δ| misses its limit by no more than a few float32 steps of the pixel's own value, the sentence
 * that says so (for the verdict text); otherwise undefined. Pass/fail is not this function's business.
 */
export function float32ResolutionNote(maxAbsDiff: number, limit: number, pixelValue: number, fewUlps = FEW_ULPS): string | undefined {
  if (!(maxAbsDiff > limit) || !Number.isFinite(maxAbsDiff) || !Number.isFinite(pixelValue)) return undefined;
  const spacing = float32Spacing(pixelValue);
  if (spacing === 0) return undefined;
  const ulps = maxAbsDiff / spacing;
  if (ulps > fewUlps) return undefined;
  const round = (x: number) =>
    formatNumber(x, { form: 'significant', digits: 3, plain: [1e-3, 1e6], exponentDigits: 2, trimExponent: true }).replace('e+', 'e');
  const limitUlps = limit / spacing;
  return (
    `max|Δ| ${round(maxAbsDiff)} is ${round(ulps)} float32 ulps of that pixel's value ${round(pixelValue)} (float32 spacing ${round(spacing)} there); ` +
    `the limit ${round(limit)} is ${limitUlps < 1 ? 'below one ulp' : `${round(limitUlps)} ulps`} — float32 rounding, not necessarily physics`
  );
}
