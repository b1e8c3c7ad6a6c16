// PNG previews of float images for bundles and the ledger: intensity (percentile-clipped, linear or log, a dark→bright
// sequential map) and difference (symmetric around 0, blue → white → red). Non-finite pixels are painted magenta so
// a NaN region is never mistaken for "dark".
//
// Speed matters (three previews per case sit on the parity run's critical path): pixels map to one of 255 colour
// levels + magenta through a palette, the clip percentiles come from one counting pass over the float32 bit patterns,
// and the log scale from a table over the same keys. pngjs writes the file (RGB, Paeth filter: ~5 ms at 256²).
import { PNG } from 'pngjs';

export interface PngOptions {
  kind: 'intensity' | 'difference';
  scale?: 'linear' | 'log';
  /** Percentiles used to clip the intensity range (default 0.5 and 99.5). */
  lowPercentile?: number;
  highPercentile?: number;
}

/** Colour levels of a preview (palette entries 0..LEVELS-1); the next entry is the non-finite colour. */
export const LEVELS = 255;
/** Palette index of non-finite pixels (magenta). */
export const NON_FINITE_INDEX = LEVELS;
const NON_FINITE: [number, number, number] = [255, 0, 255];

// Sequential map (black → purple → orange → pale yellow), control points in sRGB.
const SEQUENTIAL: [number, number, number][] = [
  [0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66], [245, 125, 21], [250, 193, 39], [252, 255, 164],
];
// Diverging map: blue at −limit, white at 0 (the middle level, 127 of 0..254), red at +limit.
const DIVERGING: [number, number, number][] = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [247, 247, 247], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

/** PLTE payload: LEVELS colours interpolated along the stops, then magenta. */
function palette(stops: [number, number, number][]): Buffer {
  const out = Buffer.alloc((LEVELS + 1) * 3);
  for (let i = 0; i < LEVELS; i++) {
    const x = (i / (LEVELS - 1)) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(x));
    const t = x - k;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(stops[k][c] * (1 - t) + stops[k + 1][c] * t);
  }
  out.set(NON_FINITE, LEVELS * 3);
  return out;
}

const SEQ_PLTE = palette(SEQUENTIAL);
const DIV_PLTE = palette(DIVERGING);

// --- percentiles from a histogram over float32 bit patterns -------------------------------------------------------
// The top 16 bits of a float32 (sign, exponent, 7 mantissa bits) split the number line into buckets of 1/128 of a
// binade (<0.8 % of the value), ordered like the values within each sign. One counting pass gives every percentile a
// preview needs, to well within one of the 255 colour levels, with no sort and no sample.

const KEYS = 1 << 16;
const POS_FINITE_END = 0x7f80; // keys 0x7f80..0x7fff and 0xff80..0xffff hold ±Inf and NaN
const NEG = 0x8000;

function bitsOf(img: Float32Array): Uint32Array {
  return new Uint32Array(img.buffer, img.byteOffset, img.length);
}

/** Count of pixels per 16-bit key. */
export function keyHistogram(img: Float32Array): Uint32Array {
  const h = new Uint32Array(KEYS);
  const u = bitsOf(img);
  for (let i = 0; i < u.length; i++) h[u[i] >>> 16]++;
  return h;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function floatOf(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0];
}

/** Which finite values a percentile ranks: all of them, their magnitudes, or the strictly positive ones. */
export type PercentileDomain = 'finite' | 'abs' | 'positive';

/**
 * Percentiles (0..100) of the finite values of `img` (as numpy's default: ranks interpolated linearly), exact: the
 * key histogram `h` of img finds the bucket of each wanted rank, then only those buckets' values are sorted.
 * NaN when the domain is empty.
 */
export function histogramPercentiles(img: Float32Array, h: Uint32Array, percents: number[], domain: PercentileDomain = 'finite'): number[] {
  // Walk the buckets in increasing value order: 'finite' goes through the negative keys first (most negative
  // first), 'abs' folds the sign bit, 'positive' skips key 0 (+0 and the tiniest subnormals).
  const E = POS_FINITE_END;
  const finite = domain === 'finite';
  const abs = domain === 'abs';
  const first = domain === 'positive' ? 1 : 0;
  const end = finite ? 2 * E : E;
  let n = 0;
  for (let k = first; k < E; k++) n += h[k];
  if (finite || abs) for (let k = NEG; k < NEG + E; k++) n += h[k];
  if (!n) return percents.map(() => NaN);
  const ranks = percents.map((p) => (Math.min(100, Math.max(0, p)) / 100) * (n - 1));
  const wanted = [...new Set(ranks.flatMap((x) => [Math.floor(x), Math.min(n - 1, Math.floor(x) + 1)]))].sort((x, y) => x - y);
  // Rank → [bucket key (sign folded for 'abs'), rank within the bucket]; bucket sizes by key.
  const where = new Map<number, [number, number]>();
  const size = new Map<number, number>();
  let before = 0;
  let w = 0;
  for (let pos = first; pos < end && w < wanted.length; pos++) {
    const key = finite ? (pos < E ? NEG + E - 1 - pos : pos - E) : pos;
    const c = abs ? h[key] + h[key | NEG] : h[key];
    if (!c) continue;
    for (; w < wanted.length && wanted[w] < before + c; w++) { where.set(wanted[w], [key, wanted[w] - before]); size.set(key, c); }
    before += c;
  }
  // One pass collects the values of the few buckets involved (|v| for 'abs') into typed arrays, sorted natively.
  const values = new Map<number, { a: Float64Array; n: number }>();
  const mask = new Uint8Array(KEYS); // keys whose values are wanted, so most pixels cost one byte read
  for (const [key, c] of size) {
    values.set(key, { a: new Float64Array(c), n: 0 });
    mask[key] = 1;
    if (abs) mask[key | NEG] = 1;
  }
  const u = bitsOf(img);
  for (let i = 0; i < u.length; i++) {
    const key = u[i] >>> 16;
    if (mask[key]) { const b = values.get(abs ? key & 0x7fff : key)!; b.a[b.n++] = abs ? Math.abs(img[i]) : img[i]; }
  }
  for (const b of values.values()) b.a.sort();
  const valueAt = (r: number) => { const [key, k] = where.get(r)!; return values.get(key)!.a[k]; };
  return ranks.map((x) => {
    const r = Math.floor(x);
    const a = valueAt(r);
    return a + (valueAt(Math.min(n - 1, r + 1)) - a) * (x - r);
  });
}

/** Percentiles of the finite values of an image (see histogramPercentiles). */
export function finitePercentiles(img: Float32Array, percents: number[], domain: PercentileDomain = 'finite'): number[] {
  return histogramPercentiles(img, keyHistogram(img), percents, domain);
}

/**
 * Palette index per 16-bit key for a log intensity scale between lo and hi: a table of 65536 entries replaces a
 * Math.log per pixel (only the keys between lo and hi, a few thousand, need one).
 */
function logLevelTable(lo: number, hi: number, top: number): Uint8Array {
  const t = new Uint8Array(KEYS); // negatives and zero: level 0
  const flo = Math.log(lo);
  const scale = top / (Math.log(hi) - flo);
  for (let k = 1; k < POS_FINITE_END; k++) {
    const v = floatOf((k << 16) | 0x8000); // bucket middle
    if (v <= lo) continue;
    if (v >= hi) { t.fill(top, k, POS_FINITE_END); break; }
    const u = (Math.log(v) - flo) * scale;
    t[k] = u <= 0 ? 0 : u >= top ? top : Math.round(u);
  }
  t.fill(NON_FINITE_INDEX, POS_FINITE_END, NEG);
  t.fill(NON_FINITE_INDEX, NEG + POS_FINITE_END, KEYS);
  return t;
}

/** Map each pixel to a palette index 0..LEVELS-1 by the preview's rules, NON_FINITE_INDEX for NaN/Inf. */
export function paletteIndices(img: Float32Array, opts: PngOptions): Uint8Array {
  const idx = new Uint8Array(img.length);
  const top = LEVELS - 1;
  const log = opts.scale === 'log';
  const h = keyHistogram(img);
  if (opts.kind === 'difference') {
    const [p] = histogramPercentiles(img, h, [opts.highPercentile ?? 99.5], 'abs');
    let limit = p;
    if (!(limit > 0)) {
      limit = 0;
      for (let i = 0; i < img.length; i++) { const a = Math.abs(img[i]); if (a > limit && Number.isFinite(a)) limit = a; }
    }
    const mid = top / 2;
    const t = limit * 1e-3;
    const k = log ? 1 / Math.log1p(limit / t) : 1 / limit;
    for (let i = 0; i < img.length; i++) {
      const v = img[i];
      if (v - v !== 0) { idx[i] = NON_FINITE_INDEX; continue; } // NaN or ±Inf
      if (limit === 0) { idx[i] = mid; continue; }
      let u = log ? (v < 0 ? -Math.log1p(-v / t) : Math.log1p(v / t)) * k : v * k;
      u = u < -1 ? -1 : u > 1 ? 1 : u;
      idx[i] = u < 0 ? mid - Math.round(-u * mid) : mid + Math.round(u * mid); // ±x get mirror levels
    }
    return idx;
  }
  let [lo, hi] = histogramPercentiles(img, h, [opts.lowPercentile ?? 0.5, opts.highPercentile ?? 99.5]);
  if (log) {
    const [plo] = histogramPercentiles(img, h, [opts.lowPercentile ?? 0.5], 'positive');
    hi = Math.max(hi, 0);
    lo = Number.isFinite(plo) && plo > 0 ? plo : hi * 1e-6;
    if (!(hi > lo)) lo = hi / 10;
    // The key table resolves 1/128 of a binade (≤ 0.0078 in ln): use it when that is under a quarter of a colour
    // level, i.e. ln(hi/lo) ≥ 8; a low-contrast image takes the exact Math.log per pixel below.
    if (hi > 0 && lo > 0 && Math.log(hi / lo) >= 8) {
      const table = logLevelTable(lo, hi, top);
      const u = bitsOf(img);
      for (let i = 0; i < u.length; i++) idx[i] = table[u[i] >>> 16];
      return idx;
    }
  }
  const flo = log ? Math.log(lo) : lo;
  const span = (log ? Math.log(hi) : hi) - flo;
  const flat = !(span > 0);
  const scale = top / span;
  for (let i = 0; i < img.length; i++) {
    const v = img[i];
    if (v - v !== 0) { idx[i] = NON_FINITE_INDEX; continue; }
    if (flat) { idx[i] = top >> 1; continue; }
    // Log: clip in the linear domain first, so zeros and negatives never reach Math.log.
    const u = ((log ? (v <= lo ? flo : Math.log(v)) : v) - flo) * scale;
    idx[i] = u <= 0 ? 0 : u >= top ? top : Math.round(u);
  }
  return idx;
}

/** An RGB PNG of palette `indices` (width × height, row-major), written by pngjs. */
export function encodeIndexedPng(indices: Uint8Array, width: number, height: number, plte: Buffer): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0, o = 0; i < indices.length; i++, o += 3) {
    const p = indices[i] * 3;
    rgb[o] = plte[p]; rgb[o + 1] = plte[p + 1]; rgb[o + 2] = plte[p + 2];
  }
  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = rgb;
  // Sub filter at a fast deflate level: half the encoding time of Paeth at level 9 for ~2 % larger previews, and the
  // previews sit on the path to complete.json (npm run bench).
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false, filterType: 1, deflateLevel: 3 });
}

/** Encode a float image (fpixels wide, spixels tall, slow index = row) as a palette PNG preview. */
export function encodePng(img: Float32Array, fpixels: number, spixels: number, opts: PngOptions): Buffer {
  if (img.length !== fpixels * spixels) {
    throw new Error(`encodePng: image has ${img.length} pixels, expected ${fpixels}×${spixels} = ${fpixels * spixels}`);
  }
  return encodeIndexedPng(paletteIndices(img, opts), fpixels, spixels, opts.kind === 'difference' ? DIV_PLTE : SEQ_PLTE);
}

/** candidate − reference, pixel by pixel (NaN where either is NaN), for the Δ preview. */
export function differenceImage(reference: Float32Array, candidate: Float32Array): Float32Array {
  if (reference.length !== candidate.length) throw new Error(`differenceImage: sizes differ (${reference.length} vs ${candidate.length} pixels)`);
  const out = new Float32Array(reference.length);
  for (let i = 0; i < out.length; i++) out[i] = candidate[i] - reference[i];
  return out;
}
