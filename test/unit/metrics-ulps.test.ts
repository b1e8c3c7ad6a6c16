// Threshold sanity: a max-|Δ| miss within a few float32 steps of the pixel's own value is said so in the
// verdict text; pass/fail and the recorded misses stay exactly as the thresholds decide.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeMetrics } from '../../src/core/metrics/metrics.ts';
import { float32ResolutionNote, float32Spacing } from '../../src/core/metrics/ulps.ts';
import { judge } from '../../src/core/metrics/verdict.ts';
import type { EngineRun } from '../../src/shared/types.ts';

test('float32 spacing: 1 → 2^-23, 9.4e8 → 64, powers of two, tiny and non-finite values', () => {
  assert.equal(float32Spacing(1), 2 ** -23);
  assert.equal(float32Spacing(9.4e8), 64);
  assert.equal(float32Spacing(-9.4e8), 64);
  assert.equal(float32Spacing(2 ** 30), 128);
  assert.equal(float32Spacing(2 ** 30 - 64), 64);
  assert.equal(float32Spacing(1e-45), 2 ** -149);
  assert.equal(float32Spacing(Infinity), 0);
  // The spacing really is the gap to the next float32.
  const v = Math.fround(12345.678);
  assert.equal(Math.fround(v + float32Spacing(v)) - v, float32Spacing(v));
});

test('a miss of ~8 ulps at a 9.4e8 pixel gets the sentence; a miss of hundreds of ulps does not', () => {
  const note = float32ResolutionNote(512, 500, 9.4e8);
  assert.match(note!, /max\|Δ\| 512 is 8 float32 ulps of that pixel's value 9\.4e\+?8 \(float32 spacing 64 there\)/);
  assert.match(note!, /the limit 500 is 7\.81 ulps/);
  assert.equal(float32ResolutionNote(512, 500, 1e4), undefined, 'at 1e4 counts 512 is ~524000 ulps: physics, not rounding');
  assert.equal(float32ResolutionNote(400, 500, 9.4e8), undefined, 'no miss, no sentence');
});

function run(side: 'reference' | 'candidate', image: Float32Array): EngineRun {
  return { engine: side === 'reference' ? 'c' : 'torch', side, image, fpixels: 2, spixels: 2, stdout: '', stderr: '', exitCode: 0, command: ['x'], env: {}, cwd: '/tmp', wallMs: 1 };
}

test('judge keeps the fail and adds the float32 sentence to the reason', () => {
  const ref = Float32Array.from([1, 2, 3, 9.4e8]);
  const cand = Float32Array.from([1, 2, 3, 9.4e8 + 512]);
  const t = { maxAbsMax: 500 };
  const v = judge({ metrics: computeMetrics(ref, cand, 2), thresholds: t, reference: run('reference', ref), candidate: run('candidate', cand) });
  assert.equal(v.status, 'fail');
  assert.deepEqual(v.failed.map((f) => f.metric), ['max_abs_diff']);
  assert.match(v.reason, /^max_abs_diff 512 \(needs ≤ 500; over by 12\); max\|Δ\| 512 is 8 float32 ulps/);
  const far = Float32Array.from([1, 2, 3 + 600, 9.4e8]);
  const w = judge({ metrics: computeMetrics(ref, far, 2), thresholds: t, reference: run('reference', ref), candidate: run('candidate', far) });
  assert.equal(w.status, 'fail');
  assert.doesNotMatch(w.reason, /ulps/);
});
