// Colour maps as 256-entry RGBA lookup tables, and the mapping of float values to [0, 1] (linear, log, symmetric).
// The stops are our own: a dark-violet → teal → yellow sequential map with rising lightness (readable in grey),
// a blue → neutral → red diverging map whose two arms have matching lightness, and plain grey.

export type SequentialMap = 'viridis' | 'grey';
export type MapName = SequentialMap | 'diverging';
type Stop = [number, number, number, number]; // position, r, g, b

const STOPS: Record<MapName, Stop[]> = {
  viridis: [
    [0, 48, 18, 82], [0.2, 62, 66, 135], [0.4, 45, 112, 142], [0.6, 34, 156, 130], [0.8, 104, 198, 86], [1, 246, 228, 58],
  ],
  grey: [[0, 0, 0, 0], [1, 255, 255, 255]],
  diverging: [[0, 45, 95, 190], [0.25, 150, 180, 225], [0.5, 240, 240, 240], [0.75, 230, 160, 150], [1, 200, 55, 45]],
};

export const LUT_SIZE = 256;
const cache = new Map<MapName, Uint8ClampedArray>();

/** RGBA table of LUT_SIZE entries, opaque. */
export function lut(name: MapName): Uint8ClampedArray {
  const hit = cache.get(name);
  if (hit) return hit;
  const stops = STOPS[name];
  const out = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const t = i / (LUT_SIZE - 1);
    let k = 0;
    while (k < stops.length - 2 && t > stops[k + 1][0]) k++;
    const [t0, r0, g0, b0] = stops[k];
    const [t1, r1, g1, b1] = stops[k + 1];
    const u = t1 === t0 ? 0 : (t - t0) / (t1 - t0);
    out[i * 4] = Math.round(r0 + (r1 - r0) * u);
    out[i * 4 + 1] = Math.round(g0 + (g1 - g0) * u);
    out[i * 4 + 2] = Math.round(b0 + (b1 - b0) * u);
    out[i * 4 + 3] = 255;
  }
  cache.set(name, out);
  return out;
}

/** CSS colour of a map at t ∈ [0, 1], for legends. */
export function cssColor(name: MapName, t: number): string {
  const table = lut(name);
  const i = Math.max(0, Math.min(LUT_SIZE - 1, Math.round(t * (LUT_SIZE - 1)))) * 4;
  return `rgb(${table[i]}, ${table[i + 1]}, ${table[i + 2]})`;
}

/** Sorted finite values (|v| when `absolute`); large inputs are sampled with a fixed stride to at most `maxSamples`. */
export function sortedSample(values: ArrayLike<number>, opts: { absolute?: boolean; maxSamples?: number } = {}): Float64Array {
  // 65 536 samples put a p99.5 clip within a fraction of a percentile of the exact value, at a tenth of the sort cost.
  const max = opts.maxSamples ?? 65_536;
  const stride = Math.max(1, Math.ceil(values.length / max));
  const sample = new Float64Array(Math.ceil(values.length / stride));
  let n = 0;
  for (let i = 0; i < values.length; i += stride) {
    const v = opts.absolute ? Math.abs(values[i]) : values[i];
    if (Number.isFinite(v)) sample[n++] = v;
  }
  return sample.subarray(0, n).sort();
}

/** Percentile p ∈ [0, 100] of an ascending array (linear interpolation); NaN when empty. */
export function quantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Percentile p ∈ [0, 100] of the finite values (of |v| when `absolute`); exact up to `maxSamples` values. */
export function percentile(values: ArrayLike<number>, p: number, opts: { absolute?: boolean; maxSamples?: number } = {}): number {
  return quantile(sortedSample(values, opts), p);
}

/** How values become t ∈ [0, 1]: a linear or log ramp between lo and hi, or a symmetric ramp around `center`. */
export type Mapping =
  | { kind: 'linear'; lo: number; hi: number }
  | { kind: 'log'; floor: number; hi: number }
  | { kind: 'symmetric'; center: number; halfRange: number; log: boolean };

/** Log ramps span at most this many decades: enough for a Bragg peak 10⁹× its background, yet one stray tiny value cannot flatten the picture. */
export const MAX_LOG_DECADES = 12;

/**
 * Intensity mapping: lo = min (linear), hi = the clip percentile. Log starts at the 1st percentile of the positive
 * values, nearest rank (so the background stays on the ramp even when no clip puts hi at a peak far above it), at most
 * MAX_LOG_DECADES below hi and at least one decade below it.
 */
export function intensityMapping(img: ArrayLike<number>, scale: 'linear' | 'log', clipPercentile: number): Mapping {
  const sorted = sortedSample(img);
  let hi = quantile(sorted, clipPercentile);
  if (scale === 'log') {
    if (!(hi > 0)) hi = 1;
    let firstPos = 0;
    while (firstPos < sorted.length && !(sorted[firstPos] > 0)) firstPos++;
    // Nearest rank below (not interpolated): on small images this is the smallest positive value itself.
    const nPos = sorted.length - firstPos;
    const low = nPos > 0 ? sorted[firstPos + Math.floor(0.01 * (nPos - 1))] : Number.NaN;
    const floor = Math.min(hi / 10, Math.max(hi * 10 ** -MAX_LOG_DECADES, Number.isFinite(low) ? low : hi * 1e-6));
    return { kind: 'log', floor, hi };
  }
  // The true minimum (not a sampled one), so the darkest pixel of the image is the bottom of the map.
  let lo = Infinity;
  for (let i = 0; i < img.length; i++) { const v = img[i]; if (v < lo) lo = v; }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { kind: 'linear', lo: 0, hi: 1 };
  return { kind: 'linear', lo, hi: hi > lo ? hi : lo + 1 };
}

/** Symmetric mapping of a difference image: ±(clip percentile of |v − center|); log = symmetric log. */
export function symmetricMapping(img: ArrayLike<number>, center: number, scale: 'linear' | 'log', clipPercentile: number): Mapping {
  let half: number;
  if (center === 0) half = percentile(img, clipPercentile, { absolute: true });
  else {
    const shifted = new Float64Array(img.length);
    for (let i = 0; i < img.length; i++) shifted[i] = img[i] - center;
    half = percentile(shifted, clipPercentile, { absolute: true });
  }
  if (!(half > 0)) half = 1;
  return { kind: 'symmetric', center, halfRange: half, log: scale === 'log' };
}

/** t ∈ [0, 1], or NaN for a non-finite value (drawn as "no data"). */
export function mapValue(v: number, m: Mapping): number {
  if (!Number.isFinite(v)) return Number.NaN;
  let t: number;
  switch (m.kind) {
    case 'linear': t = (v - m.lo) / (m.hi - m.lo); break;
    case 'log': t = v <= m.floor ? 0 : Math.log(v / m.floor) / Math.log(m.hi / m.floor); break;
    case 'symmetric': {
      const d = v - m.center;
      // Symmetric log: linear within halfRange/1000 of the centre, logarithmic beyond; sign kept.
      const u = m.log
        ? Math.sign(d) * Math.log1p(Math.abs(d) / (m.halfRange / 1000)) / Math.log1p(1000)
        : d / m.halfRange;
      t = 0.5 + 0.5 * u;
      break;
    }
  }
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** Fill RGBA pixels (row-major, fpixels per row) from a float image; non-finite pixels get `noData`. */
export function colorize(img: ArrayLike<number>, m: Mapping, name: MapName, out?: Uint8ClampedArray,
  noData: [number, number, number, number] = [128, 128, 128, 0]): Uint8ClampedArray {
  const table = lut(name);
  const rgba = out ?? new Uint8ClampedArray(img.length * 4);
  for (let i = 0; i < img.length; i++) {
    const t = mapValue(img[i], m);
    const o = i * 4;
    if (Number.isNaN(t)) { rgba[o] = noData[0]; rgba[o + 1] = noData[1]; rgba[o + 2] = noData[2]; rgba[o + 3] = noData[3]; continue; }
    const k = Math.round(t * (LUT_SIZE - 1)) * 4;
    rgba[o] = table[k]; rgba[o + 1] = table[k + 1]; rgba[o + 2] = table[k + 2]; rgba[o + 3] = 255;
  }
  return rgba;
}

/** Relative luminance (sRGB, linearised) of an entry: used by tests and to choose legend text colours. */
export function luminance(r: number, g: number, b: number): number {
  const lin = (c: number) => { const s = c / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
