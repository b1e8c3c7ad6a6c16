// With --preset pytorch the engine models the PyTorch port's semantics. The real PyTorch outputs of the seed's
// commands (test/fixtures/real-runs, from ../shared/reference/real-runs) must be reproduced to
// correlation ≥ 0.9999 and |sum ratio − 1| ≤ 1e-4 (the port computes in float32, so not bit-exact).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulate } from '../../src/core/simulator/index.ts';

const dir = fileURLToPath(new URL('../fixtures/c-goldens/', import.meta.url));
const realRuns = fileURLToPath(new URL('../fixtures/real-runs/', import.meta.url));
const common = ['-default_F', '100', '-distance', '231.274660', '-lambda', '0.9768', '-pixel', '0.172', '-detpixels_x', '256', '-detpixels_y', '256', '-oversample', '1', '-nonoise', '-nointerpolate'];
// The seed's exact TC-D1 (commented fixture) and TC-D3 commands.
const D1 = ['-mat', 'A.mat', '-sourcefile', 'two_sources_commented.txt', '-hdivsteps', '0', '-vdivsteps', '0', '-dispsteps', '1', ...common];
const D3 = ['-mat', 'A.mat', '-hdivrange', '0.5', '-hdivsteps', '3', ...common];

function compare(ref: Float32Array, cand: Float32Array): { corr: number; sumRatio: number; maxRel: number } {
  let sa = 0, sb = 0;
  for (let i = 0; i < ref.length; i++) { sa += ref[i]!; sb += cand[i]!; }
  const ma = sa / ref.length, mb = sb / ref.length;
  let cov = 0, va = 0, vb = 0, maxRel = 0;
  for (let i = 0; i < ref.length; i++) {
    const x = ref[i]! - ma, y = cand[i]! - mb;
    cov += x * y; va += x * x; vb += y * y;
    maxRel = Math.max(maxRel, Math.abs(cand[i]! - ref[i]!) / Math.abs(ref[i]!));
  }
  return { corr: cov / Math.sqrt(va * vb), sumRatio: sb / sa, maxRel };
}

const runs: [string, string[], number?][] = [
  ['py_tc_d1.bin', D1], ['py_tc_d3.bin', D3],
  // With N=1 the images are smooth; the fork model reproduces them to float32 rounding.
  ['py_tc_d1_N1.bin', [...D1, '-N', '1'], 2e-6], ['py_tc_d3_N1.bin', [...D3, '-N', '1'], 2e-6],
  ['py_tc_d3_N5.bin', [...D3, '-N', '5']],
];

for (const [file, args, maxRel] of runs) {
  test(`--preset pytorch reproduces real PyTorch ${file}`, async () => {
    const r = await simulate({ args, cwd: dir, workers: 0, preset: 'pytorch', writeFloatfile: false });
    const ref = new Float32Array(new Uint8Array(readFileSync(`${realRuns}${file}`)).buffer);
    const m = compare(ref, r.image);
    console.log(`  ${file}: corr ${m.corr.toFixed(9)}, sum ratio − 1 = ${(m.sumRatio - 1).toExponential(2)}, max rel ${m.maxRel.toExponential(2)}`);
    assert.ok(m.corr >= 0.9999, `correlation ${m.corr}`);
    assert.ok(Math.abs(m.sumRatio - 1) <= 1e-4, `sum ratio ${m.sumRatio}`);
    if (maxRel !== undefined) assert.ok(m.maxRel <= maxRel, `max relative difference ${m.maxRel}`);
  });
}

test('the c preset does NOT reproduce PyTorch on the seed command (the forks matter)', async () => {
  const r = await simulate({ args: D1, cwd: dir, workers: 0, preset: 'c', writeFloatfile: false });
  const ref = new Float32Array(new Uint8Array(readFileSync(`${realRuns}py_tc_d1.bin`)).buffer);
  const m = compare(ref, r.image);
  assert.ok(m.corr < 0.5 && m.sumRatio < 0.1, `corr ${m.corr} sum ratio ${m.sumRatio}`);
});
