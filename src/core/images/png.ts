// PNG previews of float images for bundles and the ledger: intensity (percentile-clipped, linear or log, a dark→bright
// sequential map) and difference (symmetric around 0, blue → white → red). Non-finite pixels are painted magenta so
// a NaN region is never mistaken for "dark".
import { PNG } from 'pngjs';

export interface PngOptions {
  kind: 'intensity' | 'difference';
  scale?: 'linear' | 'log';
  /** Percentiles used to clip the intensity range (default 0.5 and 99.5). */
  lowPercentile?: number;
  highPercentile?: number;
}

const NON_FINITE: [number, number, number] = [255, 0, 255];

// Sequential map (black → purple → orange → pale yellow), control points in sRGB.
const SEQUENTIAL: [number, number, number][] = [
  [0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66], [245, 125, 21], [250, 193, 39], [252, 255, 164],
];
// Diverging map: blue at −limit, white at 0, red at +limit.
const DIVERGING: [number, number, number][] = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [247, 247, 247], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

function lut(stops: [number, number, number][]): Uint8Array {
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(x));
    const t = x - k;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(stops[k][c] * (1 - t) + stops[k + 1][c] * t);
  }
  return out;
}

const SEQ_LUT = lut(SEQUENTIAL);
const DIV_LUT = lut(DIVERGING);

/** Percentiles (0..100) of the finite values of `values`, from an evenly strided sample of at most 2^20 values. */
export function finitePercentiles(values: Float32Array, percents: number[], transform: (v: number) => number = (v) => v): number[] {
  const stride = Math.max(1, Math.floor(values.length / (1 << 20)));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += stride) {
    const v = transform(values[i]);
    if (Number.isFinite(v)) sample.push(v);
  }
  if (!sample.length) return percents.map(() => NaN);
  const sorted = Float64Array.from(sample).sort();
  return percents.map((p) => {
    const x = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - lo);
  });
}

/** Map each pixel to a 0..255 colour-table index (or −1 for non-finite) by the preview's rules. */
export function colourIndices(img: Float32Array, opts: PngOptions): Int16Array {
  const idx = new Int16Array(img.length);
  const log = opts.scale === 'log';
  if (opts.kind === 'difference') {
    const [p] = finitePercentiles(img, [opts.highPercentile ?? 99.5], Math.abs);
    let limit = p;
    if (!(limit > 0)) {
      limit = 0;
      for (let i = 0; i < img.length; i++) { const a = Math.abs(img[i]); if (a > limit && Number.isFinite(a)) limit = a; }
    }
    const t = limit * 1e-3;
    const denom = log ? Math.log1p(limit / t) : limit;
    for (let i = 0; i < img.length; i++) {
      const v = img[i];
      if (!Number.isFinite(v)) { idx[i] = -1; continue; }
      if (limit === 0) { idx[i] = 128; continue; }
      const a = log ? Math.sign(v) * Math.log1p(Math.abs(v) / t) / denom : v / denom;
      const u = Math.max(-1, Math.min(1, a));
      idx[i] = Math.round((u + 1) * 127.5);
    }
    return idx;
  }
  let [lo, hi] = finitePercentiles(img, [opts.lowPercentile ?? 0.5, opts.highPercentile ?? 99.5]);
  if (log) {
    const [plo] = finitePercentiles(img, [opts.lowPercentile ?? 0.5], (v) => (v > 0 ? v : NaN));
    hi = Math.max(hi, 0);
    lo = Number.isFinite(plo) && plo > 0 ? plo : hi * 1e-6;
    if (!(hi > lo)) lo = hi / 10;
  }
  const flo = log ? Math.log(lo) : lo;
  const span = (log ? Math.log(hi) : hi) - flo;
  for (let i = 0; i < img.length; i++) {
    const v = img[i];
    if (!Number.isFinite(v)) { idx[i] = -1; continue; }
    if (!(span > 0)) { idx[i] = 128; continue; }
    const x = log ? (v > 0 ? Math.log(v) : -Infinity) : v;
    const u = Math.max(0, Math.min(1, (x - flo) / span));
    idx[i] = Math.round(u * 255);
  }
  return idx;
}

/** Encode a float image (fpixels wide, spixels tall, slow index = row) as an RGBA PNG. */
export function encodePng(img: Float32Array, fpixels: number, spixels: number, opts: PngOptions): Buffer {
  if (img.length !== fpixels * spixels) {
    throw new Error(`encodePng: image has ${img.length} pixels, expected ${fpixels}×${spixels} = ${fpixels * spixels}`);
  }
  const table = opts.kind === 'difference' ? DIV_LUT : SEQ_LUT;
  const idx = colourIndices(img, opts);
  const png = new PNG({ width: fpixels, height: spixels, colorType: 6 });
  const data = png.data;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i];
    const o = i * 4;
    if (k < 0) { data[o] = NON_FINITE[0]; data[o + 1] = NON_FINITE[1]; data[o + 2] = NON_FINITE[2]; }
    else { data[o] = table[k * 3]; data[o + 1] = table[k * 3 + 1]; data[o + 2] = table[k * 3 + 2]; }
    data[o + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** candidate − reference, pixel by pixel (NaN where either is NaN), for the Δ preview. */
export function differenceImage(reference: Float32Array, candidate: Float32Array): Float32Array {
  if (reference.length !== candidate.length) throw new Error(`differenceImage: sizes differ (${reference.length} vs ${candidate.length} pixels)`);
  const out = new Float32Array(reference.length);
  for (let i = 0; i < out.length; i++) out[i] = candidate[i] - reference[i];
  return out;
}
