// Metrics against numpy: every pair in test/fixtures/real-runs/expected-metrics.json (copied from the real C and
// PyTorch runs in ../shared/reference/real-runs) must match to 1e-9 relative, including the all-NaN C image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { computeMetrics, metricsToJson, MetricsInputError } from '../../src/core/metrics/metrics.ts';
import { readFloatImage } from '../../src/core/images/floatImage.ts';

const DIR = path.join(import.meta.dirname, '../fixtures/real-runs');
const expected = JSON.parse(readFileSync(path.join(DIR, 'expected-metrics.json'), 'utf8')) as Record<string, Record<string, number | string | null>>;

function close(actual: number | null, want: number | string | null | undefined, what: string) {
  if (want === null || want === undefined) {
    assert.ok(actual === null || Number.isNaN(actual), `${what}: expected null, got ${actual}`);
    return;
  }
  assert.equal(typeof want, 'number');
  assert.ok(actual !== null && Number.isFinite(actual), `${what}: expected ${want}, got ${actual}`);
  const w = want as number;
  const rel = Math.abs(actual - w) / Math.max(Math.abs(w), 1e-300);
  assert.ok(rel <= 1e-9, `${what}: ${actual} vs numpy ${w} (relative ${rel})`);
}

for (const [name, e] of Object.entries(expected)) {
  test(`metrics equal numpy on ${name} (${e.reference} vs ${e.candidate})`, async () => {
    const ref = await readFloatImage(path.join(DIR, String(e.reference)), { fpixels: 256, spixels: 256 });
    const cand = await readFloatImage(path.join(DIR, String(e.candidate)), { fpixels: 256, spixels: 256 });
    const m = computeMetrics(ref, cand, 256);
    assert.equal(m.pixels, e.pixels);
    close(m.correlation, e.correlation, 'correlation');
    close(m.sumReference, e.sum_ref, 'sum_ref');
    close(m.sumCandidate, e.sum_cand, 'sum_cand');
    close(m.sumRatio, e.sum_ratio, 'sum_ratio');
    close(m.mse, e.mse, 'mse');
    close(m.rmse, e.rmse, 'rmse');
    close(m.maxAbsDiff, e.max_abs_diff, 'max_abs_diff');
    assert.equal(m.nanReference, e.nan_ref);
    assert.equal(m.nanCandidate, e.nan_cand);
    assert.equal(m.finitePixels, e.finite_pixels);
    assert.equal(m.argmaxReference, e.argmax_ref);
    assert.equal(m.argmaxCandidate, e.argmax_cand);
    // The JSON form carries null exactly where numpy's file does.
    const j = metricsToJson(m);
    if (e.sum_ref === null) assert.equal(j.sumReference, null);
    if (e.correlation === null) assert.equal(j.correlation, null);
  });
}

test('max |Δ| location and peak distance are reported as [slow, fast]', () => {
  const r = new Float32Array(12); // 4 wide, 3 tall
  const c = new Float32Array(12);
  r[1] = 5; // slow 0, fast 1
  c[1] = 5;
  c[2 * 4 + 3] = 9; // slow 2, fast 3
  const m = computeMetrics(r, c, 4);
  assert.deepEqual(m.maxAbsDiffAt, [2, 3]);
  assert.equal(m.maxAbsDiff, 9);
  assert.equal(m.argmaxReference, 1);
  assert.equal(m.argmaxCandidate, 11);
  assert.equal(m.peakDistance, Math.hypot(2, 2));
});

test('partial NaN and Inf: counted per side, pair metrics undefined, argmax over finite pixels', () => {
  const r = Float32Array.from([1, 2, NaN, 4]);
  const c = Float32Array.from([1, Infinity, 3, 7]);
  const m = computeMetrics(r, c, 2);
  assert.equal(m.nanReference, 1);
  assert.equal(m.infCandidate, 1);
  assert.equal(m.finitePixels, 2);
  assert.equal(m.correlation, null);
  assert.equal(m.sumRatio, null);
  assert.ok(Number.isNaN(m.sumReference));
  assert.equal(m.argmaxReference, 3);
  assert.equal(m.argmaxCandidate, 3);
});

test('constant image: correlation undefined, other metrics defined', () => {
  const r = new Float32Array(16).fill(2);
  const c = new Float32Array(16).fill(3);
  const m = computeMetrics(r, c, 4);
  assert.equal(m.correlation, null);
  assert.equal(m.sumRatio, 1.5);
  assert.equal(m.mse, 1);
});

test('different sizes are a specific error', () => {
  assert.throws(() => computeMetrics(new Float32Array(4), new Float32Array(6), 2), MetricsInputError);
});

test('property: correlation matches a float64 two-pass reference and is invariant to scaling', () => {
  fc.assert(
    fc.property(fc.array(fc.float({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 3, maxLength: 64 }), (vals) => {
      const r = Float32Array.from(vals);
      const c = Float32Array.from(vals.map((v, i) => v * 0.5 + ((i * 7919) % 13)));
      const m = computeMetrics(r, c, r.length);
      const n = r.length;
      const mr = r.reduce((a, b) => a + b, 0) / n;
      const mc = c.reduce((a, b) => a + b, 0) / n;
      let sxy = 0, sxx = 0, syy = 0;
      for (let i = 0; i < n; i++) { sxy += (r[i] - mr) * (c[i] - mc); sxx += (r[i] - mr) ** 2; syy += (c[i] - mc) ** 2; }
      if (sxx === 0 || syy === 0) return m.correlation === null;
      const want = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx) / Math.sqrt(syy)));
      if (Math.abs((m.correlation as number) - want) > 1e-9) return false;
      // Scaling the candidate by a power of two is exact in float32: correlation must not move.
      const scaled = Float32Array.from(c, (v) => v * 2);
      const m2 = computeMetrics(r, scaled, n);
      return Math.abs((m2.correlation as number) - (m.correlation as number)) < 1e-12;
    }),
    { numRuns: 200 },
  );
});
