// findPeaks' fast interior path and its cut of long lists must give exactly the peaks of the plain definition:
// a finite pixel above the floor that no 8-neighbour beats (larger, or equal with a lower flat index), brightest
// first, ties by flat index. Checked on seeded noise with many ties (values quantised), edges, NaN and Inf.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPeaks, type Peak } from '../../src/core/metrics/peaks.ts';

function plain(img: Float32Array, f: number, rel: number, limit: number): Peak[] {
  const s = img.length / f;
  let max = -Infinity;
  for (const v of img) if (Number.isFinite(v) && v > max) max = v;
  const floor = Math.max(0, rel * max);
  const out: Peak[] = [];
  for (let i = 0; i < img.length; i++) {
    const v = img[i];
    if (!Number.isFinite(v) || v < floor || v <= 0) continue;
    const y = Math.floor(i / f), x = i % f;
    let beaten = false;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy, xx = x + dx;
      if ((dy || dx) && yy >= 0 && yy < s && xx >= 0 && xx < f) {
        const j = yy * f + xx;
        if (img[j] > v || (img[j] === v && j < i)) beaten = true;
      }
    }
    if (!beaten) out.push({ slow: y, fast: x, value: v });
  }
  return out.sort((a, b) => b.value - a.value || a.slow - b.slow || a.fast - b.fast).slice(0, limit);
}

test('findPeaks equals the plain definition on noisy images with ties, edges, NaN and Inf, with and without the cut', () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const [f, s] of [[37, 23], [64, 64], [5, 3], [1, 9]] as const) {
    const img = new Float32Array(f * s).map(() => Math.round(rand() * 12) / 12);
    img[3 % img.length] = NaN;
    img[(7 * f + 2) % img.length] = Infinity;
    img[img.length - 1] = -Infinity;
    for (const limit of [1e9, 50, 7, 0]) {
      for (const rel of [0, 0.5]) {
        assert.deepEqual(findPeaks(img, f, { maxPeaks: limit, relThreshold: rel }), plain(img, f, rel, limit), `${f}×${s} limit ${limit} rel ${rel}`);
      }
    }
  }
});
