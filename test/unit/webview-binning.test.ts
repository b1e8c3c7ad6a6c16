import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaHistogram, histogram2d } from '../../media/webview/binning.ts';
import { radialProfile, geometricCenter } from '../../media/webview/radial.ts';
import { difference, hoverValues, imageStats, ratio } from '../../media/webview/derived.ts';

test('2-D histogram: identical images fill only the diagonal and count every finite pixel', () => {
  const img = Float32Array.from({ length: 400 }, (_, i) => (i % 37) * 1.5);
  const h = histogram2d(img, img, { bins: 16 });
  assert.equal(h.counted, 400);
  assert.equal(h.dropped, 0);
  for (const b of h.bins) assert.equal(b.x0, b.y0, 'off-diagonal bin for identical images');
  assert.equal(h.bins.reduce((s, b) => s + b.count, 0), 400);
  for (const b of h.bins) assert.equal(b.log10Count, Math.log10(b.count));
});

test('2-D histogram: a 10 % gain moves counts above the diagonal; log axis drops zeros and NaN', () => {
  const ref = Float32Array.from({ length: 1000 }, (_, i) => 1 + i);
  const cand = ref.map((v) => v * 1.1);
  const h = histogram2d(ref, cand, { bins: 50 });
  const above = h.bins.filter((b) => b.y0 > b.x0).reduce((s, b) => s + b.count, 0);
  const below = h.bins.filter((b) => b.y0 < b.x0).reduce((s, b) => s + b.count, 0);
  assert.equal(below, 0, 'a gain > 1 never puts a pixel below the diagonal');
  // Bins are 22 wide: pixels below ~220 move less than one bin and stay on the diagonal; the rest move up.
  assert.ok(above > 850, `most counts above the diagonal, got ${above}`);
  const ref2 = new Float32Array([0, 1, 10, 100, Number.NaN]);
  const cand2 = new Float32Array([0, 1, 10, 100, 5]);
  const hl = histogram2d(ref2, cand2, { bins: 2, axis: 'log10' });
  assert.equal(hl.dropped, 2);
  assert.equal(hl.counted, 3);
  assert.equal(hl.bins[0].x0, 0);
  assert.equal(hl.bins.at(-1)!.x1, 2);
});

test('Δ histogram: symmetric range, all finite values counted, NaN dropped', () => {
  const d = new Float32Array([-1, -0.5, 0, 0.25, 0.5, Number.NaN, 1]);
  const h = deltaHistogram(d, { bins: 4 });
  assert.equal(h.lo, -1);
  assert.equal(h.hi, 1);
  assert.equal(h.dropped, 1);
  assert.equal(h.counted, 6);
  assert.deepEqual(h.bins.map((b) => b.count), [1, 1, 2, 2]);
  const zero = deltaHistogram(new Float32Array(10));
  assert.equal(zero.counted, 10);
  assert.equal(zero.bins.reduce((s, b) => s + b.count, 0), 10);
});

test('radial profile: a ring at radius 10 around an off-centre beam peaks at r ≈ 10', () => {
  const F = 64, S = 48, c = { slow: 20.5, fast: 30.5 };
  const img = new Float32Array(F * S);
  for (let s = 0; s < S; s++) for (let f = 0; f < F; f++) {
    const r = Math.hypot(s - c.slow, f - c.fast);
    img[s * F + f] = Math.exp(-((r - 10) ** 2) / 2);
  }
  const p = radialProfile(img, F, S, c);
  const peak = p.reduce((a, b) => (b.mean > a.mean ? b : a));
  assert.ok(Math.abs(peak.r - 10) <= 1, `peak at ${peak.r}`);
  assert.equal(p.reduce((s, q) => s + q.count, 0), F * S, 'every pixel lands in one annulus');
  // A constant image gives a flat profile.
  for (const q of radialProfile(new Float32Array(F * S).fill(3), F, S, c)) assert.equal(q.mean, 3);
  assert.throws(() => radialProfile(new Float32Array(10), 4, 4, c), /10 pixels is not 4×4/);
  assert.deepEqual(geometricCenter(64, 48), { slow: 23.5, fast: 31.5 });
});

test('radial profile: huge detectors are capped to maxBins annuli', () => {
  const p = radialProfile(new Float32Array(200 * 200).fill(1), 200, 200, { slow: 0, fast: 0 }, { maxBins: 50 });
  assert.ok(p.length <= 51);
});

test('Δ, ratio, stats and hover values agree pixel by pixel', () => {
  const ref = new Float32Array([1, 2, 0, 4]);
  const cand = new Float32Array([1.5, 2, 0, Number.NaN]);
  assert.deepEqual(Array.from(difference(ref, cand)).slice(0, 3), [0.5, 0, 0]);
  const r = ratio(ref, cand);
  assert.equal(r[0], 1.5);
  assert.ok(Number.isNaN(r[2]), 'ratio over a zero reference is undefined');
  const st = imageStats(cand);
  assert.deepEqual([st.min, st.max, st.sum, st.finite, st.nan], [0, 2, 3.5, 3, 1]);
  const h = hoverValues({ reference: ref, candidate: cand }, 2, 2, 0, 0)!;
  assert.deepEqual(h, { slow: 0, fast: 0, reference: 1, candidate: 1.5, delta: 0.5, ratio: 1.5 });
  assert.equal(hoverValues({ reference: ref }, 2, 2, 2, 0), undefined);
  assert.throws(() => difference(ref, new Float32Array(3)), /reference 4 vs candidate 3/);
});
