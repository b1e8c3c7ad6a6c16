import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge, formatThresholds, withinThresholds } from '../../src/core/metrics/verdict.ts';
import { computeMetrics } from '../../src/core/metrics/metrics.ts';
import type { EngineRun, Thresholds } from '../../src/shared/types.ts';

const SEED: Thresholds = { corrMin: 0.999, sumRatioTol: 1e-3 };

function run(side: 'reference' | 'candidate', image: Float32Array | undefined, extra: Partial<EngineRun> = {}): EngineRun {
  return { engine: side === 'reference' ? 'c' : 'torch', side, image, fpixels: 4, spixels: 2, stdout: '', stderr: '', exitCode: 0, command: ['x'], env: {}, cwd: '/tmp', wallMs: 10, ...extra };
}

const ref = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

test('pass when every threshold holds', () => {
  const cand = Float32Array.from(ref, (v) => v * 1.0005);
  const v = judge({ metrics: computeMetrics(ref, cand, 4), thresholds: SEED, reference: run('reference', ref), candidate: run('candidate', cand) });
  assert.equal(v.status, 'pass');
  assert.match(v.reason, /corr 1, sum ratio 1\.0005 within corr ≥ 0\.999/);
});

test('fail names the threshold and by how much', () => {
  const cand = Float32Array.from(ref, (v) => v * 1.5);
  const v = judge({ metrics: computeMetrics(ref, cand, 4), thresholds: SEED, reference: run('reference', ref), candidate: run('candidate', cand) });
  assert.equal(v.status, 'fail');
  assert.equal(v.failed.length, 1);
  assert.equal(v.failed[0].metric, 'sum_ratio');
  assert.match(v.failed[0].by, /off by 0\.5 \(500× the tolerance\)/);
  assert.doesNotMatch(v.reason, /\n/);
});

test('fail on correlation says how short', () => {
  const cand = Float32Array.from([8, 7, 6, 5, 4, 3, 2, 1]);
  const v = judge({ metrics: computeMetrics(ref, cand, 4), thresholds: { corrMin: 0.999 }, reference: run('reference', ref), candidate: run('candidate', cand) });
  assert.equal(v.status, 'fail');
  assert.match(v.reason, /correlation -1 \(needs ≥ 0\.999; short by 1\.999\)/);
});

test('parity_cases.yaml style bounds and max |Δ|', () => {
  const cand = Float32Array.from(ref, (v) => v + 1);
  const t: Thresholds = { sumRatioMin: 0.9, sumRatioMax: 1.1, maxAbsMax: 0.5 };
  const v = judge({ metrics: computeMetrics(ref, cand, 4), thresholds: t, reference: run('reference', ref), candidate: run('candidate', cand) });
  assert.deepEqual(v.failed.map((f) => f.metric), ['sum_ratio', 'max_abs_diff']);
  assert.equal(formatThresholds(t), '0.9 ≤ sum ratio ≤ 1.1, max|Δ| ≤ 0.5');
});

test('errors: signal, exit status, timeout, cancel, missing image, size mismatch', () => {
  const cases: [Partial<EngineRun>, RegExp][] = [
    [{ signal: 'SIGSEGV', exitCode: undefined }, /candidate \(PyTorch\) crashed with signal SIGSEGV/],
    [{ exitCode: 1, error: 'ModuleNotFoundError: torch' }, /exited with status 1: ModuleNotFoundError/],
    [{ timedOut: true, wallMs: 30000 }, /timed out after 30 s/],
    [{ cancelled: true }, /was cancelled/],
    [{ image: undefined }, /produced no image/],
  ];
  for (const [extra, re] of cases) {
    const cand = 'image' in extra ? undefined : ref;
    const v = judge({ thresholds: SEED, reference: run('reference', ref), candidate: run('candidate', cand, extra) });
    assert.equal(v.status, 'error');
    assert.match(v.reason, re);
  }
  const v = judge({ thresholds: SEED, reference: run('reference', ref), candidate: run('candidate', new Float32Array(8), { fpixels: 8, spixels: 1 }) });
  assert.equal(v.status, 'error');
  assert.match(v.reason, /size mismatch: reference 4×2, candidate 8×1/);
});

test('all-NaN reference with exit 0 is an error that says so', () => {
  const nan = new Float32Array(8).fill(NaN);
  const m = computeMetrics(nan, ref, 4);
  const v = judge({ metrics: m, thresholds: SEED, reference: run('reference', nan), candidate: run('candidate', ref) });
  assert.equal(v.status, 'error');
  assert.equal(v.reason, 'reference (C) image has 8 NaN pixels (every pixel), yet it exited 0');
  assert.equal(withinThresholds(m, SEED), false);
});
