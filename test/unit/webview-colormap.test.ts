import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LUT_SIZE, colorize, intensityMapping, luminance, lut, mapValue, percentile, symmetricMapping,
} from '../../media/webview/colormap.ts';

const entry = (name: 'viridis' | 'grey' | 'diverging', i: number) => Array.from(lut(name).slice(i * 4, i * 4 + 4));

test('sequential maps rise in lightness from end to end (up to rounding; readable when printed grey)', () => {
  for (const name of ['viridis', 'grey'] as const) {
    let prev = -1;
    for (let i = 0; i < LUT_SIZE; i++) {
      const [r, g, b, a] = entry(name, i);
      assert.equal(a, 255);
      const y = luminance(r, g, b);
      // Integer RGB rounding can dip by ~3e-4 between neighbours; a real fold would be far larger.
      assert.ok(y >= prev - 1e-3, `${name} lightness drops at ${i}`);
      prev = y;
    }
    assert.ok(luminance(...(entry(name, LUT_SIZE - 1).slice(0, 3) as [number, number, number])) > 0.6);
  }
  assert.deepEqual(entry('grey', 0), [0, 0, 0, 255]);
  assert.deepEqual(entry('grey', 255), [255, 255, 255, 255]);
});

test('diverging map: neutral centre, blue below, red above, arms of matching lightness', () => {
  const mid = entry('diverging', 128);
  assert.ok(Math.max(...mid.slice(0, 3)) - Math.min(...mid.slice(0, 3)) < 8, 'centre is a neutral grey');
  const lo = entry('diverging', 0), hi = entry('diverging', 255);
  assert.ok(lo[2] > lo[0], 'negative end is blue');
  assert.ok(hi[0] > hi[2], 'positive end is red');
  for (let k = 0; k < 128; k += 16) {
    const a = entry('diverging', k), b = entry('diverging', 255 - k);
    const ya = luminance(a[0], a[1], a[2]), yb = luminance(b[0], b[1], b[2]);
    assert.ok(Math.abs(ya - yb) < 0.05, `arms differ in lightness at ${k}: ${ya} vs ${yb}`);
  }
});

test('percentile: exact on small input, ignores non-finite, absolute option', () => {
  const v = [5, 1, Number.NaN, 3, 2, 4, Infinity];
  assert.equal(percentile(v, 0), 1);
  assert.equal(percentile(v, 100), 5);
  assert.equal(percentile(v, 50), 3);
  assert.equal(percentile(v, 25), 2);
  assert.equal(percentile([-9, 1, 2], 100, { absolute: true }), 9);
  assert.ok(Number.isNaN(percentile([Number.NaN], 50)));
  // Sampled on large input: still close to the true value.
  const big = Float32Array.from({ length: 1_000_000 }, (_, i) => i);
  assert.ok(Math.abs(percentile(big, 99, { maxSamples: 10_000 }) - 990_000) < 200);
});

test('linear mapping clips at the percentile and maps the minimum to 0', () => {
  const img = Float32Array.from({ length: 101 }, (_, i) => i); // 0..100
  const m = intensityMapping(img, 'linear', 90);
  assert.deepEqual(m, { kind: 'linear', lo: 0, hi: 90 });
  assert.equal(mapValue(45, m), 0.5);
  assert.equal(mapValue(100, m), 1, 'clipped');
  assert.ok(Number.isNaN(mapValue(Number.NaN, m)));
});

test('log mapping spreads decades evenly and sends ≤ floor to 0', () => {
  const img = new Float32Array([0, 1e-3, 1e-2, 1e-1, 1]);
  const m = intensityMapping(img, 'log', 100);
  assert.equal(m.kind, 'log');
  if (m.kind !== 'log') return;
  assert.equal(m.hi, 1);
  assert.ok(Math.abs(m.floor - 1e-3) < 1e-9);
  assert.ok(Math.abs(mapValue(1e-2, m) - 1 / 3) < 1e-6);
  assert.ok(Math.abs(mapValue(1e-1, m) - 2 / 3) < 1e-6);
  assert.equal(mapValue(0, m), 0);
  // All-zero image does not produce NaN ranges.
  const z = intensityMapping(new Float32Array(4), 'log', 99);
  assert.equal(mapValue(0, z), 0);
});

test('symmetric mapping: 0 → centre colour, ±range → ends, log keeps the sign', () => {
  const d = new Float32Array([-2, -1, 0, 1, 2]);
  const m = symmetricMapping(d, 0, 'linear', 100);
  assert.equal(mapValue(0, m), 0.5);
  assert.equal(mapValue(2, m), 1);
  assert.equal(mapValue(-2, m), 0);
  assert.equal(mapValue(1, m), 0.75);
  const ml = symmetricMapping(d, 0, 'log', 100);
  assert.ok(mapValue(0.01, ml) > 0.5 && mapValue(-0.01, ml) < 0.5);
  assert.ok(Math.abs(mapValue(0.01, ml) - 0.5 - (0.5 - mapValue(-0.01, ml))) < 1e-12);
  // Ratio images are centred on 1.
  const r = symmetricMapping(new Float32Array([0.5, 1, 1.5]), 1, 'linear', 100);
  assert.equal(mapValue(1, r), 0.5);
  assert.equal(mapValue(1.5, r), 1);
});

test('colorize writes LUT colours and marks NaN pixels as no-data (transparent)', () => {
  const img = new Float32Array([0, 1, Number.NaN]);
  const rgba = colorize(img, { kind: 'linear', lo: 0, hi: 1 }, 'grey');
  assert.deepEqual(Array.from(rgba), [0, 0, 0, 255, 255, 255, 255, 255, 128, 128, 128, 0]);
});
