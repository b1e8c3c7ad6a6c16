// A case's history from real bundle folders (bundle.json as the writer writes it, env.json with the recorded
// workspace git commit): newest first across initiatives, only bundles that ran the case, what-ifs marked,
// unreadable folders skipped. The rows pass the protocol guard the webview applies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleJson } from '../../src/core/evidence/bundleJson.ts';
import { engineName } from '../../src/core/evidence/texts.ts';
import { caseHistory } from '../../src/core/compare/history.ts';
import { isCompareHostMessage } from '../../src/shared/compareMessages.ts';
import type { CaseResult, WhatIf } from '../../src/shared/types.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

function result(caseId: string, corr: number, status: 'pass' | 'fail'): CaseResult {
  return {
    caseId, files: {},
    reference: { engine: 'c' }, candidate: { engine: 'torch' },
    metrics: { correlation: corr, sumRatio: 1.01, maxAbsDiff: 0.5 },
    verdict: { status, reason: '' },
  } as unknown as CaseResult;
}

async function bundle(ws: string, where: string, stamp: string, cases: CaseResult[], commit?: string, whatIf?: WhatIf): Promise<string> {
  const dir = join(ws, 'reports', where, stamp);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'bundle.json'), bundleJson({ dir, stamp, layout: '1', createdAt: '', cases, whatIf }, { reference: 'c', candidate: 'torch' }));
  await writeFile(join(dir, 'env.json'), JSON.stringify({ workspace_git: commit ? { commit, ref: 'main' } : null }));
  return dir;
}

test('caseHistory: every bundle that ran the case, newest first, with verdict, numbers, engines, recorded commit', async () => {
  const ws = await makeTempDir('history-');
  const old = await bundle(ws, 'ini-a/phase-1', '20261201T100000Z', [result('TC-D3', 0.72, 'fail')], 'aaaaaaaaaaaaaaaa1111');
  await bundle(ws, 'ini-a/phase-1', '20261201T110000Z', [result('TC-D1', 0.99, 'pass')]); // another case only
  const fixed = await bundle(ws, 'ini-b/phase-2', '20261202T090000Z', [result('TC-D3', 0.9999, 'pass'), result('TC-D1', 1, 'pass')], 'bbbbbbbbbbbbbbbb2222');
  const what = await bundle(ws, 'ini-b/phase-2', '20261202T100000Z', [result('TC-D3~whatif', 0.99999, 'pass')], undefined, { flags: ['-N', '5'], of: ['TC-D3'] });
  await mkdir(join(ws, 'reports/ini-b/phase-2/20261202T110000Z'), { recursive: true }); // empty folder: skipped
  await writeFile(join(ws, 'reports/ini-b/phase-2/20261202T110000Z/bundle.json'), '{broken');

  const rows = await caseHistory(ws, 'TC-D3');
  assert.deepEqual(rows.map((r) => r.bundleDir), [what, fixed, old]);
  assert.deepEqual(rows.map((r) => r.verdict), ['pass', 'pass', 'fail']);
  assert.deepEqual(rows.map((r) => r.correlation), [0.99999, 0.9999, 0.72]);
  assert.deepEqual(rows.map((r) => r.gitCommit), [undefined, 'bbbbbbbbbbbb', 'aaaaaaaaaaaa']);
  assert.deepEqual(rows.map((r) => r.whatIf), [true, undefined, undefined]);
  assert.equal(rows[2].engines, `${engineName('torch')} vs ${engineName('c')}`);
  assert.equal(rows[2].time, '2026-12-01T10:00:00.000Z');
  assert.ok(isCompareHostMessage({ type: 'history', caseId: 'TC-D3', rows }), 'rows pass the webview guard');
  assert.deepEqual(await caseHistory(ws, 'TC-NONE'), []);
});

test('history text: sparkline oldest → newest, gaps shown, chart and row texts carry the numbers', async () => {
  const { sparkline, historyChart, historyRowDetail, historyRowLabel } = await import('../../src/shared/historyText.ts');
  assert.equal(sparkline([0, 0.5, 1]), '▁▅█');
  assert.equal(sparkline([1, null, 1]), '█·█');
  assert.equal(sparkline([null]), '');
  const row = { bundleDir: '/b', stamp: '20261202T090000Z', time: '', verdict: 'pass' as const, correlation: 0.9999, sumRatio: 1.01, maxAbsDiff: 0.5, engines: 'x vs y', gitCommit: 'abc123' };
  const older = { ...row, stamp: '20261201T090000Z', correlation: 0.72, verdict: 'fail' as const, gitCommit: undefined };
  assert.equal(historyChart([row, older]), 'corr over time ▁█ (0.720000 → 0.999900)');
  assert.equal(historyRowLabel({ ...row, whatIf: true }), 'PASS  20261202T090000Z  (what-if)');
  assert.match(historyRowDetail(row), /corr 0\.999900 · sum ratio 1\.010000 · max\|Δ\| 0\.5 · x vs y · git abc123/);
  assert.match(historyRowDetail(older), /no git commit recorded/);
});
