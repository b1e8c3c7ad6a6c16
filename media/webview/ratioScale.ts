// The ratio map on a log₂ scale: t = ½ + ½·log₂(r)/half, so ratio 1 is the neutral centre and ×2 and ×½ sit at
// equal distances on either side (a linear scale around 1 squeezes every "dimmer" pixel into [0, 1) and makes a
// candidate 10¹¹× too dim look neutral). Ratios that have no logarithm get their own classes and colours:
// 0 (candidate 0, reference not), ∞ (reference 0, candidate not) and NaN (0/0, a negative ratio, a NaN input).
import { LUT_SIZE, lut, quantile } from './colormap.ts';

export type RatioClass = 'zero' | 'inf' | 'nan';
export interface RatioCounts { finite: number; zero: number; inf: number; nan: number }
export interface Log2RatioMapping { kind: 'log2ratio'; half: number }

/** Colours of the classes: apart from both diverging arms (blue / red) and from the light neutral centre. */
export const RATIO_CLASS_COLOURS: Record<RatioClass, [number, number, number, number]> = {
  zero: [0, 0, 0, 255],
  inf: [255, 200, 0, 255],
  nan: [170, 0, 170, 255],
};
export const RATIO_CLASS_LABELS: Record<RatioClass, string> = { zero: '0', inf: '∞', nan: 'NaN' };

/** Smallest half-range: ±1 % (so two identical images stay neutral instead of amplifying float rounding). */
export const MIN_HALF = Math.log2(1.01);

/** The class of a ratio without a finite logarithm, or undefined for a positive finite ratio. */
export function ratioClass(r: number): RatioClass | undefined {
  if (r > 0 && r < Infinity) return undefined;
  if (r === 0) return 'zero';
  if (r === Infinity) return 'inf';
  return 'nan'; // NaN, negative, −∞
}

export function countRatioClasses(ratios: ArrayLike<number>): RatioCounts {
  const c: RatioCounts = { finite: 0, zero: 0, inf: 0, nan: 0 };
  for (let i = 0; i < ratios.length; i++) {
    const k = ratioClass(ratios[i]);
    if (k) c[k]++; else c.finite++;
  }
  return c;
}

/** Half-range (in log₂ units) = the clip percentile of |log₂ r| over the positive finite ratios, at least MIN_HALF. */
export function log2RatioMapping(ratios: ArrayLike<number>, clipPercentile: number, maxSamples = 65_536): Log2RatioMapping {
  const stride = Math.max(1, Math.ceil(ratios.length / maxSamples));
  const sample = new Float64Array(Math.ceil(ratios.length / stride));
  let n = 0;
  for (let i = 0; i < ratios.length; i += stride) {
    const r = ratios[i];
    if (r > 0 && r < Infinity) sample[n++] = Math.abs(Math.log2(r));
  }
  const q = quantile(sample.subarray(0, n).sort(), clipPercentile);
  return { kind: 'log2ratio', half: q > MIN_HALF ? q : MIN_HALF };
}

/** t ∈ [0, 1] of a positive finite ratio (clamped); NaN for the classes. */
export function mapRatio(r: number, m: Log2RatioMapping): number {
  if (ratioClass(r)) return Number.NaN;
  const t = 0.5 + 0.5 * Math.log2(r) / m.half;
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** "×2", "×½", "×1.41": the ratio at a legend tick (2^x), in words a reader sees at once. */
export function ratioTick(log2: number): string {
  const r = 2 ** log2;
  if (Math.abs(r - 0.5) < 1e-9) return '×½';
  if (r >= 1) return `×${formatRatio(r)}`;
  return `×1/${formatRatio(1 / r)}`;
}

function formatRatio(r: number): string {
  if (r >= 1e4) return r.toExponential(1).replace('e+', 'e');
  return Number(r.toPrecision(3)).toString();
}

/** RGBA pixels of a ratio image: the diverging map on log₂ r, the classes in their own colours. */
export function colorizeRatio(ratios: ArrayLike<number>, m: Log2RatioMapping, out?: Uint8ClampedArray): Uint8ClampedArray {
  const table = lut('diverging');
  const rgba = out ?? new Uint8ClampedArray(ratios.length * 4);
  for (let i = 0; i < ratios.length; i++) {
    const r = ratios[i];
    const o = i * 4;
    const k = ratioClass(r);
    if (k) { const c = RATIO_CLASS_COLOURS[k]; rgba[o] = c[0]; rgba[o + 1] = c[1]; rgba[o + 2] = c[2]; rgba[o + 3] = c[3]; continue; }
    const t = 0.5 + 0.5 * Math.log2(r) / m.half;
    const j = Math.round((t < 0 ? 0 : t > 1 ? 1 : t) * (LUT_SIZE - 1)) * 4;
    rgba[o] = table[j]; rgba[o + 1] = table[j + 1]; rgba[o + 2] = table[j + 2]; rgba[o + 3] = 255;
  }
  return rgba;
}
