// The shared (host + webview) region metrics: one implementation, the same numbers as the full-frame metrics of
// the copied slice (which the ROI numpy-equality test pins to numpy), and fast enough to follow a drag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRegionMetrics, computeMetrics, MetricsInputError } from '../../src/shared/pairMetrics.ts';
import { cropImage } from '../../src/core/metrics/roi.ts';
import { syntheticPair } from '../../src/core/metrics/metrics.ts';

test('region metrics without copying equal the metrics of the cropped slice; positions come back full-frame', () => {
  const { reference, candidate } = syntheticPair(64, 48, 7);
  candidate[20 * 64 + 30] += 5; // the largest |Δ| inside the region
  const rect = { x0: 25, x1: 40, y0: 10, y1: 30 };
  const region = computeRegionMetrics(reference, candidate, 64, rect);
  const cropped = computeMetrics(cropImage(reference, 64, rect), cropImage(candidate, 64, rect), 16);
  assert.equal(region.pixels, 16 * 21);
  for (const k of ['correlation', 'sumRatio', 'rmse', 'mse', 'maxAbsDiff', 'finitePixels', 'sumReference'] as const) {
    assert.equal(region[k], cropped[k], k);
  }
  assert.deepEqual(region.maxAbsDiffAt, [20, 30]);
  assert.deepEqual(cropped.maxAbsDiffAt, [10, 5]);
  // The whole frame as a region is computeMetrics itself.
  assert.deepEqual(computeRegionMetrics(reference, candidate, 64, { x0: 0, x1: 63, y0: 0, y1: 47 }), computeMetrics(reference, candidate, 64));
});

test('region metrics refuse empty or off-image rectangles by name', () => {
  const img = new Float32Array(16);
  assert.throws(() => computeRegionMetrics(img, img, 4, { x0: 2, x1: 1, y0: 0, y1: 0 }), MetricsInputError);
  assert.throws(() => computeRegionMetrics(img, img, 4, { x0: 0, x1: 4, y0: 0, y1: 0 }), /leaves the 4×4 image/);
  assert.throws(() => computeRegionMetrics(img, img, 4, { x0: 0.5, x1: 1, y0: 0, y1: 0 }), /region/);
});
