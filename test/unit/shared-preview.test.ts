// Previews of large images: the max-binning, the bin size choice and the protocol's preview / full-image messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PREVIEW_MAX_PIXELS, firstDelivery, maxBin, previewBinning, previewSize } from '../../src/shared/preview.ts';
import {
  imageFromMessage, imageMessage, isHostToWebview, isImageMessage, isWebviewToHost, messagePixels, previewImageMessage,
} from '../../src/shared/messages.ts';

test('max-binning keeps the brightest pixel of each bin (a one-pixel spot survives)', () => {
  // 4×4 → 2×2 bins; one "Bragg spot" of 100 among small values.
  const img = Float32Array.from([
    1, 2, 0, 0,
    3, 4, 0, 100,
    -1, -2, 5, 5,
    -3, -4, 5, 6,
  ]);
  assert.deepEqual(Array.from(maxBin(img, 4, 4, 2)), [4, 100, -1, 6]);
  // k = 1 is the identity.
  assert.deepEqual(Array.from(maxBin(img, 4, 4, 1)), Array.from(img));
});

test('max-binning: a bin with any NaN is NaN, wherever the NaN sits; Inf and -Inf follow max', () => {
  for (const at of [0, 1, 5, 6]) { // first pixel of the bin, inside the first row, second row, last of the bin
    const img = new Float32Array(3 * 3).fill(1); // 3×3 with k=3: one bin
    img[at] = Number.NaN;
    img[4] = 1e30; // a bright pixel does not hide the NaN
    const out = maxBin(img, 3, 3, 3);
    assert.equal(out.length, 1);
    assert.ok(Number.isNaN(out[0]), `NaN at ${at} → NaN bin, got ${out[0]}`);
  }
  const inf = Float32Array.from([1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2]);
  assert.deepEqual(Array.from(maxBin(inf, 2, 2, 2)), [Number.POSITIVE_INFINITY]);
  const negInf = new Float32Array(4).fill(Number.NEGATIVE_INFINITY);
  assert.deepEqual(Array.from(maxBin(negInf, 2, 2, 2)), [Number.NEGATIVE_INFINITY]);
  // A NaN only spoils its own bin.
  const two = Float32Array.from([Number.NaN, 0, 7, 8]);
  const out = maxBin(two, 4, 1, 2);
  assert.ok(Number.isNaN(out[0]));
  assert.equal(out[1], 8);
});

test('max-binning: edge bins of sizes that are not multiples of k cover only the pixels that exist', () => {
  // 5 fast × 3 slow, k = 2 → 3 × 2 preview; last column of bins is 1 pixel wide, last row 1 pixel high.
  const f = 5, s = 3;
  const img = Float32Array.from({ length: f * s }, (_, i) => i); // value = index, so the max is the bin's last pixel
  assert.deepEqual(previewSize(f, s, 2), { fpixels: 3, spixels: 2 });
  assert.deepEqual(Array.from(maxBin(img, f, s, 2)), [6, 8, 9, 11, 13, 14]);
  assert.throws(() => maxBin(img, 4, 4, 2), /15 pixels is not 4×4/);
  assert.throws(() => maxBin(img, f, s, 0), /integer bin size ≥ 1, got 0/);
});

test('max-binning equals the brute-force max over each bin (random sizes, bins and NaNs)', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 5 }), fc.integer(),
    (f, s, k, seed) => {
      let x = seed | 1;
      const rnd = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32; };
      const img = Float32Array.from({ length: f * s }, () => (rnd() < 0.05 ? Number.NaN : Math.fround(rnd() * 200 - 100)));
      const out = maxBin(img, f, s, k);
      const { fpixels: pf, spixels: ps } = previewSize(f, s, k);
      assert.equal(out.length, pf * ps);
      for (let bs = 0; bs < ps; bs++) for (let bf = 0; bf < pf; bf++) {
        const vals: number[] = [];
        for (let y = bs * k; y < Math.min(s, bs * k + k); y++) for (let xx = bf * k; xx < Math.min(f, bf * k + k); xx++) vals.push(img[y * f + xx]);
        const want = vals.some(Number.isNaN) ? Number.NaN : Math.max(...vals);
        assert.ok(Object.is(out[bs * pf + bf], want), `bin (${bs}, ${bf}) of ${f}×${s} k=${k}: ${out[bs * pf + bf]} vs ${want}`);
      }
    }), { numRuns: 200 });
});

test('bin size: none up to 1024², else ceil(longest side / 1024)', () => {
  assert.equal(PREVIEW_MAX_PIXELS, 1024 * 1024);
  assert.equal(previewBinning(128, 128), 1);
  assert.equal(previewBinning(1024, 1024), 1);
  assert.equal(previewBinning(2048, 512), 1, 'exactly 1024² pixels: sent as is');
  assert.equal(previewBinning(1025, 1024), 2);
  assert.equal(previewBinning(2048, 2048), 2);
  assert.equal(previewBinning(2463, 2527), 3, 'Pilatus 6M');
  assert.equal(previewBinning(4096, 4096), 4);
  assert.deepEqual(previewSize(2463, 2527, 3), { fpixels: 821, spixels: 843 });
});

test('first delivery: full up to 512², a 2×2 quick preview with the full image following up to 1024², else the preview alone', () => {
  assert.deepEqual(firstDelivery(256, 256), { k: 1, fullFollows: false });
  assert.deepEqual(firstDelivery(512, 512), { k: 1, fullFollows: false }, 'exactly 512²: sent as is');
  assert.deepEqual(firstDelivery(513, 512), { k: 2, fullFollows: true });
  assert.deepEqual(firstDelivery(1024, 1024), { k: 2, fullFollows: true }, 'the 1024² first paint: a quarter of the bytes first');
  assert.deepEqual(firstDelivery(2048, 2048), { k: 2, fullFollows: false }, 'above 1024²: full only when asked');
  assert.deepEqual(firstDelivery(4096, 4096), { k: 4, fullFollows: false });
});

test('preview image message: exact-size buffer, survives structuredClone, guard checks the declared binning', () => {
  const ref = { id: 's/TC/reference', caseId: 'TC', role: 'reference' as const, fpixels: 5, spixels: 3 };
  const full = Float32Array.from({ length: 15 }, (_, i) => i);
  const prev = maxBin(full, 5, 3, 2);
  const msg = structuredClone(previewImageMessage(ref, prev, 2));
  assert.ok(isHostToWebview(msg));
  assert.equal(msg.level, 'preview');
  assert.equal(msg.buffer.byteLength, 3 * 2 * 4);
  assert.deepEqual(messagePixels(msg), { fpixels: 3, spixels: 2 });
  assert.deepEqual(Array.from(imageFromMessage(msg)), [6, 8, 9, 11, 13, 14]);
  assert.equal(msg.fpixels, 5, 'the full size is kept for the geometry');
  // Old messages (no level) and explicit full ones stay valid.
  const old = imageMessage(ref, full);
  assert.equal(old.level, undefined);
  assert.ok(isImageMessage(old));
  assert.ok(isImageMessage({ ...old, level: 'full' }));
  // Broken previews are refused: unknown level, missing or wrong binning, size not following from the binning.
  assert.equal(isImageMessage({ ...old, level: 'thumb' }), false);
  assert.equal(isImageMessage({ ...msg, binning: undefined }), false);
  assert.equal(isImageMessage({ ...msg, binning: 1, previewFpixels: 5, previewSpixels: 3 }), false);
  assert.equal(isImageMessage({ ...msg, previewFpixels: 2 }), false);
  assert.throws(() => previewImageMessage(ref, full, 2), /preview of image s\/TC\/reference \(TC reference\) has 15 pixels, expected 3×2 = 6/);
  assert.throws(() => imageFromMessage({ ...msg, buffer: new ArrayBuffer(8) }), /preview of image s\/TC\/reference has 8 bytes, expected 3×2×4 = 24/);
});

test('requestFullImage guard: needs a request id, a case id and a known role', () => {
  assert.ok(isWebviewToHost({ type: 'requestFullImage', requestId: 7, caseId: 'TC-D1', role: 'candidate' }));
  assert.equal(isWebviewToHost({ type: 'requestFullImage', caseId: 'TC-D1', role: 'candidate' }), false);
  assert.equal(isWebviewToHost({ type: 'requestFullImage', requestId: 7, caseId: 'TC-D1', role: 'diff' }), false);
  assert.equal(isWebviewToHost({ type: 'requestFullImage', requestId: 7, role: 'reference' }), false);
  // The older request for a lost image is unchanged.
  assert.ok(isWebviewToHost({ type: 'requestImage', requestId: 8, id: 's/TC/reference' }));
});
