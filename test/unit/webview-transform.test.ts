import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_ZOOM, canvasToImage, clampTransform, imageToCanvas, initialTransform, panBy, pixelAt, visibleRect, zoomAt,
} from '../../media/webview/transform.ts';

const F = 256, S = 128, W = 400, H = 300;

test('fit view: the whole image is visible and centred', () => {
  const t = initialTransform(F, S);
  assert.deepEqual(visibleRect(t, F, S, W, H), { x: 0, y: 0, w: F, h: S });
  // 400/256 = 1.5625 px per image pixel; image centre at canvas centre.
  assert.deepEqual(imageToCanvas(t, F, S, W, H, F / 2, S / 2), [W / 2, H / 2]);
  assert.deepEqual(pixelAt(t, F, S, W, H, W / 2 + 0.1, H / 2 + 0.1), { slow: 64, fast: 128 });
  assert.equal(pixelAt(t, F, S, W, H, 1, 1), undefined, 'letterbox margin is outside the image');
});

test('canvas ↔ image round trip at any zoom and centre', () => {
  fc.assert(fc.property(
    fc.double({ min: 1, max: 64, noNaN: true }), fc.double({ min: 0, max: F, noNaN: true }), fc.double({ min: 0, max: S, noNaN: true }),
    fc.double({ min: 0, max: W, noNaN: true }), fc.double({ min: 0, max: H, noNaN: true }),
    (zoom, cx, cy, px, py) => {
      const t = { zoom, cx, cy };
      const [x, y] = canvasToImage(t, F, S, W, H, px, py);
      const [qx, qy] = imageToCanvas(t, F, S, W, H, x, y);
      return Math.abs(qx - px) < 1e-6 && Math.abs(qy - py) < 1e-6;
    }));
});

test('wheel zoom keeps the image point under the cursor fixed', () => {
  fc.assert(fc.property(
    fc.double({ min: 0.5, max: 4, noNaN: true }), fc.double({ min: 100, max: 300, noNaN: true }), fc.double({ min: 80, max: 220, noNaN: true }),
    (factor, px, py) => {
      const t0 = { zoom: 4, cx: F / 2, cy: S / 2 };
      const before = canvasToImage(t0, F, S, W, H, px, py);
      const t1 = zoomAt(t0, factor, F, S, W, H, px, py);
      const after = canvasToImage(t1, F, S, W, H, px, py);
      return Math.abs(before[0] - after[0]) < 1e-6 && Math.abs(before[1] - after[1]) < 1e-6;
    }));
});

test('zoom and pan are clamped: never below fit, never past MAX_ZOOM, centre stays on the image', () => {
  const t = initialTransform(F, S);
  assert.equal(zoomAt(t, 0.1, F, S, W, H).zoom, 1);
  assert.equal(zoomAt({ ...t, zoom: MAX_ZOOM }, 2, F, S, W, H).zoom, MAX_ZOOM);
  const far = panBy({ zoom: 2, cx: 10, cy: 10 }, 1e6, -1e6, F, S, W, H);
  assert.deepEqual([far.cx, far.cy], [0, S]);
  assert.deepEqual(clampTransform({ zoom: Number.NaN, cx: Number.NaN, cy: -5 }, F, S), { zoom: 1, cx: F / 2, cy: 0 });
});

test('drag right by one screen pixel moves the view left by 1/scale image pixels', () => {
  const t = { zoom: 2, cx: 100, cy: 50 };
  const k = Math.min(W / F, H / S) * 2;
  const moved = panBy(t, 10, 0, F, S, W, H);
  assert.ok(Math.abs(moved.cx - (100 - 10 / k)) < 1e-9);
  assert.equal(moved.cy, 50);
});
