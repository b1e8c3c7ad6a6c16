// PNG previews: palette colours written by pngjs (valid chunks and CRCs, read back by pngjs), percentiles from the
// float32-key histogram versus exact sorted percentiles, and colour levels versus an exact per-pixel computation,
// on real C images (test/fixtures/c-goldens). Their cost shows in `npm run bench` (a case's "post" and "finalize" times), not here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { differenceImage, encodePng, finitePercentiles, LEVELS, NON_FINITE_INDEX, paletteIndices } from '../../src/core/images/png.ts';

const dir = fileURLToPath(new URL('../fixtures/c-goldens/', import.meta.url));
const load = (f: string) => new Float32Array(new Uint8Array(readFileSync(`${dir}${f}`)).buffer);
const IMAGES = ['tc-d3.c.bin', 'tc-d3-n5.c.bin', 'tc-d1-commented.c.bin', 'disp3.c.bin', 'phi3.c.bin'];

/** numpy-style linear-interpolated percentile over a sorted copy. */
function exactPercentile(values: number[], p: number): number {
  const s = Float64Array.from(values).sort();
  const x = (p / 100) * (s.length - 1);
  const lo = Math.floor(x);
  return s[lo] + (s[Math.min(s.length - 1, lo + 1)] - s[lo]) * (x - lo);
}

test('histogram percentiles equal exact sorted percentiles on real images', () => {
  for (const f of IMAGES) {
    const img = load(f);
    const all = [...img].filter(Number.isFinite);
    const d = differenceImage(load('tc-d3.c.bin'), img.length === 65536 ? img : load('tc-d3.c.bin'));
    for (const [domain, values, src] of [
      ['finite', all, img], ['positive', all.filter((v) => v > 0), img], ['abs', [...d].map(Math.abs), d],
    ] as const) {
      for (const p of [0, 0.5, 50, 99.5, 100]) {
        const want = exactPercentile(values, p);
        const [got] = finitePercentiles(src, [p], domain);
        assert.ok(Math.abs(got - want) <= 1e-12 * Math.abs(want), `${f} ${domain} p${p}: ${got} vs exact ${want}`);
      }
    }
  }
  assert.deepEqual(finitePercentiles(Float32Array.from([NaN, Infinity, -Infinity]), [50]).map(Number.isNaN), [true]);
  assert.deepEqual(finitePercentiles(Float32Array.from([-4, -2, 0, 2, 4]), [0, 25, 50, 75, 100]), [-4, -2, 0, 2, 4].map((v) => finitePercentiles(Float32Array.of(v), [50])[0]));
});

test('log intensity levels agree with an exact per-pixel Math.log mapping (≤ 1 level, ≥ 97 % identical)', () => {
  for (const f of IMAGES) {
    const img = load(f);
    const got = paletteIndices(img, { kind: 'intensity', scale: 'log' });
    const all = [...img].filter(Number.isFinite);
    const hi = Math.max(exactPercentile(all, 99.5), 0);
    const lo = exactPercentile(all.filter((v) => v > 0), 0.5);
    let same = 0;
    for (let i = 0; i < img.length; i++) {
      const u = (Math.log(Math.max(img[i], lo)) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
      const want = Math.round(Math.min(1, Math.max(0, u)) * (LEVELS - 1));
      assert.ok(Math.abs(got[i] - want) <= 1, `${f} pixel ${i}: level ${got[i]} vs exact ${want}`);
      if (got[i] === want) same++;
    }
    assert.ok(same >= 0.97 * img.length, `${f}: ${same} of ${img.length} identical`);
  }
});

test('an 8-bit RGB PNG that pngjs decodes to the palette colours; magenta for NaN/Inf', () => {
  const img = load('tc-d3-n5.c.bin');
  img[5] = NaN; img[6] = Infinity; img[7] = -Infinity;
  const buf = encodePng(img, 256, 256, { kind: 'intensity', scale: 'log' });
  assert.equal(buf.toString('latin1', 12, 16), 'IHDR');
  assert.deepEqual([buf[24], buf[25], buf[28]], [8, 2, 0], 'bit depth 8, colour type 2 (RGB), no interlace');
  const png = PNG.sync.read(buf); // pngjs verifies every chunk's CRC
  assert.deepEqual([png.width, png.height], [256, 256]);
  for (const i of [5, 6, 7]) assert.deepEqual([...png.data.subarray(i * 4, i * 4 + 4)], [255, 0, 255, 255], `pixel ${i}`);
  const idx = paletteIndices(img, { kind: 'intensity', scale: 'log' });
  assert.equal(idx[5], NON_FINITE_INDEX);
  // The brightest pixel is the top level of the sequential map (pale yellow), the darkest the bottom one.
  let max = 0;
  for (let i = 8; i < img.length; i++) if (img[i] > img[max]) max = i;
  assert.equal(idx[max], LEVELS - 1);
  assert.deepEqual([...png.data.subarray(max * 4, max * 4 + 3)], [252, 255, 164]);
  // Difference: exactly white at zero (the middle level), symmetric levels for ±x.
  const d = Float32Array.from([0, 1, -1, 0.5, -0.5, 2, -2, 0]);
  const di = paletteIndices(d, { kind: 'difference' });
  assert.equal(di[0], (LEVELS - 1) / 2);
  assert.equal(di[1] + di[2], LEVELS - 1);
  assert.equal(di[3] + di[4], LEVELS - 1);
  const q = PNG.sync.read(encodePng(d, 4, 2, { kind: 'difference' }));
  assert.deepEqual([...q.data.subarray(0, 3)], [247, 247, 247]);
  // A constant image and an all-NaN image still encode.
  assert.equal(PNG.sync.read(encodePng(new Float32Array(16).fill(3), 4, 4, { kind: 'intensity', scale: 'log' })).width, 4);
  const nan = PNG.sync.read(encodePng(new Float32Array(4).fill(NaN), 2, 2, { kind: 'intensity', scale: 'log' }));
  assert.deepEqual([...nan.data.subarray(12, 16)], [255, 0, 255, 255]);
});
