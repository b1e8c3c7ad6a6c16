import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsMarkdown } from '../../src/shared/metricsMarkdown.ts';
import { fmtCorrelation, fmtNumber, fmtSumRatio, meetsThreshold } from '../../src/shared/format.ts';
import { sampleViewModel } from '../helpers/viewModel.ts';

test('metricsMarkdown: one table row per case with 6-decimal metrics and threshold badges', () => {
  const md = metricsMarkdown(sampleViewModel());
  const rows = md.split('\n').filter((l) => l.startsWith('| TC-'));
  assert.equal(rows.length, 2);
  assert.match(rows[0], /^\| TC-D1 \| c → torch \| ✅ pass \| 0\.999994 ✓ \| 1\.000123 ✓ \|/);
  assert.match(rows[1], /^\| TC-D3 \| c → torch \| ❌ fail \| 0\.935000 ✗ \| 1\.310000 ✗ \|/);
  // The table header has the same number of cells as each row (escaped pipes do not count).
  const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
  const header = md.split('\n').find((l) => l.startsWith('| Case'))!;
  assert.equal(cells(rows[0]), cells(header));
  assert.equal(cells(rows[1]), cells(header));
  // Critical mismatch listed, warning not; a pipe inside the explanation is escaped... and outside tables kept readable.
  assert.match(md, /- config: C takes P from the first \(ghost\) source \| constant 0\.5/);
  assert.doesNotMatch(md, /ghost sources \(4 vs 2\)/);
  assert.match(md, /attribution \(explained\): defaultN=5 reproduces the candidate/);
  assert.match(md, /Evidence: `\/ws\/reports\/2025-11-source-weights\/phase_e\/20251110T120000Z`/);
});

test('metricsMarkdown: a case without metrics shows n/a and no badge for unchecked thresholds', () => {
  const vm = sampleViewModel();
  delete vm.cases[0].metrics;
  vm.cases[0].thresholds = { corrMin: 0.999 };
  vm.cases[0].verdict = { status: 'error', reason: 'C binary exited with code 139', failed: [] };
  const row = metricsMarkdown(vm).split('\n').find((l) => l.startsWith('| TC-D1'))!;
  assert.match(row, /⚠️ error \| n\/a ✗ \| n\/a \| n\/a \| n\/a \| corr ≥ 0\.999 \|/);
});

test('formatters match summary.md conventions', () => {
  assert.equal(fmtCorrelation(0.99999412), '0.999994');
  assert.equal(fmtSumRatio(1), '1.000000');
  assert.equal(fmtCorrelation(null), 'n/a');
  assert.equal(fmtCorrelation(Number.NaN), 'NaN');
  assert.equal(fmtNumber(0.00012345), '1.234e-4');
  assert.equal(fmtNumber(12.3456), '12.35');
  assert.equal(meetsThreshold('sumRatio', 1.0011, { sumRatioTol: 1e-3 }), false);
  assert.equal(meetsThreshold('sumRatio', 1.0009, { sumRatioTol: 1e-3 }), true);
  assert.equal(meetsThreshold('sumRatio', 1.02, { sumRatioMin: 0.98, sumRatioMax: 1.02 }), true);
  assert.equal(meetsThreshold('rmse', 1, {}), undefined);
});
