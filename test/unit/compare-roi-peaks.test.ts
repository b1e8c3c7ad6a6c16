// Regions of interest, peaks, .npy/CSV export pieces and the bundle-to-bundle judgement.
// ROI metrics are checked against numpy on the real C / PyTorch runs (test/fixtures/roi/expected-roi.json,
// written by make_expected.py beside it) to 1e-9 relative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeFloat32LE } from '../../src/core/images/floatImage.ts';
import { computeRoiMetrics, cropImage, parseRoi, roiFromValue, RoiError } from '../../src/core/metrics/roi.ts';
import { comparePeaks, findPeaks, matchPeaks } from '../../src/core/metrics/peaks.ts';
import { decodeNpy, encodeNpy } from '../../src/core/images/npy.ts';
import { CSV_COLUMNS, metricsCsvRow } from '../../src/core/export/caseExport.ts';
import { imageDelta } from '../../src/core/compare/imageDelta.ts';
import { judgeChange } from '../../src/core/compare/judgeChange.ts';
import { computeMetrics } from '../../src/core/metrics/metrics.ts';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const image = (name: string) => decodeFloat32LE(readFileSync(`${fixtures}real-runs/${name}`));
const close = (a: number | null, b: number, what: string) => {
  assert.ok(a !== null, `${what} is null`);
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs numpy ${b}`);
};

test('ROI metrics equal numpy on the ROI slice of the real runs (1e-9), positions in full-frame coordinates', () => {
  const expected = JSON.parse(readFileSync(`${fixtures}roi/expected-roi.json`, 'utf8')) as Record<string, never>[];
  assert.equal(expected.length, 4);
  for (const e of expected as unknown as { reference: string; candidate: string; roi: number[]; pixels: number; correlation: number; sum_ratio: number; sum_reference: number; sum_candidate: number; mse: number; rmse: number; max_abs_diff: number; max_abs_at: [number, number] }[]) {
    const roi = roiFromValue(e.roi);
    const { metrics: m } = computeRoiMetrics(image(e.reference), image(e.candidate), 256, roi);
    const what = `${e.reference} ROI ${e.roi.join(',')}`;
    assert.equal(m.pixels, e.pixels, what);
    close(m.correlation, e.correlation, `${what} corr`);
    close(m.sumRatio, e.sum_ratio, `${what} sum ratio`);
    close(m.sumReference, e.sum_reference, `${what} sum ref`);
    close(m.sumCandidate, e.sum_candidate, `${what} sum cand`);
    close(m.mse, e.mse, `${what} mse`);
    close(m.rmse, e.rmse, `${what} rmse`);
    close(m.maxAbsDiff, e.max_abs_diff, `${what} max|Δ|`);
    assert.deepEqual(m.maxAbsDiffAt, e.max_abs_at, `${what} max|Δ| position`);
  }
});

test('ROI parsing: X0,X1,Y0,Y1 inclusive; bad text, max < min and regions off the image are refused by name', () => {
  assert.deepEqual(parseRoi('1,3,10,12'), { x0: 1, x1: 3, y0: 10, y1: 12 });
  assert.throws(() => parseRoi('1,3,10'), RoiError);
  assert.throws(() => parseRoi('1,3,a,4'), /X0,X1,Y0,Y1/);
  assert.throws(() => parseRoi('5,3,0,1'), /max below min/);
  const img = new Float32Array(16).map((_, i) => i);
  assert.throws(() => computeRoiMetrics(img, img, 4, parseRoi('0,4,0,0')), /leaves the 4×4 image/);
  // fast 1..2, slow 2..3 of a 4×4 image: values 9,10,13,14.
  assert.deepEqual([...cropImage(img, 4, parseRoi('1,2,2,3'))], [9, 10, 13, 14]);
  assert.deepEqual(roiFromValue({ x0: 1, x1: 2, y0: 2, y1: 3 }), parseRoi('1,2,2,3'));
});

function spots(f: number, s: number, centres: [number, number, number][]): Float32Array {
  const img = new Float32Array(f * s);
  for (let y = 0; y < s; y++) for (let x = 0; x < f; x++) {
    let v = 0.01;
    for (const [cy, cx, h] of centres) v += h * Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / 2);
    img[y * f + x] = v;
  }
  return img;
}

test('peaks: known spots are found; a shifted copy matches with the known distances; unmatched peaks are listed', () => {
  const ref = spots(64, 48, [[10, 10, 100], [30, 40, 50], [40, 8, 20], [20, 55, 3]]);
  const found = findPeaks(ref, 64);
  // The 3-count spot is below 0.1 × max: not a peak.
  assert.deepEqual(found.map((p) => [p.slow, p.fast]), [[10, 10], [30, 40], [40, 8]]);
  // Candidate: first spot shifted by (1, 2), second by (0, 1), third missing, one extra spot.
  const cand = spots(64, 48, [[11, 12, 100], [30, 41, 50], [5, 50, 60]]);
  const cmp = comparePeaks(ref, cand, 64);
  assert.equal(cmp.matched.length, 2);
  assert.deepEqual(cmp.matched.map((m) => Number(m.distance.toFixed(6))).sort(), [1, Number(Math.hypot(1, 2).toFixed(6))]);
  assert.ok(Math.abs(cmp.maxDistance! - Math.hypot(1, 2)) < 1e-12);
  assert.ok(Math.abs(cmp.meanDistance! - (1 + Math.hypot(1, 2)) / 2) < 1e-12);
  assert.deepEqual(cmp.unmatchedReference.map((p) => [p.slow, p.fast]), [[40, 8]]);
  assert.deepEqual(cmp.unmatchedCandidate.map((p) => [p.slow, p.fast]), [[5, 50]]);
  // Beyond the match radius nothing pairs; each peak is used once even when two are near.
  assert.equal(matchPeaks([{ slow: 0, fast: 0, value: 1 }], [{ slow: 0, fast: 4, value: 1 }], 3).matched.length, 0);
  const two = matchPeaks([{ slow: 0, fast: 0, value: 1 }], [{ slow: 0, fast: 1, value: 1 }, { slow: 1, fast: 0, value: 1 }]);
  assert.equal(two.matched.length, 1);
  assert.equal(two.unmatchedCandidate.length, 1);
});

test('peaks: a flat-topped maximum counts once; NaN pixels are never peaks; an all-NaN image has none', () => {
  const img = new Float32Array(25).fill(0.1);
  img[12] = 5; img[13] = 5;
  assert.deepEqual(findPeaks(img, 5).map((p) => [p.slow, p.fast]), [[2, 2]]);
  img[0] = NaN;
  assert.equal(findPeaks(img, 5).length, 1);
  assert.deepEqual(findPeaks(new Float32Array(9).fill(NaN), 3), []);
});

test('.npy: a reader of the format (magic, version, header length, dict, 64-byte alignment) reads back shape and data', () => {
  const data = new Float32Array([1.5, -2, NaN, Infinity, 0, 3.25]);
  const bytes = encodeNpy(data, [2, 3]);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const hlen = bytes[8] | (bytes[9] << 8);
  assert.equal((10 + hlen) % 64, 0, 'data starts on a 64-byte boundary');
  const header = Buffer.from(bytes.subarray(10, 10 + hlen)).toString('latin1');
  assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
  const back = decodeNpy(bytes);
  assert.deepEqual(back.shape, [2, 3]);
  assert.deepEqual([...back.data], [...data]);
  assert.equal(Buffer.from(bytes.subarray(10 + hlen)).equals(Buffer.from(data.buffer)), true, 'raw little-endian float32 after the header');
  assert.throws(() => encodeNpy(data, [4, 4]), /does not hold/);
  assert.throws(() => decodeNpy(new Uint8Array(12)), /bad magic/);
});

test('CSV: the documented columns, empty cells for undefined values, positions of max |Δ|', () => {
  const ref = image('c_tc_d3.bin'), cand = image('py_tc_d3.bin');
  const m = computeMetrics(ref, cand, 256);
  const row = metricsCsvRow('TC-D3', 'full', null, m).split(',');
  assert.equal(row.length, CSV_COLUMNS.length);
  const at = (col: string) => row[CSV_COLUMNS.indexOf(col as never)];
  assert.equal(at('case'), 'TC-D3');
  assert.equal(at('x0'), '');
  assert.equal(Number(at('correlation')), m.correlation);
  assert.equal(Number(at('max_abs_slow')), m.maxAbsDiffAt![0]);
  const nan = computeMetrics(new Float32Array([NaN, 1]), new Float32Array([1, 1]), 2);
  assert.equal(metricsCsvRow('nan', 'full', null, nan).split(',')[CSV_COLUMNS.indexOf('correlation')], '', 'correlation of a NaN image is an empty cell');
  const quoted = metricsCsvRow('x,"y"', 'full', null, nan);
  assert.ok(quoted.startsWith('"x,""y""",full,'), quoted);
});

test('image delta between bundles: identical, moved (how many, max |Δ|, where, box), NaN appearing', () => {
  const a = new Float32Array([1, 2, 3, 4, 5, 6]);
  assert.equal(imageDelta(a, a.slice(), 3).identical, true);
  const b = a.slice(); b[4] = 9; b[5] = NaN;
  const d = imageDelta(a, b, 3);
  assert.equal(d.identical, false);
  assert.equal(d.changedPixels, 2);
  assert.equal(d.maxAbs, 4);
  assert.deepEqual(d.maxAbsAt, [1, 1]);
  assert.equal(d.finitenessChanged, 1);
  assert.deepEqual(d.changedBox, [1, 2, 1, 1]);
});

test('better / worse / unchanged against the case thresholds', () => {
  const t = { corrMin: 0.999, sumRatioTol: 1e-3 };
  const m = (corr: number, sr: number) => ({ ...computeMetrics(new Float32Array([1, 2]), new Float32Array([1, 2]), 2), correlation: corr, sumRatio: sr });
  assert.equal(judgeChange({ status: 'fail', metrics: m(0.06, 144) }, { status: 'pass', metrics: m(0.99999, 1.00001) }, t).change, 'better');
  assert.equal(judgeChange({ status: 'pass', metrics: m(0.99999, 1.00001) }, { status: 'fail', metrics: m(0.06, 144) }, t).change, 'worse');
  assert.equal(judgeChange({ status: 'pass', metrics: m(0.99999, 1.00001) }, { status: 'pass', metrics: m(0.9999900001, 1.00001) }, t).change, 'unchanged');
  assert.equal(judgeChange({ status: 'fail', metrics: m(0.5, 144) }, { status: 'fail', metrics: m(0.9, 2) }, t).change, 'better');
  // Mixed: correlation better, sum ratio worse → worse (a regression never hides behind a gain).
  const mixed = judgeChange({ status: 'fail', metrics: m(0.5, 2) }, { status: 'fail', metrics: m(0.9, 3) }, t);
  assert.equal(mixed.change, 'worse');
  assert.match(mixed.why, /sum_ratio/);
  assert.equal(judgeChange({ status: 'error' }, { status: 'fail' }, t).change, 'better');
});
